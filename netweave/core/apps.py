from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "netweave.core"
    label = "core"
    verbose_name = "Core: chapters, places, scope and the ledger"

    def ready(self) -> None:
        # Changes of the admin flag are audited wherever they are made (core/signals.py).
        from netweave.core import signals

        signals.connect()
