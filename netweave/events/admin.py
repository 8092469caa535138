from django.contrib import admin

from netweave.events.models import Attendance, Event


class AttendanceInline(admin.TabularInline):
    model = Attendance
    raw_id_fields = ("person",)
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "chapter", "kind", "starts_at", "host_network", "is_public")
    list_filter = ("chapter", "kind", "is_public")
    search_fields = ("title",)
    raw_id_fields = ("place", "host_network", "created_by")
    inlines = [AttendanceInline]
