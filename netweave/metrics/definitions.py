"""Every metric definition, importable from one place. Each is defined once, in the module
named beside it; docs/metrics.md gives the formulas."""

from netweave.metrics.common import (
    ACTIVE_STATUSES,
    ACTIVE_WINDOW_DAYS,
    active_network_q,
    active_networks,
)
from netweave.metrics.coverage import Coverage, PlaceCoverage, coverage
from netweave.metrics.funnel import Funnel, FunnelStep, followup_funnel
from netweave.metrics.health import Health, HealthRollup, health_rollup, network_health
from netweave.metrics.networks import (
    active_network_count,
    active_network_ids,
    network_breakdown,
    networks_over_time,
    networks_per_generation,
    reproduction_rate,
    seeding_share,
    streams,
)
from netweave.metrics.people import (
    active_people,
    isolated_count,
    isolated_people,
    isolated_people_ids,
    organized_share,
)

__all__ = [
    "ACTIVE_STATUSES", "ACTIVE_WINDOW_DAYS", "Coverage", "Funnel", "FunnelStep", "Health",
    "HealthRollup", "PlaceCoverage", "active_network_count", "active_network_ids",
    "active_network_q", "active_networks", "active_people", "coverage", "followup_funnel",
    "health_rollup", "isolated_count", "isolated_people", "isolated_people_ids",
    "network_breakdown", "network_health", "networks_over_time", "networks_per_generation",
    "organized_share", "reproduction_rate", "seeding_share", "streams",
]
