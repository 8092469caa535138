from django.contrib import admin

from netweave.outreach.models import OutreachSession, ReferralCode


@admin.register(OutreachSession)
class OutreachSessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "chapter", "started_at", "flyers", "contacts_made")
    list_filter = ("chapter",)
    raw_id_fields = ("place", "network", "participants", "logged_by")


@admin.register(ReferralCode)
class ReferralCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "chapter", "label", "active", "created_at")
    list_filter = ("chapter", "active")
    search_fields = ("code", "label")
    raw_id_fields = ("person", "network", "event", "outreach", "created_by")
