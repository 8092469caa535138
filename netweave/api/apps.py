from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "netweave.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Webhooks follow every ledger entry, whoever writes it (as metrics' indexes do): a
        # signal, so that no service has to remember to call them.
        from django.db.models.signals import post_save

        from netweave.core.models import Contribution

        post_save.connect(_entry_saved, sender=Contribution, dispatch_uid="api-webhooks")


def _entry_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:  # raw: loaddata, whose rows were delivered (or not) long ago
        from netweave.api.webhooks import entry_recorded

        entry_recorded(instance)
