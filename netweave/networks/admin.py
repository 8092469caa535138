from django.contrib import admin

from netweave.networks.models import Membership, Network, NetworkKind, NetworkLink


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ("person",)
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "chapter", "kind", "status", "generation", "started_on")
    list_filter = ("chapter", "status", "kind")
    search_fields = ("name", "social_grouping")
    # Lineage is written by networks.services (path and generation follow seeded_from).
    readonly_fields = ("seeded_from", "path", "generation")
    raw_id_fields = ("place", "seeded_by")
    inlines = [MembershipInline]


@admin.register(NetworkKind)
class NetworkKindAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "chapter")
    list_filter = ("chapter",)


@admin.register(NetworkLink)
class NetworkLinkAdmin(admin.ModelAdmin):
    list_display = ("from_network", "to_network", "note", "created_at")
    raw_id_fields = ("from_network", "to_network", "created_by")
