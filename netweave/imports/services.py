"""Every write about imports: upload, map, preview, start, run, cancel.

Only organizers of the chapter and admins import. The file is kept encrypted (imports/storage.py)
until the run is done; rejected rows stay, encrypted, to be handed back as a CSV.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.imports import engine, formats, storage
from netweave.imports.models import ImportChunk, ImportRun
from netweave.imports.rows import Rules, row_values
from netweave.networks.models import Network
from netweave.people.models import Constraint, Source

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TAG_KINDS = ("network", "place", "constraint", "language", "interest", "discreet", "ignore")
Status = ImportRun.Status


@dataclass(frozen=True)
class PreviewRow:
    row_number: int
    values: dict[str, str]
    outcome: str  # create, merge, unchanged, reject
    reason: str


def _require_organizer(actor: Any, chapter_id: int) -> None:
    require(scope_of(actor).organizes(chapter_id))


def file_digest(data: bytes) -> str:
    """Keyed hash of a file's bytes: tells the same file again without revealing it."""
    return hmac.new(settings.NETWEAVE_HASH_KEY.encode(), data, hashlib.sha256).hexdigest()


def _decode(start: bytes) -> tuple[str, str]:
    """(encoding, text) of the file's start: UTF-8 (with or without BOM), else Windows-1252,
    the encoding of CSV files saved by older spreadsheet programs."""
    try:
        return "utf-8-sig", start.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start > len(start) - 4:  # a character cut at the end of the sample
            return "utf-8-sig", start[:error.start].decode("utf-8-sig")
        try:
            return "cp1252", start.decode("cp1252")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": _("This file is not text in a known encoding: save it as CSV "
                           "(UTF-8) and try again.")}) from None


def read_header(start: bytes) -> tuple[str, list[str]]:
    """(encoding, header names made unique) from the start of a file; ValidationError when
    there is no header row."""
    encoding, text = _decode(start)
    rows = engine.records(io.StringIO(text))
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise ValidationError({"file": _("The file has no header row: the first line must "
                                         "name the columns.")})
    if next(rows, None) is None:
        raise ValidationError({"file": _("The file has a header row but no people in it.")})
    return encoding, unique_headers(header)


def unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for index, raw in enumerate(header):
        name = raw.strip() or _("Column %(n)d") % {"n": index + 1}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def count_rows(run: ImportRun) -> int:
    with storage.open_text(run) as stream:
        return max(0, sum(1 for _row in engine.records(stream)) - 1)


@transaction.atomic
def import_upload(*, actor: Any, chapter: Chapter, filename: str, data: bytes) -> ImportRun:
    """Keep an uploaded file (encrypted), recognise its format and propose a mapping."""
    _require_organizer(actor, chapter.id)
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB: split it, or "
                                         "import it with the command line.")
                                       % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}})
    if b"\x00" in data[:4096]:
        raise ValidationError({"file": _("This is not a CSV file: save it as CSV and try "
                                         "again.")})
    encoding, headers = read_header(data[:256 * 1024])
    source_format = formats.detect(headers)
    run = ImportRun.objects.create(
        chapter=chapter, created_by=actor, filename=filename[:255] or "import.csv",
        status=Status.READY, source_format=source_format, headers=headers,
        mapping=formats.propose_mapping(headers, source_format), encoding=encoding,
        file_digest=file_digest(data), size_bytes=len(data),
    )
    storage.store(run, data)
    run.total_rows = count_rows(run)
    run.save(update_fields=["total_rows"])
    audit(actor=actor, action="import.upload", chapter_id=chapter.id, target=run.public_id,
          format=source_format, rows=run.total_rows, size=len(data))
    return run


