"""How fast people are imported from CSV, beside a bare `executemany` of the same rows, and how
much memory a very large file takes.

    .venv/bin/python benchmarks/import_people.py [--rows 100000] [--database-url URL]
        [--memory-rows 1000000] [--keep]

1. Writes a CSV of `--rows` generated people (first and last name, email, phone, place, tags,
   notes; about 5% repeat an earlier person's email or phone, about 2% are bad rows).
2. Bare: reads it with csv.reader and inserts the rows as they are, with one `executemany` in
   one transaction, into a table of the same database; three times, the median compared.
3. Import: the import engine on the same file (what `netweave import` runs): validation,
   duplicate detection by keyed hash, encryption of contact values and notes, people,
   channels, ledger entries, batches of 5,000 with their checkpoints.
   The bar: the import at no less than 1/20 of the bare speed.
4. With `--memory-rows N` (0 to skip): writes an N-row file and imports it with
   `netweave import` in a child process, and prints that process's peak resident memory
   (getrusage). The bar: under 500 MB.

The database is a fresh SQLite file in a temporary folder, or the empty PostgreSQL database
given (migrated first; the bare table is dropped afterwards).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import django_on

HEADER = ["first_name", "last_name", "email", "phone", "city", "tags", "notes"]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatou", "Gus", "Hana", "Ivan", "Jo", "Kemi",
         "Luis", "Mei", "Noor", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tariq"]
LAST = ["Okafor", "Silva", "Nguyen", "Weber", "Diallo", "Novak", "Kim", "Mensah", "Ortega",
        "Nair", "Taylor", "Chen"]
PLACES = ["Eastside", "Westside", "Campus", "Harbour"]
RATIO_BAR = 20.0
RSS_BAR_MB = 500.0


def write_file(path: Path, rows: int, seed: int = 7, prefix: str = "person") -> None:
    rng = random.Random(seed)  # noqa: S311 - generated data, not secrets
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            roll = rng.random()
            n = rng.randrange(max(i, 1)) if roll < 0.05 else i  # a repeat of an earlier person
            email = f"{prefix}{n}@example.org"
            # Another country code per prefix: the memory run's people are all new.
            phone = f"+{1 if prefix == 'person' else 44} 555 {n // 10000:03d} {n % 10000:04d}"
            if 0.05 <= roll < 0.06:
                email = f"{prefix}{n}@bad"
            elif 0.06 <= roll < 0.065:
                phone = "12"
            first = FIRST[n % len(FIRST)] if not (0.065 <= roll < 0.07) else ""
            last = LAST[n % len(LAST)] if first else ""
            if not first:
                email = phone = ""
            writer.writerow([first, last, email, phone, PLACES[n % len(PLACES)],
                             "volunteer" if n % 3 == 0 else "", f"Met at table {n % 50}"
                             if n % 4 == 0 else ""])


def bare(path: Path) -> float:
    """Seconds to read the file and executemany its rows into a plain table, one commit."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_rows")
        cursor.execute("CREATE TABLE bench_bare_rows (first_name text, last_name text, "
                       "email text, phone text, city text, tags text, notes text)")
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle, transaction.atomic(), \
            connection.cursor() as cursor:
        reader = csv.reader(handle)
        next(reader)
        cursor.executemany("INSERT INTO bench_bare_rows VALUES (%s, %s, %s, %s, %s, %s, %s)",
                           list(reader))
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_rows")
    return elapsed


def setup_chapter() -> tuple[object, object]:
    from django.contrib.auth import get_user_model

    from netweave.core.models import Chapter, ChapterRole, Place
    from netweave.networks.models import Network, NetworkKind
    from netweave.work.catalog import sync
    from netweave.work.models import Playbook

    sync(NetworkKind, Playbook)
    chapter, _ = Chapter.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    for name in PLACES:
        Place.objects.get_or_create(chapter=chapter, name=name)
    user = get_user_model().objects.filter(username="bench").first() or \
        get_user_model().objects.create_user("bench", password=None)
    ChapterRole.objects.get_or_create(user=user, chapter=chapter)
    kind = NetworkKind.objects.filter(chapter__isnull=True).first()
    Network.objects.get_or_create(chapter=chapter, name="Volunteers", defaults={"kind": kind})
    return chapter, user


