"""The message settings routes, with who may use them (walked by test_route_access.py).

- one's own message settings: everyone signed in, each for themselves;
- a message's "stop these" link: anyone holding it, signed in or not (its unguessable id is
  the permission, as for no-login links); GET only asks, POST stops.
"""

from __future__ import annotations

from django.utils import timezone

from netweave.core.testing import World
from netweave.web.tests.routes import EVERYONE_SIGNED_IN, PUBLIC, Case, Targets, none, private


def message_to_bob(w: World, t: Targets) -> dict[str, str]:
    from netweave.notify.models import Notification

    row, _created = Notification.objects.get_or_create(
        dedupe_key=f"task_due:{t.task.pk}:test:{w.bob_person.pk}",
        defaults={"reason": "task_due", "chapter": w.chapter, "person": w.bob_person,
                  "user": w.bob, "channel": "email", "status": "sent",
                  "day": timezone.localdate()},
    )
    return {"public_id": row.public_id}


NOTIFY_CASES: list[Case] = [
    Case("notify_settings", none, private(EVERYONE_SIGNED_IN)),
    Case("notify_settings", none, private(EVERYONE_SIGNED_IN), "post",
         data=lambda w, t: {"wanted": ["task_due", "event_soon"]}),
    Case("notify_stop", message_to_bob, PUBLIC),
    Case("notify_stop", message_to_bob, PUBLIC, "post"),
]
