"""Single notifications by public id."""

from __future__ import annotations

from django.http import Http404

from netweave.notify.models import Notification


def access_notification_link(public_id: str) -> Notification:
    """A message's own "stop these" link. Anyone holding the message may use it, logged in or
    not: the id is unguessable and is only ever written into that one message. Unknown: 404."""
    row = Notification.objects.filter(public_id=public_id).first()
    if row is None:
        raise Http404
    return row
