from django.contrib import admin

from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "language", "chapter", "retired_at")
    list_filter = ("kind", "language", "chapter")
    search_fields = ("title",)
    raw_id_fields = ("created_by",)


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ("title", "resource", "minutes")
    search_fields = ("title",)
    raw_id_fields = ("resource", "created_by")


@admin.register(DiscussionSession)
class DiscussionSessionAdmin(admin.ModelAdmin):
    list_display = ("network", "resource", "held_on", "attendance")
    raw_id_fields = ("network", "resource", "guide", "recorded_by")


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("resource", "how", "person", "network", "people", "occurred_on")
    list_filter = ("how",)
    raw_id_fields = ("resource", "person", "network", "session", "recorded_by")
