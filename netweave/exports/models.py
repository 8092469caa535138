"""The secret calendar feed address of a user (docs/exporting.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from netweave.core.models import PublicIdModel


class FeedToken(PublicIdModel):
    """The secret in a personal calendar feed's address. Calendar apps fetch the feed without
    signing in, so the address itself is the key: only its keyed hash is kept (a leaked
    database does not leak working feeds), and it is shown once, when made. A user has at most
    one that works; making a new one turns the old one off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="feed_tokens")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
