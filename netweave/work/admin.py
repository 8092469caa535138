from django.contrib import admin

from netweave.work.models import Playbook, Task


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ("title", "chapter", "setting", "minutes", "discreet_safe", "active")
    list_filter = ("chapter", "setting", "discreet_safe", "active")
    search_fields = ("title", "summary")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("playbook", "chapter", "person", "network", "status", "due_on")
    list_filter = ("chapter", "status")
    raw_id_fields = ("playbook", "person", "network", "assigned_by")
    list_select_related = ("playbook", "chapter", "person", "network")
