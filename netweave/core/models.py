"""Chapters, places, organizer roles, invites, the contribution ledger and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core import origin
from netweave.core.ids import new_public_id


def set_only(prefix: str, *fields: str) -> list[models.Index]:
    """An index per foreign key over only the rows where it is set, named `<prefix>_<field>_set`.

    For keys that most rows leave empty (how a person came in, what a ledger entry is about):
    lookups by value (`source_event_id = 7`, a deletion's `IN (...)`) use it as they would a
    full index, on SQLite and PostgreSQL alike, and a row that leaves the key empty, as most
    inserts do, adds nothing to it. The field itself then says `db_index=False`."""
    return [models.Index(fields=[field], condition=models.Q(**{f"{field}__isnull": False}),
                         name=f"{prefix}_{field}_set") for field in fields]


class PublicIdModel(models.Model):
    """A row that is addressed from URLs by an unguessable id."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)

    class Meta:
        abstract = True


class Chapter(PublicIdModel):
    """A local organizing base; the root of every access scope."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(PublicIdModel):
    """A key location. Places nest (city > neighbourhood) and a chapter marks some as targets."""

    class Kind(models.TextChoices):
        CITY = "city", _("City or town")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        CAMPUS = "campus", _("Campus")
        HIGH_SCHOOL = "high_school", _("High school")
        WORKPLACE = "workplace", _("Workplace")
        ONLINE = "online", _("Online space")
        OTHER = "other", _("Other")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_target = models.BooleanField(_("target"), default=False)
    target_networks = models.PositiveIntegerField(
        _("networks wanted here"), default=0, help_text=_("Critical mass the chapter aims for.")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="place_unique_name_in_chapter")
        ]

    def __str__(self) -> str:
        return self.name


class ChapterRole(models.Model):
    """A user's role in a chapter. Conveners and members are derived from memberships instead."""

    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapter_roles"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ORGANIZER)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter", "role"], name="chapter_role_once")
        ]


class Invite(models.Model):
    """A one-time link that gives a person recorded by an organizer an account of their own.

    Only a keyed hash of the token is stored: a leaked database does not hand out accounts.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes: history is written once."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("append-only: rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("append-only: rows cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("append-only: rows cannot be changed once written")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("append-only: rows cannot be deleted")


class Contribution(AppendOnlyModel):
    """One entry in the ledger: who did what, when, in which network and campaign.

    The ladder and every metric are derived from these rows; services append them, nothing else
    writes them, and nothing changes them afterwards.
    """

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        BROUGHT_IN = "brought_in", _("Brought someone in")
        FOLLOWED_UP = "followed_up", _("Followed up")
        TASK_ACCEPTED = "task_accepted", _("Accepted a task")
        TASK_DONE = "task_done", _("Completed a task")
        EVENT_RSVP = "event_rsvp", _("RSVPed to an event")
        EVENT_ATTENDED = "event_attended", _("Attended an event")
        EVENT_HOSTED = "event_hosted", _("Hosted an event")
        NETWORK_JOINED = "network_joined", _("Joined a network")
        NETWORK_LEFT = "network_left", _("Left a network")
        NETWORK_CONVENED = "network_convened", _("Convened a network")
        NETWORK_FORMED = "network_formed", _("Formed a network")
        NETWORK_SEEDED = "network_seeded", _("Seeded a network")
        OUTREACH = "outreach", _("Did outreach")
        RESOURCE_ENGAGED = "resource_engaged", _("Engaged with a resource")

    # No index of its own: (chapter, kind, occurred_at) below starts with it.
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger",
        db_index=False,
    )
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger",
        db_index=False,
    )
    # What the entry is about, where that is not the person or network themselves.
    subject_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    subject_network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    outreach = models.ForeignKey(
        "outreach.OutreachSession", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="ledger", db_index=False,
    )
    amount = models.IntegerField(default=1)
    data = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["chapter", "kind", "occurred_at"]),
            models.Index(fields=["person", "occurred_at"]),
            # "Is this network active?" asks for its latest entry before a date, per network.
            models.Index(fields=["network", "occurred_at"]),
            # (The person and the network are indexed by the two above, which start with
            # them.) What an entry is about is empty on most entries: see set_only.
            *set_only("ledger", "subject_person", "subject_network", "task", "event",
                      "outreach", "campaign"),
        ]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.occurred_at:%Y-%m-%d}"


class AuditEntry(AppendOnlyModel):
    """Who did what to whom, for actions that are not contributions (roles, contact reads,
    exports...), and from where: the address and browser of the request, or "system" for the
    worker, the queue and commands (core/origin.py fills these in as defaults)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=12, default=origin.current_via)
    ip_address = models.GenericIPAddressField(null=True, blank=True,
                                              default=origin.current_ip_address)
    user_agent = models.CharField(max_length=origin.USER_AGENT_MAX, blank=True,
                                  default=origin.current_user_agent)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The audit log page: a chapter's rows, newest first, optionally by action.
            models.Index(fields=["chapter", "at"]),
            models.Index(fields=["chapter", "action", "at"]),
        ]
