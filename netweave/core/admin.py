"""The back office for administrators. The organizing UI is netweave.web, not this."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from netweave.core.ledger import audit
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
    """Organizer roles given or taken in the back office are audited like the services' own
    (core.services.organizer_grant / organizer_revoke)."""

    list_display = ("user", "chapter", "role", "granted_at")
    list_filter = ("chapter", "role")
    raw_id_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            # A changed row is the old role taken away and the new one given.
            old = ChapterRole.objects.select_related("user").get(pk=obj.pk)
            _audit_role(request, "role.revoke", old)
        super().save_model(request, obj, form, change)
        _audit_role(request, "role.grant", obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit_role(request, "role.revoke", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for role in queryset.select_related("user"):
            _audit_role(request, "role.revoke", role)
        super().delete_queryset(request, queryset)


def _audit_role(request: HttpRequest, action: str, role: ChapterRole) -> None:
    audit(actor=request.user, action=action, chapter_id=role.chapter_id,
          target=role.user.get_username(), role=role.role, via_back_office=True)


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
