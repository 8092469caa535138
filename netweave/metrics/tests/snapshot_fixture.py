"""A small movement with hand-checked headline numbers on AS_OF (2025-06-15), shared by the
snapshot and report tests.

Active window 2025-03-17 .. 2025-06-15; last complete quarter 2025-01-01 .. 2025-03-31;
funnel cohort: people who joined from 2024-06-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from netweave.core.models import Chapter
from netweave.metrics.tests.helpers import K, chapter, entry, member, net, person
from netweave.networks.models import Network

JOINED = date(2025, 1, 1)

# What headline_values gives for Riverside on AS_OF, worked out by hand.
RIVERSIDE = {
    "schema": 1,
    # A (ledger entry 05-01) and B (entry 06-01); C is dormant, D starts after as_of.
    "active_networks": 2,
    "networks_total": 3,
    "networks_by_status": {"forming": 0, "active": 2, "dormant": 1, "dissolved": 0},
    "quarter_start": "2025-01-01",
    "quarter_end": "2025-03-31",
    "quarter_seeded": 1,  # B, seeded from A on 02-01
    "quarter_active_at_start": 1,  # A, by its entry on 2024-12-01
    "reproduction_rate": 1.0,
    "seeding_share": 0.5,  # A and B are a month old; A seeded B
    "active_people": 4,  # p1..p4
    "organized_people": 2,  # p1 in A, p2 in B
    "organized_share": 0.5,
    "isolated_people": 1,  # p3 (p4 first acted only 5 days ago)
    "deepest_generation": 2,
    "funnel": {"signed_up": 4, "contacted": 2, "first_task": 2, "in_network": 1,
               "convening": 0},
}


@dataclass
class Movement:
    riverside: Chapter
    hilltop: Chapter
    networks: dict[str, Network]


def build_movement() -> Movement:
    ch = chapter("riverside")
    a = net(ch, "A", date(2024, 10, 1))
    b = net(ch, "B", date(2025, 2, 1), parent=a)
    net(ch, "C", date(2024, 6, 1), status=Network.Status.DORMANT)
    net(ch, "D", date(2025, 6, 20))
    p = {name: person(ch, name, JOINED) for name in ("p1", "p2", "p3", "p4")}
    member(a, p["p1"], date(2024, 10, 1))
    member(b, p["p2"], date(2025, 2, 1))
    entries: list[tuple[str, date, dict[str, Any]]] = [
        (K.TASK_DONE, date(2024, 12, 1), {"network": a}),
        (K.TASK_DONE, date(2025, 5, 1), {"network": a, "person": p["p1"]}),
        (K.NETWORK_JOINED, date(2025, 2, 1), {"network": b, "person": p["p2"]}),
        (K.TASK_DONE, date(2025, 6, 1), {"network": b, "person": p["p2"]}),
        (K.OUTREACH, date(2025, 4, 1), {"person": p["p3"]}),
        (K.EVENT_ATTENDED, date(2025, 6, 10), {"person": p["p4"]}),
    ]
    for kind, day, fields in entries:
        entry(ch, kind, day, **fields)
    hilltop = chapter("hilltop")
    net(hilltop, "H", date(2025, 6, 1))
    return Movement(ch, hilltop, {"a": a, "b": b})
