from django.contrib import admin

from netweave.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "chapter", "starts_on", "ends_on")
    list_filter = ("chapter",)
    search_fields = ("name",)
    raw_id_fields = ("created_by",)
