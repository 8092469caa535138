from typing import Any

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "netweave.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # The ledger's indexes follow every row written to the ledger and every network saved,
        # whoever writes it (metrics.activity says why this is a signal, not a call in record()).
        from django.db.models.signals import post_save

        from netweave.core.models import Contribution
        from netweave.networks.models import Network

        post_save.connect(_entry_saved, sender=Contribution, dispatch_uid="metrics-ledger")
        post_save.connect(_network_saved, sender=Network, dispatch_uid="metrics-network")


def _entry_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:  # raw: loaddata, whose fixtures carry their own rows
        from netweave.metrics.activity import note_entry

        note_entry(instance)


def _network_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                   update_fields: Any = None, **_: Any) -> None:
    if raw or (update_fields is not None and "started_on" not in update_fields):
        return
    from netweave.metrics.activity import note_network_saved

    note_network_saved(instance, created)
