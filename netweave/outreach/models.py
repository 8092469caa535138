"""Outreach sessions and referral codes: how new people meet the movement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.ids import new_referral_code
from netweave.core.models import Chapter, Place, PublicIdModel


class OutreachSession(PublicIdModel):
    """A stint of broad work: a corner, a campus, a school gate."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="outreach")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="outreach",
        verbose_name=_("place"),
    )
    location = models.CharField(_("where exactly"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=60)
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="outreach", verbose_name=_("network"),
    )
    participants = models.ManyToManyField(
        "people.Person", blank=True, related_name="outreach_sessions", verbose_name=_("who")
    )
    flyers = models.PositiveIntegerField(_("flyers out"), default=0)
    posters = models.PositiveIntegerField(_("posters up"), default=0)
    other_materials = models.PositiveIntegerField(_("other materials out"), default=0)
    conversations = models.PositiveIntegerField(_("conversations"), default=0)
    contacts_made = models.PositiveIntegerField(_("contacts made"), default=0)
    # Who was met and what they said: encrypted at rest (docs/security.md).
    notes = EncryptedTextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        where = self.location or (self.place.name if self.place is not None else "")
        return f"{where} {self.started_at:%Y-%m-%d}".strip()


class ReferralCode(models.Model):
    """A short code, printed as a QR code, owned by whoever brings people in with it."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=12, unique=True, default=new_referral_code)
    label = models.CharField(_("label"), max_length=120, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    outreach = models.ForeignKey(
        OutreachSession, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            # At most one owner; a chapter-wide code has none.
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=True, network__isnull=True, event__isnull=True)
                    | Q(person__isnull=True, network__isnull=True, outreach__isnull=True)
                    | Q(person__isnull=True, event__isnull=True, outreach__isnull=True)
                    | Q(network__isnull=True, event__isnull=True, outreach__isnull=True)
                ),
                name="referral_code_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def owner_label(self) -> str:
        owner = self.person or self.network or self.event or self.outreach
        return self.label or (str(owner) if owner else str(self.chapter))