def import_from_path(*, actor: Any, chapter: Chapter, path: str, source_format: str = "auto",
                     mapping: dict[str, str] | None = None, defaults: dict | None = None
                     ) -> tuple[ImportRun, bool]:
    """The command line's run for a file on the server's disk: the unfinished run of the same
    file (same keyed digest, chapter and mapping) to resume, or a new one. The file is read
    where it is, not copied. Returns (run, resumed)."""
    _require_organizer(actor, chapter.id)
    digest = hmac.new(settings.NETWEAVE_HASH_KEY.encode(), digestmod=hashlib.sha256)
    size = 0
    with open(path, "rb") as handle:
        start = handle.read(256 * 1024)
        handle.seek(0)
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    encoding, headers = read_header(start)
    fmt = formats.detect(headers) if source_format in ("auto", "") else source_format
    if fmt not in formats.BY_KEY and fmt != "custom":
        raise ValidationError({"format": _("Unknown format: %(f)s") % {"f": fmt}})
    proposed = formats.propose_mapping(headers, fmt)
    for column, target in (mapping or {}).items():
        if column not in headers:
            raise ValidationError({"mapping": _("No column called “%(c)s” in the file.")
                                              % {"c": column}})
        proposed[column] = target
    unfinished = (ImportRun.objects.filter(
        chapter=chapter, file_digest=digest.hexdigest(),
        status__in=[Status.QUEUED, Status.RUNNING, Status.FAILED])
        .order_by("-created_at").first())
    if unfinished is not None and unfinished.mapping == proposed and \
            unfinished.defaults == _check_defaults(chapter.id, defaults or {}):
        unfinished.source_path = path
        unfinished.save(update_fields=["source_path"])
        return unfinished, True
    with transaction.atomic():
        run = ImportRun.objects.create(
            chapter=chapter, created_by=actor, filename=path.rsplit("/", 1)[-1][:255],
            status=Status.READY, source_format=fmt, headers=headers, mapping={},
            encoding=encoding, file_digest=digest.hexdigest(), size_bytes=size,
            source_path=path,
        )
        import_set_mapping(actor=actor, run=run, mapping=proposed, defaults=defaults)
    run.total_rows = count_rows(run)
    run.save(update_fields=["total_rows"])
    return run, False


@transaction.atomic
def import_set_mapping(*, actor: Any, run: ImportRun, mapping: dict[str, str],
                       defaults: dict | None = None) -> ImportRun:
    """Which column goes where, and the run's rules: `defaults` may hold
    "networks" (names every row joins), "place" (a name, for rows without one), "source"
    (how they came in) and "tags" ({tag: "network:Name" | "place:Name" | "constraint:key" |
    "language:xx" | "interest:text" | "discreet" | "ignore"})."""
    _require_organizer(actor, run.chapter_id)
    if run.status not in (Status.UPLOADED, Status.READY):
        raise ValidationError({"mapping": _("This import has started: its mapping can no "
                                            "longer change.")})
    clean = {}
    for column in run.headers:
        target = (mapping.get(column) or "").strip()
        if target not in formats.TARGETS:
            raise ValidationError({"mapping": _("“%(t)s” is not something a column can be "
                                                "imported as.") % {"t": target}})
        clean[column] = target
    unknown = set(mapping) - set(run.headers)
    if unknown:
        raise ValidationError({"mapping": _("No column called “%(c)s” in the file.")
                                          % {"c": sorted(unknown)[0]}})
    targets = set(clean.values())
    if not targets & {"display_name", "first_name", "last_name", "email", "phone"}:
        raise ValidationError({"mapping": _("Map at least one column to a name, an email or a "
                                            "phone: nothing else tells people apart.")})
    run.mapping = clean
    run.defaults = _check_defaults(run.chapter_id, defaults or {})
    run.status = Status.READY
    run.save(update_fields=["mapping", "defaults", "status"])
    audit(actor=actor, action="import.map", chapter_id=run.chapter_id, target=run.public_id,
          columns=sorted(c for c, t in clean.items() if t))
    return run


def _check_defaults(chapter_id: int, defaults: dict) -> dict:
    networks = {n.casefold() for n in Network.objects.filter(chapter_id=chapter_id)
                .exclude(status=Network.Status.DISSOLVED).values_list("name", flat=True)}
    places = {n.casefold() for n in
              Place.objects.filter(chapter_id=chapter_id).values_list("name", flat=True)}
    clean: dict[str, Any] = {}
    for name in defaults.get("networks") or []:
        if name.strip().casefold() not in networks:
            raise ValidationError({"mapping": _("No network called “%(n)s” in the chapter.")
                                              % {"n": name}})
    if defaults.get("networks"):
        clean["networks"] = [n.strip() for n in defaults["networks"]]
    place = (defaults.get("place") or "").strip()
    if place:
        if place.casefold() not in places:
            raise ValidationError({"mapping": _("No place called “%(n)s” in the chapter.")
                                              % {"n": place}})
        clean["place"] = place
    source = (defaults.get("source") or "").strip()
    if source:
        if source not in Source.values:
            raise ValidationError({"mapping": _("Unknown way of coming in: %(s)s")
                                              % {"s": source}})
        clean["source"] = source
    tags = {}
    for tag, rule in (defaults.get("tags") or {}).items():
        kind, _sep, value = str(rule).partition(":")
        kind, value = kind.strip(), value.strip()
        if kind not in TAG_KINDS:
            raise ValidationError({"mapping": _("Tag “%(t)s”: unknown rule “%(r)s”.")
                                              % {"t": tag, "r": rule}})
        if kind == "network" and value.casefold() not in networks:
            raise ValidationError({"mapping": _("Tag “%(t)s”: no network called “%(n)s”.")
                                              % {"t": tag, "n": value}})
        if kind == "place" and value.casefold() not in places:
            raise ValidationError({"mapping": _("Tag “%(t)s”: no place called “%(n)s”.")
                                              % {"t": tag, "n": value}})
        if kind == "constraint" and value not in Constraint.values:
            raise ValidationError({"mapping": _("Tag “%(t)s”: unknown constraint “%(c)s”.")
                                              % {"t": tag, "c": value}})
        if kind != "ignore":
            tags[tag.strip()] = f"{kind}:{value}" if value else kind
    if tags:
        clean["tags"] = tags
    return clean


