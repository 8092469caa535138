"""Personal access tokens and the idempotency log of the JSON API (docs/api.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.models import PublicIdModel


class ApiToken(PublicIdModel):
    """A token is shown once, when made; only its keyed hash is kept (a leaked database does
    not leak working tokens). `prefix` is its first characters, so its owner can tell tokens
    apart on the tokens page."""

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices,
                             default=Scope.READ)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotencyRecord(models.Model):
    """The answer to a creating request sent with an Idempotency-Key, kept for a day so that a
    client retrying after a lost answer gets the same answer instead of a second row."""

    owner = models.CharField(max_length=40)  # "token:<pk>" or "user:<pk>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body, hashed
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="api_idempotency_owner_key"),
        ]


class WebhookEvent(models.TextChoices):
    """What a webhook can be told about: four entries of the ledger (docs/api.md)."""

    PERSON_SIGNED_UP = "person.signed_up", _("a person signed up")
    TASK_REPORTED = "task.reported", _("a task was reported")
    EVENT_ATTENDED = "event.attended", _("someone attended an event")
    NETWORK_SEEDED = "network.seeded", _("a network was seeded")


class WebhookSubscription(PublicIdModel):
    """A chapter's organizers ask netweave to POST some ledger events to a URL of theirs.

    The secret signs every delivery. It is shown once, when made, and kept encrypted (not
    hashed, as tokens are): netweave needs it back to sign."""

    chapter = models.ForeignKey("core.Chapter", on_delete=models.CASCADE, related_name="+")
    target_url = models.URLField(_("target URL"), max_length=500)
    events = models.JSONField(default=list)  # WebhookEvent values
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.target_url


class WebhookDelivery(PublicIdModel):
    """One event to send to one subscription, and how sending it went: the delivery log.

    Pending: `delivered_at` empty and `next_attempt_at` set. Delivered: `delivered_at` set.
    Given up: both empty (after the last attempt failed)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"

    @property
    def status(self) -> str:
        if self.delivered_at is not None:
            return "delivered"
        return "pending" if self.next_attempt_at is not None else "given_up"
