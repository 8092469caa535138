"""The back office for administrators. The organizing UI is netweave.web, not this."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from netweave.core.models import AuditEntry, Chapter, ChapterRole, Contribution, Place


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is append-only: the back office may look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "region", "created_at")
    search_fields = ("name", "region")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "chapter", "kind", "parent", "is_target", "target_networks")
    list_filter = ("chapter", "kind", "is_target")
    search_fields = ("name",)
    raw_id_fields = ("parent",)


@admin.register(ChapterRole)
class ChapterRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "chapter", "role", "granted_at")
    list_filter = ("chapter", "role")
    raw_id_fields = ("user",)


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "chapter", "kind", "person", "network", "amount")
    list_filter = ("chapter", "kind")
    list_select_related = ("chapter", "person", "network")
    date_hierarchy = "occurred_at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "chapter", "action", "target")
    list_filter = ("action", "chapter")
    list_select_related = ("actor", "chapter")