def import_preview(*, actor: Any, run: ImportRun, limit: int = 20) -> list[PreviewRow]:
    """What the first `limit` rows would become, worked out by the real engine inside a
    transaction that is then rolled back: the preview cannot disagree with the run."""
    _require_organizer(actor, run.chapter_id)
    rows: list[tuple[int, list[str]]] = []
    with storage.open_text(run) as stream:
        reader = engine.records(stream)
        next(reader, None)
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                rows.append((number, cells))
            if len(rows) >= limit:
                break
    rules = engine.build_rules(run)
    from netweave.people.services import first_followup_due

    with transaction.atomic():
        batch = engine.Batch(run, rules, now=timezone.now(),
                             due=first_followup_due(run.chapter_id),
                             actor_id=getattr(actor, "pk", None))
        result = batch.process(rows, keep_cells=True)
        transaction.set_rollback(True)
    cells_of = dict(rows)
    return [PreviewRow(o.row_number, _preview_values(rules, cells_of[o.row_number]),
                       o.outcome, o.reason) for o in result.outcomes]


def _preview_values(rules: Rules, cells: list[str]) -> dict[str, str]:
    return row_values(rules, cells)


@transaction.atomic
def import_start(*, actor: Any, run: ImportRun, background: bool = True) -> ImportRun:
    """Queue the run. It runs in a thread on the embedded default, as an RQ job when
    NETWEAVE_QUEUE_URL is set (or inline when NETWEAVE_IMPORTS_INLINE is set, for tests).
    Starting a run that failed or was killed resumes it from its checkpoint.
    `background=False`: only mark it queued, the caller runs `import_execute` (the CLI)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _require_organizer(actor, run.chapter_id)
    if run.status in (Status.DONE, Status.CANCELLED):
        raise ValidationError({"run": _("This import is over: upload the file again to run it "
                                        "again.")})
    if background and run.status in (Status.QUEUED, Status.RUNNING) and _alive(run):
        return run  # already on its way: a second click must not start a second worker
    if not run.mapping:
        raise ValidationError({"mapping": _("Choose what the columns are first.")})
    # A run the command line resumes while it is still running stays "running": if another
    # process does have it, the checkpoint tells the two apart (engine._commit), and marking
    # it queued here would stop that process as if the run had been cancelled.
    if background or run.status != Status.RUNNING:
        run.status = Status.QUEUED
    run.error = ""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "error", "heartbeat_at"])
    audit(actor=actor, action="import.start", chapter_id=run.chapter_id, target=run.public_id,
          resume_from=run.processed_rows)
    if background:
        transaction.on_commit(lambda: _dispatch(run.pk))
    return run


STALE_SECONDS = 120


def _alive(run: ImportRun) -> bool:
    """Queued or running with a batch committed recently: not killed."""
    last = run.heartbeat_at
    return last is not None and (timezone.now() - last).total_seconds() < STALE_SECONDS


def _dispatch(run_id: int) -> None:
    if getattr(settings, "NETWEAVE_IMPORTS_INLINE", False):
        import_execute(run_id=run_id)
    elif settings.NETWEAVE_QUEUE_URL:
        from netweave.core.worker import job_queue

        job_queue().enqueue("netweave.imports.services.import_job", run_id,
                            job_id=f"{settings.NETWEAVE_QUEUE_NAME}-import-{run_id}",
                            description=f"import run {run_id}")
    else:
        threading.Thread(target=import_job, args=(run_id,), daemon=True,
                         name=f"import-{run_id}").start()


def import_job(run_id: int) -> str:
    """The background entry point (thread or RQ worker)."""
    try:
        run = import_execute(run_id=run_id)
        return f"{run.public_id}: {run.status}"
    except engine.RunTakenOver:
        log.warning("import run %s is being run by another process: this worker stopped", run_id)
        return f"run {run_id}: taken over by another process"
    finally:
        close_old_connections()


def import_execute(*, run_id: int, progress: Any = None,
                   batch_rows: int = engine.BATCH_ROWS, recount: bool = True) -> ImportRun:
    """Run (or resume) the import to its end. Called by the worker and by the command line.
    `recount=False` leaves the chapter's dashboard counts to the caller (the benchmark times
    recount_chapter on its own)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status in (Status.DONE, Status.CANCELLED):
            return run
        run.status = Status.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        engine.execute(run, progress=progress, batch_rows=batch_rows)
        if recount:
            recount_chapter(run.chapter_id, run=run)
    except engine.RunTakenOver:
        raise  # the other process goes on with the run: this one leaves it as it is
    except Exception as error:
        log.exception("import %s failed", run.public_id)
        ImportRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    if run.status != Status.RUNNING:  # cancelled meanwhile
        return run
    run.status = Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    # The file is no longer needed: keep only the rejected rows (encrypted) and the counts.
    ImportChunk.objects.filter(run=run).delete()
    audit(actor=run.created_by, action="import.done", chapter_id=run.chapter_id,
          target=run.public_id, created=run.created_count, merged=run.merged_count,
          unchanged=run.unchanged_count, rejected=run.rejected_count,
          reasons=run.reasons)
    return run


