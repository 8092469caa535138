"""How long the main pages take to render server-side on the demo movement.

    .venv/bin/python benchmarks/page_render.py [--repeat 30] [--database-url URL]

Builds a fresh demo database (its own SQLite file in a temporary folder unless a database URL
is given), then requests each page in-process through Django's test client as the role that
uses it, and prints the median and 95th percentile. Everything between the request and the
rendered bytes is measured: middleware, scope, queries and templates; no network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="netweave-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    os.environ["NETWEAVE_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    started = time.perf_counter()
    call_command("demo", "--no-serve", "--force", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"demo built in {time.perf_counter() - started:.1f} s on {engine}")

    from django.contrib.auth import get_user_model

    rows = []
    for username, label, paths in pages():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for path in paths:
            timings = []
            for _ in range(args.repeat + 2):
                t0 = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            timings = sorted(timings[2:])  # the first two warm caches
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            rows.append((label, path, statistics.median(timings), p95))
    width = max(len(r[1]) for r in rows)
    print(f"{'as':<10} {'page':<{width}} {'median ms':>10} {'p95 ms':>8}")
    for label, path, median, p95 in rows:
        print(f"{label:<10} {path:<{width}} {median:>10.1f} {p95:>8.1f}")
    worst = max(r[3] for r in rows)
    print(f"slowest p95: {worst:.1f} ms ({'under' if worst < 100 else 'OVER'} the 100 ms bar)")


def pages() -> list[tuple[str, str, list[str]]]:
    """Which pages each demo login uses, with real ids from the demo data."""
    from netweave.core.models import Chapter
    from netweave.events.models import Event
    from netweave.networks.models import Network
    from netweave.people.models import Person
    from netweave.work.models import Task

    riverside = Chapter.objects.get(slug="riverside")
    busiest = (
        Network.objects.filter(chapter=riverside, seeded_from__isnull=True).order_by("id").first()
    )
    person = Person.objects.filter(chapter=riverside, ledger__isnull=False).order_by("id").first()
    event = Event.objects.filter(chapter=riverside).order_by("-starts_at").first()
    amira = Person.objects.get(user__username="amira")
    task = Task.objects.filter(person=amira).order_by("id").first()
    assert busiest and person and event and task
    return [
        ("rosa", "organizer", [
            "/", "/people/", "/people/?stage=contributor", f"/people/{person.public_id}/",
            "/networks/", f"/networks/{busiest.public_id}/",
            f"/networks/{busiest.public_id}/lineage/", "/tasks/", "/events/",
            f"/events/{event.public_id}/", "/outreach/", "/playbooks/",
        ]),
        ("marta", "convener", ["/", f"/networks/{busiest.public_id}/"]),
        ("amira", "member", ["/", f"/tasks/{task.public_id}/"]),
    ]


if __name__ == "__main__":
    main()
