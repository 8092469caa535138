from django.contrib import admin

from netweave.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Contact channels are deliberately absent: they are read only through people.contacts,
    which audits every read."""

    list_display = ("display_name", "chapter", "stage", "followup_status", "discreet", "joined_at")
    list_filter = ("chapter", "stage", "followup_status", "discreet")
    search_fields = ("display_name",)
    raw_id_fields = ("user", "place", "referral_code", "brought_by", "source_network",
                     "source_event", "source_outreach", "followup_owner")
    list_select_related = ("chapter",)
