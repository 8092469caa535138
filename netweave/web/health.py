"""How the web pages name the elements of network health (metrics.health.ELEMENTS), and the
network page's health profile: each element lit or not, with why it matters, and a ring."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netweave.metrics.health import ELEMENTS, Health
from netweave.web.charts import ring_chart

ELEMENT_LABELS = {
    "members": gettext_lazy("3+ members"),
    "recent_activity": gettext_lazy("Active this month"),
    "task_done": gettext_lazy("Tasks done"),
    "learning": gettext_lazy("Learning together"),
    "convener": gettext_lazy("Has a convener"),
    "seeded": gettext_lazy("Seeded a network"),
    "linked": gettext_lazy("Linked"),
    "retention": gettext_lazy("Keeps its members"),
}
# One line each: why a network wants this element (docs/metrics.md says when it is present).
ELEMENT_WHY = {
    "members": gettext_lazy("Three or more people can share the work and keep going when one "
                            "is away."),
    "recent_activity": gettext_lazy("Something recorded in the last 30 days: the network is "
                                    "alive, not only on paper."),
    "task_done": gettext_lazy("A task finished in the last 90 days: the network acts, not "
                              "only meets."),
    "learning": gettext_lazy("A discussion or a study session in the last 90 days: people "
                             "grow by learning together."),
    "convener": gettext_lazy("Someone takes care of bringing people together."),
    "seeded": gettext_lazy("It started another network: this is how networks multiply."),
    "linked": gettext_lazy("It works with another network, so it is not on its own."),
    "retention": gettext_lazy("Three in four of those who joined over three months ago are "
                              "still in it."),
}


@dataclass(frozen=True)
class HealthElement:
    key: str
    label: str
    why: str
    present: bool


@dataclass(frozen=True)
class HealthProfile:
    elements: list[HealthElement]
    present: int
    score: float
    ring: SafeString


def health_profile(health: Health) -> HealthProfile:
    """The eight elements in ELEMENTS order, named in the viewer's language, and the ring."""
    elements = [
        HealthElement(e, str(ELEMENT_LABELS[e]), str(ELEMENT_WHY[e]), health.elements[e])
        for e in ELEMENTS
    ]
    present = sum(el.present for el in elements)
    ring = ring_chart(
        [(f"{el.label}: {_('yes') if el.present else _('not yet')}", el.present)
         for el in elements],
        title=_("Network health: %(n)d of %(total)d elements")
        % {"n": present, "total": len(elements)},
        centre=f"{present}/{len(elements)}",
    )
    return HealthProfile(elements=elements, present=present, score=health.score, ring=ring)
