"""The back office's view of what was sent: look, never edit (the jobs write the log)."""

from django.contrib import admin

from netweave.core.admin import ReadOnlyAdmin
from netweave.notify.models import JobRun, Mute, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reason", "channel", "language", "status", "attempts")
    list_filter = ("reason", "status", "channel")
    search_fields = ("dedupe_key", "public_id")


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "job", "summary", "finished_at")
    list_filter = ("job",)


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reason", "person", "user")
    list_filter = ("reason",)
