"""Plan a synthetic movement in flat lists, then load it table by table."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from netweave.core.models import Chapter, Contribution
from netweave.networks.models import PATH_WIDTH, Membership, Network, NetworkKind
from netweave.people.models import Person
from netweave.scale import forest as forests
from netweave.scale import ledger, people, rows
from netweave.scale.forest import DAYS_PER_MONTH, ChapterShape, Forest
from netweave.scale.ids import Clock
from netweave.scale.load import Loader, Timing, finish

INCREMENTAL_EVERY = 3  # every third chapter grows incrementally, the others geometrically
TABLES: list[type[models.Model]] = [Chapter, Person, Network, Membership, Contribution]


@dataclass(frozen=True)
class Size:
    people: int = 1_000_000
    networks: int = 100_000
    months: int = 24
    seeding_rate: float = 0.3  # networks seeded per active network per quarter (geometric)
    ledger: int = 5_000_000
    chapters: int = 10
    seed: int = 1
    batch: int = 10_000


@dataclass
class Generated:
    size: Size
    forest: Forest
    chapter_ids: list[int]
    timings: list[Timing] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.timings)


class NotEmpty(Exception):
    """The database already holds a movement; generated ids would collide with its ids."""


def generate(size: Size, *, report: Callable[[str], None] = print,
             indexes: bool = True) -> Generated:
    """Generate and load. Refuses (NotEmpty) unless chapters, people, networks, memberships and
    the ledger are all empty: ids are assigned here, from 1. `indexes=False` leaves the
    ledger's indexes (metrics.activity) unbuilt, for benchmarks that read none of them (the
    lineage); `netweave rebuild_activity` builds them later."""
    started = time.perf_counter()
    _check(size)
    refuse_unless_empty()
    # Synthetic data, reproducible on purpose: not a secret.
    rng = random.Random(size.seed)  # noqa: S311  # nosec B311
    span = size.months * DAYS_PER_MONTH
    now = timezone.now()
    start = (now - timedelta(days=span)).date()  # midnight, so start + span <= now
    pg = connection.vendor == "postgresql"
    clock = Clock(start, int(span), utc_suffix="+00" if pg else "")

    report(f"Planning {size.networks:,} networks, {size.people:,} people ...")
    shapes = chapter_shapes(size, rng)
    forest = forests.grow(shapes, size.months, rng)
    status = forests.statuses(forest, span, rng)
    crowd = people.crowd(shapes, span, rng)
    members = people.memberships(forest, crowd, status, span, rng)
    stage = people.stages(crowd, forest, members, rng)
    needed = ledger.required(crowd, forest, members)
    if size.ledger < needed:
        raise ValueError(f"--ledger must be at least {needed:,}: one sign-up per person, one "
                         f"entry per network and one per membership.")
    paths = forests.paths(forest, [pos + 1 for pos in range(len(forest))], PATH_WIDTH)
    report(f"  planned in {time.perf_counter() - started:.1f} s: {len(members):,} memberships, "
           f"deepest generation {max(forest.generation)}")

    with transaction.atomic():
        chapter_ids = _chapters(shapes, clock)
        kinds = list(NetworkKind.objects.filter(chapter__isnull=True)
                     .order_by("slug").values_list("id", "name"))
        done = Generated(size, forest, chapter_ids)
        loader = Loader(batch=size.batch, report=report)
        done.timings.append(loader.load(
            Person, rows.COLUMNS["person"],
            rows.people(crowd, chapter_ids, stage, clock, rng), len(crowd)))
        done.timings.append(loader.load(
            Network, rows.COLUMNS["network"],
            rows.networks(forest, paths, status, members, chapter_ids, kinds, clock, span, rng),
            len(forest)))
        done.timings.append(loader.load(
            Membership, rows.COLUMNS["membership"], rows.memberships(members, clock),
            len(members)))
        done.timings.append(loader.load(
            Contribution, rows.COLUMNS["contribution"],
            ledger.rows(crowd, forest, members, stage, chapter_ids, clock, size.ledger, span,
                        rng),
            size.ledger))
        finish(TABLES)
        if indexes:
            done.timings.append(_indexes(report))
    done.seconds = time.perf_counter() - started
    return done


def _indexes(report: Callable[[str], None]) -> Timing:
    """The ledger's indexes (metrics.activity) and the dashboard's counts (metrics.facts),
    which the loader's plain INSERTs bypass."""
    from netweave.metrics import activity, facts

    started = time.perf_counter()
    built = activity.rebuild()
    counted = facts.rebuild()
    rows = (built.network_spells + built.person_spells + built.milestones + counted.networks
            + counted.people + counted.counts)
    seconds = time.perf_counter() - started
    report(f"  activity indexes and dashboard counts: {rows:,} rows in {seconds:.1f} s")
    return Timing("metrics (indexes, counts)", rows, seconds)


def _check(size: Size) -> None:
    if size.chapters < 1 or size.months < 1 or size.batch < 1:
        raise ValueError("--chapters, --months and --batch must be at least 1.")
    if size.networks < size.chapters or size.people < size.chapters * people.CORE:
        raise ValueError(f"Every chapter needs a network and {people.CORE} people.")
    if size.seeding_rate < 0:
        raise ValueError("--seeding-rate cannot be negative.")


def refuse_unless_empty() -> None:
    for model in TABLES:
        if model._default_manager.exists():
            raise NotEmpty(f"{model._meta.db_table} is not empty: the generator only loads "
                           "into a database without a movement.")


def chapter_shapes(size: Size, rng: random.Random) -> list[ChapterShape]:
    """Chapters of unequal size (the biggest has ~3x the smallest), each with its style."""
    weights = [rng.uniform(1, 3) for _ in range(size.chapters)]
    # Every chapter gets its core people and one network first, so the totals stay exact.
    networks = [1 + n for n in _split(size.networks - size.chapters, weights)]
    crowds = [people.CORE + n for n in _split(size.people - people.CORE * size.chapters,
                                               weights)]
    monthly = size.seeding_rate / 3
    shapes = []
    for i in range(size.chapters):
        geometric = i % INCREMENTAL_EVERY != INCREMENTAL_EVERY - 1
        rate = monthly if geometric else monthly * forests.INCREMENTAL_DAMPING
        shapes.append(ChapterShape(index=i, networks=networks[i], people=crowds[i],
                                   geometric=geometric, monthly_rate=rate))
    return shapes


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` in proportion to `weights`, summing exactly (largest remainders get the rest)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _chapters(shapes: list[ChapterShape], clock: Clock) -> list[int]:
    created = clock.datetime(0)
    chapters = [
        Chapter(name=f"Chapter {s.index + 1}", slug=f"chapter-{s.index + 1}",
                region="Synthetic", created_at=created)
        for s in shapes
    ]
    for chapter in chapters:
        chapter.save()  # a handful of rows; save() gives the ids on every database
    return [c.id for c in chapters]
