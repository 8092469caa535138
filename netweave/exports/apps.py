from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "netweave.exports"
    label = "exports"
    verbose_name = "Exports"
