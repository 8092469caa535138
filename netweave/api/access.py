from __future__ import annotations

from typing import Any

from django.db.models import Q

from netweave.api.models import ApiToken, WebhookSubscription
from netweave.api.selectors import tokens_for, webhooks_for
from netweave.core.access import get_in_scope


def access_token(actor: Any, public_id: str) -> ApiToken:
    """One of the actor's own tokens; anyone else's is a 404 (nobody manages another's)."""
    return get_in_scope(tokens_for(actor), Q(), public_id)


def access_webhook(actor: Any, public_id: str) -> WebhookSubscription:
    """A subscription of a chapter the actor organizes; anyone else's is a 404."""
    return get_in_scope(webhooks_for(actor), Q(), public_id)
