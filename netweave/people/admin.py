from typing import Any

from django.contrib import admin

from netweave.people.models import ActionLink, ChapterSettings, CoachingPair, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Contact channels are deliberately absent: they are read only through people.contacts,
    which audits every read."""

    list_display = ("display_name", "chapter", "stage", "followup_status", "discreet", "joined_at")
    list_filter = ("chapter", "stage", "followup_status", "discreet")
    search_fields = ("display_name",)
    raw_id_fields = ("user", "place", "referral_code", "brought_by", "source_network",
                     "source_event", "source_outreach", "followup_owner", "followup_assigned_by")
    list_select_related = ("chapter",)


@admin.register(ChapterSettings)
class ChapterSettingsAdmin(admin.ModelAdmin):
    list_display = ("chapter", "contributor_actions", "contributor_days", "followup_days",
                    "link_days", "updated_at")
    raw_id_fields = ("chapter", "updated_by")


@admin.register(CoachingPair)
class CoachingPairAdmin(admin.ModelAdmin):
    list_display = ("coach", "coached", "chapter", "started_on", "ended_on")
    list_filter = ("chapter",)
    raw_id_fields = ("coach", "coached", "started_by")


@admin.register(ActionLink)
class ActionLinkAdmin(admin.ModelAdmin):
    """Read-only: a link's token is never stored, so nothing here could be sent again."""

    list_display = ("kind", "person", "chapter", "created_by", "created_at", "expires_at",
                    "used_at")
    list_filter = ("kind", "chapter")
    exclude = ("token_hash",)
    readonly_fields = ("kind", "chapter", "person", "task", "network", "created_by",
                       "created_at", "expires_at", "used_at", "result")

    def has_add_permission(self, request: Any) -> bool:
        return False
