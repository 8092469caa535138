from __future__ import annotations

from typing import Any

from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of
from netweave.networks.models import Network


def access_network(actor: Any, public_id: str, *, for_write: bool = False) -> Network:
    """A network the actor may see at all (404 otherwise); for_write: one they run (403)."""
    scope = scope_of(actor)
    network = get_in_scope(
        Network.objects.select_related("chapter", "kind", "place", "seeded_from", "seeded_by"),
        scope.networks_q(), public_id,
    )
    if for_write:
        require(scope.may_run_network(network))
    return network


def sees_members(actor: Any, network: Network) -> bool:
    """Members, tasks and events are for the network's own people and organizers; those who
    see a network only because theirs seeded it get the aggregate."""
    scope = scope_of(actor)
    return scope.organizes(network.chapter_id) or network.id in scope.member_networks
