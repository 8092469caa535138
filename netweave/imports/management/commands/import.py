"""`netweave import FILE --chapter SLUG`: import people from a CSV file, with a progress bar.

The module is named `import` so that the command is `netweave import`: Python's `import`
statement could not name it, but Django loads commands with importlib, which can.

Run the same command again after a crash or a kill: it finds the unfinished run of the same
file (by keyed digest) and resumes after its last committed batch.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from netweave.core.models import Chapter
from netweave.imports import engine, formats, selectors, services
from netweave.imports.models import ImportRun


class Command(BaseCommand):
    help = "Import people from a CSV file (Action Network, NationBuilder, Mobilize, CiviCRM, " \
           "Google Forms, or any CSV with --map)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--chapter", required=True, help="the chapter's slug")
        parser.add_argument("--format", default="auto",
                            choices=["auto", *formats.BY_KEY, "custom"])
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=TARGET",
                            help="what a column is (repeat); TARGET empty to skip it. "
                                 f"Targets: {', '.join(k for k in formats.TARGETS if k)}")
        parser.add_argument("--network", action="append", default=[], metavar="NAME",
                            help="a network every row joins (repeat)")
        parser.add_argument("--place", default="", help="place for rows that name none")
        parser.add_argument("--source", default="", help="how they came in, for every row")
        parser.add_argument("--tag", action="append", default=[], metavar="TAG=RULE",
                            help="e.g. 'film night=network:Film team', 'carer=constraint:"
                                 "caregiving', 'es=language:es', 'quiet=discreet'")
        parser.add_argument("--as", dest="username", default="",
                            help="the organizer (or admin) the import is recorded as")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and report, write nothing")
        parser.add_argument("--rejected", default="",
                            help="where to write the rejected rows (default: next to FILE)")
        parser.add_argument("--batch", type=int, default=services.engine.BATCH_ROWS)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]).resolve()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        chapter = Chapter.objects.filter(slug=options["chapter"]).first()
        if chapter is None:
            raise CommandError(f"No chapter with the slug {options['chapter']!r}.")
        actor = self._actor(options["username"])
        mapping = dict(_pair(m, "--map") for m in options["map"])
        defaults: dict[str, Any] = {
            "networks": options["network"], "place": options["place"],
            "source": options["source"],
            "tags": dict(_pair(t, "--tag") for t in options["tag"]),
        }
        try:
            if options["dry_run"]:
                with transaction.atomic():
                    run = self._run(actor, chapter, path, options, mapping, defaults)
                    self._finish(actor, run, path, options)
                    transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was written.")
            else:
                run = self._run(actor, chapter, path, options, mapping, defaults)
                self._finish(actor, run, path, options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(f"{actor} does not organize {chapter}.") from error

    def _actor(self, username: str) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            return user
        admins = list(users.filter(is_superuser=True)[:2])
        if len(admins) != 1:
            raise CommandError("Say who imports: --as USERNAME (an organizer of the chapter).")
        return admins[0]

    def _run(self, actor: Any, chapter: Chapter, path: Path, options: dict[str, Any],
             mapping: dict[str, str], defaults: dict[str, Any]) -> ImportRun:
        run, resumed = services.import_from_path(
            actor=actor, chapter=chapter, path=str(path), source_format=options["format"],
            mapping=mapping, defaults=defaults)
        label = dict(formats.FORMAT_CHOICES).get(run.source_format, run.source_format)
        self.stdout.write(f"{path.name}: {label}, {run.total_rows} rows"
                          + (f", resuming after row {run.processed_rows + 1}" if resumed else ""))
        for column, target in run.mapping.items():
            self.stdout.write(f"  {column} -> {target or '(not imported)'}")
        services.import_start(actor=actor, run=run, background=False)
        return self._execute(run, options)

    def _execute(self, run: ImportRun, options: dict[str, Any]) -> ImportRun:
        try:
            return self._execute_with_progress(run, options)
        except engine.RunTakenOver:
            raise CommandError(
                "Another process is importing this file into this chapter: this one stopped "
                "and wrote nothing twice. The other one goes on; run this command again after "
                "it to see its report.") from None

    def _execute_with_progress(self, run: ImportRun, options: dict[str, Any]) -> ImportRun:
        if options["no_progress"] or not self.stdout.isatty():
            return services.import_execute(run_id=run.id, batch_rows=options["batch"],
                                           progress=self._log_progress)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        columns = ("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns) as bar:
            task = bar.add_task("importing", total=run.total_rows,
                                completed=run.processed_rows)
            return services.import_execute(
                run_id=run.id, batch_rows=options["batch"],
                progress=lambda r: bar.update(task, completed=r.processed_rows))

    def _log_progress(self, run: ImportRun) -> None:
        self.stdout.write(f"  {run.processed_rows}/{run.total_rows} rows")
        self.stdout.flush()

    def _finish(self, actor: Any, run: ImportRun, path: Path, options: dict[str, Any]) -> None:
        report = selectors.import_report(actor, run)
        self.stdout.write(
            f"{run.status}: {report['created']} created, {report['merged']} merged, "
            f"{report['unchanged']} unchanged, {report['rejected']} rejected"
            + (f", {report['skipped_blank']} blank rows skipped" if report["skipped_blank"]
               else ""))
        for _code, label, count in report["reasons"]:
            self.stdout.write(f"  rejected: {label}: {count}")
        if run.error:
            self.stderr.write(run.error)
        if run.rejected_count:
            target = Path(options["rejected"] or path.with_name(f"{path.stem}.rejected.csv"))
            header, rows = services.rejected_csv_rows(run)
            # The rejected rows may hold contact details: readable by the owner only.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "w", newline="", encoding="utf-8-sig") as out:
                count = services.write_csv(header, rows, out)
            self.stdout.write(f"Rejected rows ({count}), with a reason column, in {target}: fix "
                              "them and import that file.")
        if run.status == ImportRun.Status.FAILED:
            raise CommandError("The import failed; run the same command again to resume.")


def _pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise CommandError(f"{option} takes NAME=VALUE, not {text!r}.")
    return key.strip(), value.strip()
