"""Networks, their kinds, memberships, links, and their lineage (who seeded whom).

Lineage is stored twice on purpose: `seeded_from` is the truth, and `path` + `generation` beside
it answer "all descendants of X" with one indexed range scan on SQLite and PostgreSQL alike
(measured in DESIGN.md: ~4 ms against ~110 ms for a recursive CTE over a 100k-node subtree).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, Place, PublicIdModel

# One path segment per generation: the network's id, zero-padded to a fixed width of digits.
# Digits only, so every database collation orders paths the same way.
PATH_WIDTH = 10

BUILTIN_KINDS = {
    "distribution": _("Distribution"),
    "postering": _("Postering"),
    "promotion": _("Promotion"),
    "discussion": _("Discussion / study"),
    "school_table": _("School table"),
    "showing_hosts": _("Showing hosts"),
    "fundraising": _("Fundraising"),
    "protest": _("Protest organizing"),
    "online": _("Online / clips"),
}


class NetworkKind(models.Model):
    """An entry in the catalog of network kinds. Chapter-less kinds are the shared starter set."""

    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="network_kinds"
    )
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "slug"], name="network_kind_slug_once"),
        ]

    def __str__(self) -> str:
        if self.chapter_id is None and self.slug in BUILTIN_KINDS:
            return str(BUILTIN_KINDS[self.slug])
        return self.name


class Network(PublicIdModel):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        DISSOLVED = "dissolved", _("Dissolved")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="networks")
    name = models.CharField(_("name"), max_length=120)
    kind = models.ForeignKey(
        NetworkKind, on_delete=models.PROTECT, related_name="networks", verbose_name=_("kind")
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="networks",
        verbose_name=_("place"),
    )
    social_grouping = models.CharField(
        _("social grouping"), max_length=120, blank=True,
        help_text=_("For example: family and friends, classmates, co-workers."),
    )
    description = models.TextField(_("what it does"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FORMING, db_index=True
    )
    seeded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="seeded",
        verbose_name=_("seeded from"),
    )
    seeded_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="networks_seeded", verbose_name=_("seeded by"),
    )
    # Indexed with the id (Meta.indexes): descendants are a range of paths, and their ids come
    # from the index alone.
    path = models.CharField(max_length=1000, blank=True)
    generation = models.PositiveIntegerField(default=1)
    started_on = models.DateField(_("started"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["chapter", "status"]),
            models.Index(fields=["path", "id"], name="network_path_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(seeded_from=F("id")), name="network_not_seeded_from_itself"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def segment(network_id: int) -> str:
        return str(network_id).zfill(PATH_WIDTH)

    def descendant_bounds(self) -> tuple[str, str]:
        """(low, high) such that descendants have low < path < high, in any collation."""
        high = str(int(self.path) + 1).zfill(len(self.path))
        return self.path, high


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CONVENER = "convener", _("Convener")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    # Indexed by (person, left_on) below, which starts with it.
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["-role", "person__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], condition=Q(left_on__isnull=True),
                name="one_current_membership",
            )
        ]
        indexes = [models.Index(fields=["person", "left_on"])]


class NetworkLink(models.Model):
    """Two networks that coordinate. Stored once per pair, lower id first."""

    from_network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    to_network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("how they work together"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(from_network__lt=F("to_network")), name="link_ordered_pair"
            ),
            models.UniqueConstraint(fields=["from_network", "to_network"], name="link_once"),
        ]
