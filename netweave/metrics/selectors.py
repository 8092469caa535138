"""Which chapters' aggregates an actor may see. Metric functions take chapter ids; the front
doors get them here, so need-to-know is still decided by core.scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils import timezone

from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.metrics.health import Health, network_health
from netweave.networks.models import Network


def metrics_chapters_for(actor: Any) -> list[int]:
    """Admins: every chapter; organizers: the chapters they organize; anyone else: none.

    Conveners see their own networks' health through network_health, not chapter aggregates.
    """
    scope = scope_of(actor)
    if scope.is_admin:
        return list(Chapter.objects.order_by("pk").values_list("pk", flat=True))
    return sorted(scope.organizer_chapters)


def network_health_for(actor: Any, network: Network, as_of: date | None = None) -> Health:
    """The health of a network that networks.access.access_network let the actor see (in full
    or, for a convener of an ancestor, in aggregate: health is about the network, not its
    people). Default as_of: today. One query.

    The visibility check is repeated here from the scope held in memory (Scope.sees_network,
    no query), so that a caller who skipped access_network still gets a 404 rather than
    another network's health.
    """
    if not scope_of(actor).sees_network(network):
        raise Http404
    return network_health(network.id, as_of or timezone.localdate())
