"""Turning a planned message into words, in the recipient's language.

Bodies come from templates under templates/notify/ (plain text); subjects and the short
text-message version are built here. Everything is rendered inside
`translation.override(recipient.language)`, so gettext, dates and playbook titles follow the
person, not the server.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from netweave.notify.models import Reason
from netweave.notify.selectors import Planned


def link(name: str, *args: str) -> str:
    return settings.NETWEAVE_BASE_URL + reverse(name, args=args)


def compose(planned: Planned, notification_id: str) -> tuple[str, str, str]:
    """(subject, body, short text) for one message; `notification_id` makes its "stop these
    messages" link (web/views/notify.py)."""
    with translation.override(planned.recipient.language):
        context = {**planned.context, **_links(planned), "greeting_name": _name(planned),
                   "stop_link": link("notify_stop", notification_id),
                   "settings_link": link("notify_settings")}
        subject = _subject(planned.reason, context)
        body = render_to_string(f"notify/{planned.reason}.txt", context).strip() + "\n"
        short = f"{subject} {context['link']}"
    return subject, body, short


def _name(planned: Planned) -> str:
    recipient = planned.recipient
    if recipient.person is not None:
        return recipient.person.display_name
    return str(recipient.user.get_username())


def _links(planned: Planned) -> dict[str, str]:
    if planned.reason == Reason.TASK_DUE:
        return {"link": link("task", planned.context["task"].public_id)}
    if planned.reason == Reason.EVENT_SOON:
        return {"link": link("event", planned.context["event"].public_id)}
    return {"link": link("dashboard")}


def _subject(reason: str, context: dict[str, Any]) -> str:
    if reason == Reason.DIGEST:
        return _("Your week with netweave")
    if reason == Reason.TASK_DUE:
        return _("Due %(when)s: %(task)s") % {
            "when": when_due(context["days_left"]), "task": context["task"].playbook.localized(
                "title")}
    if reason == Reason.EVENT_SOON:
        return _("Coming up: %(event)s") % {"event": context["event"].title}
    return ngettext("%(count)d follow-up is due", "%(count)d follow-ups are due",
                    context["count"]) % {"count": context["count"]}


def when_due(days_left: int) -> str:
    if days_left <= 0:
        return _("today")
    if days_left == 1:
        return _("tomorrow")
    return ngettext("in %(days)d day", "in %(days)d days", days_left) % {"days": days_left}
