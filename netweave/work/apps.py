from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "netweave.work"
    label = "work"
    verbose_name = "Playbooks and tasks"
