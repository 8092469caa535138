from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "netweave.core"
    label = "core"
    verbose_name = "Core: chapters, places, scope and the ledger"
