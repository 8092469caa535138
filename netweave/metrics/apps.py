from typing import Any

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "netweave.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # The ledger's indexes and the dashboard's counts (metrics.activity, metrics.facts)
        # follow every row they are computed from, whoever writes it (metrics.activity says why
        # this is a signal, not a call in record()).
        from django.db.models.signals import post_delete, post_save, pre_save

        from netweave.core.models import Contribution
        from netweave.events.models import Event
        from netweave.networks.models import Membership, Network, NetworkLink
        from netweave.people.models import Person

        post_save.connect(_entry_saved, sender=Contribution, dispatch_uid="metrics-ledger")
        post_save.connect(_network_saved, sender=Network, dispatch_uid="metrics-network")
        post_delete.connect(_network_deleted, sender=Network, dispatch_uid="metrics-network-del")
        for signal in (post_save, post_delete):
            signal.connect(_membership_changed, sender=Membership,
                           dispatch_uid=f"metrics-membership-{signal is post_save}")
            signal.connect(_link_changed, sender=NetworkLink,
                           dispatch_uid=f"metrics-link-{signal is post_save}")
            signal.connect(_event_changed, sender=Event,
                           dispatch_uid=f"metrics-event-{signal is post_save}")
        pre_save.connect(_event_saving, sender=Event, dispatch_uid="metrics-event-pre")
        post_delete.connect(_person_deleted, sender=Person, dispatch_uid="metrics-person-del")
        post_save.connect(_person_saved, sender=Person, dispatch_uid="metrics-person")


def _entry_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:  # raw: loaddata, whose fixtures carry their own rows
        from netweave.metrics import facts
        from netweave.metrics.activity import note_entry

        note_entry(instance)
        # A person's activity (their actions) and funnel steps (any entry by or about them).
        facts.mark(networks=[instance.network_id],
                   people=[instance.person_id, instance.subject_person_id])


def _network_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                   update_fields: Any = None, **_: Any) -> None:
    if raw:
        return
    from netweave.metrics import facts
    from netweave.metrics.activity import note_network_saved

    if update_fields is None or "started_on" in update_fields:
        note_network_saved(instance, created)
    # Its parent's seeding days depend on when it started.
    facts.mark(networks=[instance.pk, instance.seeded_from_id])


def _network_deleted(sender: Any, instance: Any, **_: Any) -> None:
    from netweave.metrics import facts

    facts.mark(networks=[instance.pk, instance.seeded_from_id])


def _membership_changed(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    from netweave.metrics import facts

    facts.mark(networks=[instance.network_id], people=[instance.person_id], members=False)


def _link_changed(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    from netweave.metrics import facts

    facts.mark(networks=[instance.from_network_id, instance.to_network_id], members=False)


def _event_saving(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """Remember the host the event had: a discussion moved to another network leaves the old
    one's learning days."""
    if raw or instance.pk is None:
        instance._metrics_old_host = None
        return
    instance._metrics_old_host = (type(instance).objects.filter(pk=instance.pk)
                                  .values_list("host_network_id", flat=True).first())


def _event_changed(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    from netweave.metrics import facts

    hosts = {instance.host_network_id, getattr(instance, "_metrics_old_host", None)} - {None}
    facts.mark(networks=hosts, members=False)


def _person_deleted(sender: Any, instance: Any, **_: Any) -> None:
    from netweave.metrics import facts

    facts.forget(facts.PERSON, instance.pk)


def _person_saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """A new person is in the funnel's cohort from their sign-up."""
    if raw:
        return
    from netweave.metrics import facts

    facts.mark(people=[instance.pk])
