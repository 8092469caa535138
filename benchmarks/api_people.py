"""API throughput: an authenticated, scoped list of 50 people against a bare django-ninja
endpoint returning 50 rows from the same database, both served by the same gunicorn process
and measured in the same run (issue 6: netweave's at least half the bare endpoint's).

    .venv/bin/python benchmarks/api_people.py [--people 2000] [--seconds 10] [--threads 4]
        [--workers 1] [--database-url postgres://...]

The database is a fresh SQLite file in a temporary folder unless a URL is given (an empty
database: it is migrated and filled). The client is this script's own threads (keep-alive
off, as gunicorn's sync workers close each connection), on the machine's other core.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _setup import django_on  # noqa: E402


def fill(people: int) -> str:
    """A chapter with `people` people and an organizer with a read token; returns the token."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from netweave.api.services import token_create
    from netweave.core.models import Chapter, ChapterRole
    from netweave.people.models import Person

    chapter = Chapter.objects.create(name="Bench", slug="bench")
    user = get_user_model().objects.create_user("bench-organizer")
    ChapterRole.objects.create(user=user, chapter=chapter)
    Person.objects.bulk_create(
        Person(chapter=chapter, display_name=f"Person {i:06d}") for i in range(people)
    )
    token = token_create(actor=user, name="bench", scope="read", days=1)[1]
    # A database that has been in use has its planner statistics (PostgreSQL's autovacuum
    # gathers them within a minute of a bulk load); a just-filled one has none, and both
    # endpoints would be measured against plans made blind.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return token


def serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="_api_bench_settings",
               NETWEAVE_RATE_API="10000000/60", PYTHONPATH=f"{HERE}{os.pathsep}{HERE.parent}")
    command = [sys.executable, "-m", "gunicorn", "netweave.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, env=env)  # noqa: S603  # nosec B603
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/bare/people")
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def measure(port: int, path: str, headers: dict[str, str], seconds: float,
            threads: int) -> float:
    """Requests per second over `seconds`, from `threads` client threads."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200 and body.count(b'"display_name"') == 50, body[:200]
            conn.close()
            done[i] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    engine = django_on(args.database_url)
    token = fill(args.people)
    server = serve(args.port, args.workers)
    try:
        auth = {"Authorization": f"Bearer {token}"}
        measure(args.port, "/bare/people", {}, 1, args.threads)  # warm both up
        measure(args.port, "/api/v1/people?limit=50", auth, 1, args.threads)
        bare = measure(args.port, "/bare/people", {}, args.seconds, args.threads)
        api = measure(args.port, "/api/v1/people?limit=50", auth, args.seconds, args.threads)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    print(f"{engine}, {args.people} people, gunicorn {args.workers} sync worker(s), "
          f"{args.threads} client threads, {args.seconds:.0f} s each")
    print(f"bare django-ninja, 50 rows:          {bare:7.0f} req/s")
    print(f"netweave /api/v1/people?limit=50:    {api:7.0f} req/s  ({api / bare:.0%} of bare)")


if __name__ == "__main__":
    main()
