"""Imports of people from CSV files: one row per run, its file (encrypted) and its rejected rows.

A run is also its own checkpoint: `processed_rows` is written in the same transaction as each
batch of people, so a run cut short resumes exactly where its last batch ended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.models import Chapter, PublicIdModel


class ImportRun(PublicIdModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        READY = "ready", _("Ready to import")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(_("file"), max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED,
                              db_index=True)
    source_format = models.CharField(_("format"), max_length=20, default="custom")
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    defaults = models.JSONField(default=dict, blank=True)
    # A file read from the server's disk (the command line) is not copied: only where it is.
    # Uploaded files are kept as encrypted chunks (ImportChunk) instead.
    source_path = models.CharField(max_length=1000, blank=True)
    # Keyed hash of the file's bytes: the command line finds an unfinished run of the same file
    # to resume, without the database holding anything that reveals the content.
    file_digest = models.CharField(max_length=64, blank=True, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    # utf-8-sig, or cp1252 for files saved by older spreadsheet programs (found at upload).
    encoding = models.CharField(max_length=20, default="utf-8-sig")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # reason code -> rows rejected for it.
    reasons = models.JSONField(default=dict, blank=True)
    # The first outcomes (row number, outcome, reason, name): enough for the report page.
    sample = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with every batch: a run "running" with no heartbeat for a while was killed, and
    # may be started again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["chapter", "created_at"])]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return max(0, min(100, int(100 * self.processed_rows / self.total_rows)))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.CANCELLED}


class ImportChunk(models.Model):
    """A piece of an uploaded file, encrypted (imports/storage.py): the file is never on disk
    or in the database in plain text, and a worker on another machine can still read it."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="import_chunk_once")]


class ImportRejection(models.Model):
    """A row that was not imported, with why, kept to hand back as a CSV to fix and re-import.
    The original values may hold contact details: stored encrypted."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    reason = models.CharField(max_length=300)
    values = EncryptedTextField()  # JSON list of the row's original cells

    class Meta:
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "row_number"], name="import_rejection_once")
        ]


class ImportKey(models.Model):
    """Keyed hash of the name (and place) of a person an import created without any email or
    phone: the only way to recognise them again when the same file is imported twice. Only
    people created by an import are found this way, never people recorded by hand."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter", "key_hash"], name="import_key_once")
        ]
