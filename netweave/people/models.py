"""People the movement is in touch with, their situation, and their contact channels.

Contact values are read and written only through `netweave.people.contacts`, so that encryption,
keyed-hash lookup and the audit of every read live in one module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, Place, PublicIdModel


class Constraint(models.TextChoices):
    """Things in a person's life that decide which work fits them."""

    FULL_TIME_WORK = "full_time_work", _("Works full time")
    CAREGIVING = "caregiving", _("Caregiving (kids or family)")
    HEALTH = "health", _("Health or mobility")
    NO_TRANSPORT = "no_transport", _("No transport")
    ONLINE_ONLY = "online_only", _("Online only")
    CONTROLLING_HOME = "controlling_home", _("Can't be open at home")


class Visibility(models.IntegerChoices):
    """How public-facing a person is willing to be."""

    PRIVATE = 0, _("Behind the scenes only")
    AMONG_FRIENDS = 1, _("With people I know")
    PUBLIC = 2, _("In public")


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral code")
    EVENT = "event", _("Event")
    OUTREACH = "outreach", _("Outreach")
    NETWORK = "network", _("Network")
    PERSON = "person", _("Brought by someone")
    RECORDED = "recorded", _("Recorded by an organizer")


class FollowUp(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    MET = "met", _("Met")
    FIRST_TASK = "first_task", _("First task")
    IN_NETWORK = "in_network", _("In a network")
    NOT_NOW = "not_now", _("Not now")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


class Stage(models.TextChoices):
    """The ladder, lowest first."""

    CONTACT = "contact", _("Contact")
    PARTICIPANT = "participant", _("Participant")
    CONTRIBUTOR = "contributor", _("Contributor")
    ORGANIZED = "organized", _("Organized")
    CONVENER = "convener", _("Convener")
    BUILDER = "builder", _("Builder")


class Person(PublicIdModel):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="people")
    display_name = models.CharField(
        _("name"), max_length=120, help_text=_("A first name or a pseudonym is fine.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="people",
        verbose_name=_("place"),
    )
    social_grouping = models.CharField(_("social grouping"), max_length=120, blank=True)

    # Situation: decides which tasks fit.
    hours_per_week = models.DecimalField(
        _("hours a week"), max_digits=4, decimal_places=1, default=1
    )
    availability = models.CharField(_("when"), max_length=120, blank=True)
    constraints = models.JSONField(_("constraints"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    discreet = models.BooleanField(
        _("discreet"), default=False, db_index=True,
        help_text=_("Must not be visible or contacted openly."),
    )
    visibility = models.PositiveSmallIntegerField(
        _("public-facing"), choices=Visibility.choices, default=Visibility.AMONG_FRIENDS
    )

    # How they came in. The referral code is the usual way; the rest is set from it.
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.RECORDED)
    referral_code = models.ForeignKey(
        "outreach.ReferralCode", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people",
    )
    brought_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="brought_in"
    )
    source_network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_outreach = models.ForeignKey(
        "outreach.OutreachSession", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # Follow-up: every new person has an owner and a due date.
    followup_status = models.CharField(
        _("follow-up"), max_length=16, choices=FollowUp.choices, default=FollowUp.NEW,
        db_index=True,
    )
    followup_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="followups", verbose_name=_("follow-up owner"),
    )
    followup_due = models.DateField(_("follow up by"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    # Derived from the ledger by the services, kept here so lists can filter on it.
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.CONTACT)
    joined_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["chapter", "display_name"]),
            models.Index(fields=["chapter", "joined_at"]),  # the follow-up funnel's cohort
            models.Index(fields=["chapter", "followup_status", "followup_due"]),
        ]

    def __str__(self) -> str:
        return self.display_name


class ContactChannel(models.Model):
    """One way to reach a person that they agreed to. Read it only through `people.contacts`."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone (calls and texts)")
        SIGNAL = "signal", _("Signal")
        WHATSAPP = "whatsapp", _("WhatsApp")
        TELEGRAM = "telegram", _("Telegram")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Kept behind people.contacts; a later change encrypts this column without touching callers.
    value = models.TextField()
    # Keyed hash of the normalised value: duplicate detection without reading values.
    lookup_hash = models.CharField(max_length=64, db_index=True)
    preferred = models.BooleanField(default=False)
    consented_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "lookup_hash"], name="channel_once")
        ]
