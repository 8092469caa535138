"""Events as iCalendar (RFC 5545), written by the icalendar library.

Two kinds of feed: a chapter's public events, for anyone (only what the public event page
shows: no host network, no attendees, never a private event), and a person's own calendar
(the events they may see, through their secret feed address).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

PRODID = "-//netweave//calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar(name: str, events: Iterable[Any], url_of: Callable[[Any], str], *,
             private: bool) -> bytes:
    """The feed. `url_of(event)` is the page to open the event on; `private` marks events as
    CLASS:PRIVATE (a personal feed) rather than PUBLIC."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        cal.add_component(_vevent(event, url_of(event), stamp, private))
    return cal.to_ical()


def _vevent(event: Any, url: str, stamp: Any, private: bool) -> VEvent:
    item = VEvent()
    item.add("uid", f"{event.public_id}@netweave")
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at)
    if event.ends_at:
        item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    where = ", ".join(part for part in (event.place.name if event.place else "",
                                        event.location) if part)
    if where:
        item.add("location", where)
    text = event.description.strip()
    item.add("description", f"{text}\n\n{url}" if text else url)
    item.add("url", url)
    item.add("categories", [str(event.get_kind_display())])
    item.add("class", "PRIVATE" if private else "PUBLIC")
    return item
