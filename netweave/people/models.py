"""People the movement is in touch with, their situation, and their contact channels.

Contact values are read and written only through `netweave.people.contacts`, so that encryption,
keyed-hash lookup and the audit of every read live in one module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.models import AppendOnlyModel, Chapter, Place, PublicIdModel, set_only


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
    # No index of its own: the indexes below that start with the chapter serve its lookups.
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="people", db_index=False
    )
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
        _("discreet"), default=False,
        help_text=_("Must not be visible or contacted openly."),
    )
    visibility = models.PositiveSmallIntegerField(
        _("public-facing"), choices=Visibility.choices, default=Visibility.AMONG_FRIENDS
    )

    # How they came in. The referral code is the usual way; the rest is set from it.
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.RECORDED)
    referral_code = models.ForeignKey(
        "outreach.ReferralCode", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people", db_index=False,
    )
    brought_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="brought_in",
        db_index=False,
    )
    source_network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    source_event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    source_outreach = models.ForeignKey(
        "outreach.OutreachSession", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    # Follow-up: every new person has an owner and a due date.
    followup_status = models.CharField(
        _("follow-up"), max_length=16, choices=FollowUp.choices, default=FollowUp.NEW,
        db_index=True,
    )
    followup_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="followups", verbose_name=_("follow-up owner"), db_index=False,
    )
    followup_due = models.DateField(_("follow up by"), null=True, blank=True, db_index=True)
    # Who handed the follow-up to its owner (None: the system, at sign-up). A decline sends it
    # back to them; until the owner accepts, the assignment is pending.
    followup_assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("assigned by"), db_index=False,
    )
    followup_accepted_at = models.DateTimeField(null=True, blank=True)
    # The last time someone recorded a follow-up step or note about them: with their own
    # activity and their sign-up, what the "untouched for N days" rule looks at.
    touched_at = models.DateTimeField(null=True, blank=True)
    # When an organizer last asked them to convene a network (a "ready for more" prompt).
    asked_to_convene_at = models.DateTimeField(null=True, blank=True)
    # Encrypted at rest (follow-up notes are stamped in here): read and written as plain text.
    notes = EncryptedTextField(_("notes"), blank=True)

    # Derived from the ledger by the services, kept here so lists can filter on it.
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.CONTACT)
    joined_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Set when an organizer (or the retention job) forgot them (people/privacy.py): the row
    # stays, anonymous, so the ledger and the metrics keep counting them; lists never show it.
    forgotten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["chapter", "display_name"]),
            # The API's people list order (name, then its tiebreak): a page is read from the
            # index in order, not sorted out of every row in scope (docs/api.md, "Speed").
            models.Index(fields=["display_name", "public_id"], name="person_name_order"),
            models.Index(fields=["chapter", "joined_at"]),  # the follow-up funnel's cohort
            models.Index(fields=["chapter", "followup_status", "followup_due"]),
            # Most people came in by none of these (and few are discreet): indexes of only
            # the rows that have one keep every insert from adding a NULL to each of them.
            *set_only("pers", "referral_code", "brought_by", "source_network", "source_event",
                      "source_outreach", "followup_owner", "followup_assigned_by"),
            models.Index(fields=["discreet"], condition=Q(discreet=True),
                         name="person_discreet_set"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def followup_pending(self) -> bool:
        """Handed to an owner who has not accepted it yet."""
        return self.followup_owner_id is not None and self.followup_accepted_at is None


class ContactChannel(models.Model):
    """One way to reach a person that they agreed to. Read it only through `people.contacts`."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone (calls and texts)")
        SIGNAL = "signal", _("Signal")
        WHATSAPP = "whatsapp", _("WhatsApp")
        TELEGRAM = "telegram", _("Telegram")
        OTHER = "other", _("Other")

    # Indexed by channel_once below, which starts with the person.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="channels", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Encrypted at rest; kept behind people.contacts. Found by `lookup_hash`, never by value.
    value = EncryptedTextField()
    # Keyed hash of the normalised value: duplicate detection without reading values.
    lookup_hash = models.CharField(max_length=64, db_index=True)
    preferred = models.BooleanField(default=False)
    consented_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "lookup_hash"], name="channel_once")
        ]