def recount_chapter(chapter_id: int, *, run: ImportRun | None = None) -> None:
    """The import wrote people, memberships and ledger entries in bulk, past the signals that
    keep the ledger's indexes and the dashboard's counts (metrics.activity, metrics.facts), so
    they are brought up to date once the rows are in (a cancelled run's too).

    With the `run`: only what it touched, found from what it wrote (so a resumed run's
    earlier batches too): the people it created (their SIGNED_UP entries) or gave networks
    (NETWORK_JOINED), those networks, and the people whose fields it changed (its
    person.update audit entries: a source filled in moves their funnel counts). The chapter's
    day counts move by the difference. Without it, the chapter is rebuilt from its tables."""
    from netweave.core.models import AuditEntry, Contribution
    from netweave.metrics import activity, facts
    from netweave.people.models import Person

    if run is None:
        activity.rebuild([chapter_id])
        facts.rebuild([chapter_id])
        return
    since = run.started_at or run.created_at
    kinds = [Contribution.Kind.SIGNED_UP, Contribution.Kind.NETWORK_JOINED]
    people: set[int] = set()
    networks: set[int] = set()
    # The (chapter, kind, occurred_at) index finds the entries; the run's id tells them apart.
    for person_id, network_id in (Contribution.objects.filter(
            chapter_id=chapter_id, kind__in=kinds, occurred_at__gte=since,
            data__import=run.public_id).order_by().values_list("person_id", "network_id")
            .iterator(chunk_size=10_000)):
        people.add(person_id)
        if network_id is not None:
            networks.add(network_id)
    changed = list(AuditEntry.objects.filter(
        chapter_id=chapter_id, action="person.update", at__gte=since,
        detail__import=run.public_id).values_list("target", flat=True))
    for i in range(0, len(changed), 5000):
        people.update(Person.objects.filter(public_id__in=changed[i:i + 5000])
                      .values_list("pk", flat=True))
    people.discard(None)  # type: ignore[arg-type]
    activity.refresh(network_ids=networks, person_ids=people)
    facts.refresh_many(network_ids=networks, person_ids=people)


@transaction.atomic
def import_cancel(*, actor: Any, run: ImportRun) -> ImportRun:
    """Stop a run after its current batch. What is imported stays (every batch is whole)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _require_organizer(actor, run.chapter_id)
    if run.status in (Status.DONE, Status.CANCELLED):
        return run
    run.status = Status.CANCELLED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    ImportChunk.objects.filter(run=run).delete()
    audit(actor=actor, action="import.cancel", chapter_id=run.chapter_id, target=run.public_id,
          processed=run.processed_rows)
    return run


def rejected_csv_rows(run: ImportRun) -> tuple[list[str], Any]:
    """The header and the rows for the rejected-rows CSV (used by selectors and the CLI)."""
    import json

    def rows() -> Any:
        for rejection in run.rejections.order_by("row_number").iterator(chunk_size=2000):
            yield [*json.loads(rejection.values or "[]"), rejection.reason]

    return [*run.headers, _("reason")], rows()


def write_csv(header: list[str], rows: Any, out: Any) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