def run_import(path: Path, chapter: object, user: object) -> tuple[float, object]:
    from netweave.imports import services

    started = time.perf_counter()
    run, _resumed = services.import_from_path(
        actor=user, chapter=chapter, path=str(path),
        defaults={"tags": {"volunteer": "network:Volunteers"}})
    services.import_start(actor=user, run=run, background=False)
    run = services.import_execute(run_id=run.id, recount=False)
    return time.perf_counter() - started, run


def recount(chapter: object, run: object) -> float:
    """The step after the rows are in: the ledger indexes and dashboard counts of what the run
    touched brought up to date (the import writes past the signals that keep them)."""
    from netweave.imports import services

    started = time.perf_counter()
    services.recount_chapter(chapter.pk, run=run)  # type: ignore[attr-defined, arg-type]
    return time.perf_counter() - started


def memory(rows: int, folder: Path) -> float:
    """Peak RSS (MB) of `netweave import` on an N-row file, in a child process."""
    path = folder / f"people-{rows}.csv"
    write_file(path, rows, seed=11, prefix="member")
    env = dict(os.environ)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "netweave.cli", "import", str(path), "--chapter", "bench",
         "--as", "bench", "--no-progress", "--tag", "volunteer=network:Volunteers"],
        env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    last = [line for line in result.stdout.splitlines() if line.startswith(("done", "failed"))]
    print(f"  {rows:,} rows: {last[-1] if last else result.stderr[-500:]}")
    print(f"  {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s")
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    engine = django_on(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="netweave-import-"))
    path = folder / f"people-{args.rows}.csv"
    write_file(path, args.rows)
    chapter, user = setup_chapter()
    print(f"{engine}: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")

    # CPU seconds of this process beside the wall-clock ones: on a shared machine the wall
    # clock also counts the time other jobs held the cores (on SQLite the database works in
    # this process, so its CPU time is the whole cost; on PostgreSQL the server's is not in it).
    # The bare insert takes well under a second, so a moment of other work on the machine
    # moves it by a quarter: the median of three runs is the one compared.
    cpu = time.process_time()
    bares = sorted(bare(path) for _ in range(3))
    bare_s = bares[1]
    bare_cpu, cpu = (time.process_time() - cpu) / 3, time.process_time()
    import_s, run = run_import(path, chapter, user)
    import_cpu = time.process_time() - cpu
    ratio = import_s / bare_s
    print(f"  bare executemany: {bare_s:8.2f} s  {args.rows / bare_s:>10,.0f} rows/s  "
          f"(CPU {bare_cpu:.2f} s; median of {', '.join(f'{b:.2f}' for b in bares)} s)")
    print(f"  import:           {import_s:8.2f} s  {args.rows / import_s:>10,.0f} rows/s  "
          f"(CPU {import_cpu:.2f} s, {import_cpu / bare_cpu:.1f}x the bare insert's)  "
          f"({run.created_count:,} created, {run.merged_count:,} merged, "
          f"{run.unchanged_count:,} unchanged, {run.rejected_count:,} rejected)")
    print(f"  import is {ratio:.1f}x slower than bare ({'within' if ratio <= RATIO_BAR else 'OVER'}"
          f" the {RATIO_BAR:.0f}x bar)")
    print(f"  then the dashboard counts of what it touched: {recount(chapter, run):.2f} s")
    again_s, again = run_import(path, chapter, user)
    print(f"  second run of the same file: {again_s:.2f} s, {again.created_count} created, "
          f"{again.merged_count} merged, {again.unchanged_count:,} unchanged")
    if args.memory_rows:
        rss = memory(args.memory_rows, folder)
        print(f"  peak resident memory of the import process: {rss:.0f} MB "
              f"({'under' if rss < RSS_BAR_MB else 'OVER'} the {RSS_BAR_MB:.0f} MB bar)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if not args.keep:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