class ChapterSettings(models.Model):
    """The ladder's thresholds and the follow-up rules a chapter chooses for itself.

    A chapter without a row uses the defaults (`for_chapter` returns an unsaved one); the row is
    written the first time an organizer saves the settings page.
    """

    chapter = models.OneToOneField(Chapter, on_delete=models.CASCADE,
                                   related_name="people_settings")
    contributor_actions = models.PositiveSmallIntegerField(
        _("actions that make a contributor"), default=3,
        help_text=_("Someone who did this many things in the window below is a contributor."),
    )
    contributor_days = models.PositiveSmallIntegerField(
        _("window, in days"), default=90,
        help_text=_("How far back actions count for the contributor stage."),
    )
    ready_actions = models.PositiveSmallIntegerField(
        _("actions that make someone ready to convene"), default=6,
        help_text=_("A steady contributor (this many actions in the window) who convenes "
                    "nothing yet is suggested as a convener."),
    )
    new_convener_days = models.PositiveSmallIntegerField(
        _("days a convener counts as new"), default=90,
        help_text=_("New conveners without a coach are suggested a pairing; conveners for "
                    "longer (or builders) are suggested as coaches."),
    )
    followup_days = models.PositiveSmallIntegerField(
        _("days to the first follow-up"), default=3,
        help_text=_("A new person's follow-up is due this many days after they come in."),
    )
    untouched_person_days = models.PositiveSmallIntegerField(
        _("days before a person counts as untouched"), default=30,
    )
    untouched_network_days = models.PositiveSmallIntegerField(
        _("days before a network counts as untouched"), default=30,
    )
    link_days = models.PositiveSmallIntegerField(
        _("days a no-login link works"), default=14,
    )
    retention_days = models.PositiveSmallIntegerField(
        _("days to keep contacts who never took a step"), default=365,
        help_text=_("Contacts who never did anything and whose follow-up never got past a "
                    "first contact are forgotten this long after they came in (and after "
                    "anyone last touched them). 0 keeps them."),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # The fields an organizer sets, with the range each may take.
    LIMITS = {
        "contributor_actions": (1, 100), "contributor_days": (7, 730),
        "ready_actions": (1, 200), "new_convener_days": (7, 730), "followup_days": (0, 60),
        "untouched_person_days": (1, 365), "untouched_network_days": (1, 365),
        "link_days": (1, 90), "retention_days": (0, 3650),
    }

    class Meta:
        verbose_name_plural = "chapter settings"

    @classmethod
    def for_chapter(cls, chapter_id: int) -> ChapterSettings:
        """The chapter's settings, or the defaults (unsaved) when it never changed them."""
        return cls.objects.filter(chapter_id=chapter_id).first() or cls(chapter_id=chapter_id)

    @classmethod
    def for_chapters(cls, chapter_ids: list[int]) -> dict[int, ChapterSettings]:
        """Each chapter's settings (or the defaults), in one query."""
        saved = {row.chapter_id: row for row in cls.objects.filter(chapter_id__in=chapter_ids)}
        return {cid: saved.get(cid) or cls(chapter_id=cid) for cid in chapter_ids}


class StageChange(AppendOnlyModel):
    """A move on the ladder, written when the derived stage changes: the timeline on a person's
    page reads these beside the ledger. The ledger stays the truth; this is its consequence,
    kept because the inputs (memberships, network status) change in place."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    @property
    def is_up(self) -> bool:
        return Stage.values.index(self.to_stage) > Stage.values.index(self.from_stage)


class CoachingPair(models.Model):
    """An experienced convener coaching a newer one, from `started_on` until `ended_on`."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="coaching")
    coached = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="coached_by")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "coached"],
                                    condition=models.Q(ended_on__isnull=True),
                                    name="one_current_coaching_pair"),
            models.CheckConstraint(condition=~models.Q(coach=models.F("coached")),
                                   name="coach_is_someone_else"),
        ]


class ActionLink(models.Model):
    """A no-login link: someone who never signs in reports back on a task, or records a network
    they seeded. Only a keyed hash of the token is stored (as for core.Invite); each link works
    once and until `expires_at`, and the write goes through the usual service."""

    class Kind(models.TextChoices):
        TASK_REPORT = "task_report", _("Report back on a task")
        NETWORK_SEED = "network_seed", _("Record a seeded network")

    token_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    # Who the link is for: the write is credited to them.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="action_links")
    task = models.ForeignKey("work.Task", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    network = models.ForeignKey("networks.Network", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # What the use made (a seeded network's public id), for the audit and the thank-you page.
    result = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="task_report", task__isnull=False)
                           | models.Q(kind="network_seed", network__isnull=False)),
                name="action_link_has_its_target",
            )
        ]


class DeletionRequest(PublicIdModel):
    """A person's request that what is held about them be deleted (people/privacy.py). The
    chapter's organizers see open requests and act on them: forgetting the person, or
    declining with a reason the person can read on their own data page."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an organizer")
        DONE = "done", _("Done: forgotten")
        DECLINED = "declined", _("Declined")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE,
                               related_name="deletion_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="open"),
                                    name="one_open_deletion_request"),
        ]
