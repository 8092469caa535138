"""Ways to deliver a message: a small interface, email through Django's mail backends, and
text messages through a backend chosen by a dotted-path setting.

A channel only delivers; deciding whether someone may be contacted, and how, is
`recipients.py`'s job, and writing down what was sent is `services.py`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from netweave.people.models import ContactChannel

log = logging.getLogger(__name__)

Kind = ContactChannel.Kind
# Not a ContactChannel kind: a user's account email, for follow-up owners and organizers who
# have no person row or gave no channel there.
ACCOUNT_EMAIL = "account_email"


@dataclass(frozen=True)
class OutgoingMessage:
    to: str  # the address or number: held only for the moment of sending, never stored
    subject: str
    body: str  # the full text (email)
    short: str  # a text-message-sized version
    language: str = "en"


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    detail: str = ""  # an error, or the backend's message id; never the address


class Channel(Protocol):
    def send(self, message: OutgoingMessage) -> DeliveryResult: ...


class EmailChannel:
    """Through whatever EMAIL_BACKEND says (the console in development, SMTP in production)."""

    def send(self, message: OutgoingMessage) -> DeliveryResult:
        email = EmailMessage(
            subject=message.subject, body=message.body, to=[message.to],
            headers={"Content-Language": message.language, "Auto-Submitted": "auto-generated"},
        )
        try:
            sent = email.send()
        except Exception as error:  # noqa: BLE001 - SMTP raises many kinds; all mean "not sent"
            return DeliveryResult(False, f"{type(error).__name__}: {error}"[:200])
        return DeliveryResult(bool(sent), "" if sent else "the mail backend sent nothing")


# --- Text messages --------------------------------------------------------------------------
class SmsBackend(Protocol):
    def send_text(self, to: str, text: str) -> DeliveryResult: ...


def masked(number: str) -> str:
    """Enough of a number to tell messages apart in a log, not enough to call it."""
    return f"…{number[-3:]}" if len(number) > 3 else "…"


class LoggingSmsBackend:
    """Development: writes the text to the log instead of sending it."""

    def send_text(self, to: str, text: str) -> DeliveryResult:
        log.warning("SMS to %s: %s", masked(to), text)
        return DeliveryResult(True, "logged")


# What LocmemSmsBackend "sent", like django.core.mail.outbox: tests read it.
sms_outbox: list[tuple[str, str]] = []


class LocmemSmsBackend:
    """Tests: keeps texts in `sms_outbox`."""

    def send_text(self, to: str, text: str) -> DeliveryResult:
        sms_outbox.append((to, text))
        return DeliveryResult(True, "stored")


class SmsChannel:
    """Phone numbers, through NETWEAVE_SMS_BACKEND (a class with `send_text(to, text)`)."""

    def __init__(self, backend: SmsBackend | None = None) -> None:
        self.backend = backend or import_string(settings.NETWEAVE_SMS_BACKEND)()

    def send(self, message: OutgoingMessage) -> DeliveryResult:
        try:
            return self.backend.send_text(message.to, message.short)
        except Exception as error:  # noqa: BLE001 - a gateway's failure means "not sent"
            return DeliveryResult(False, f"{type(error).__name__}: {error}"[:200])


# The kinds of channel netweave can deliver to. Signal, WhatsApp, Telegram... join by adding a
# class with `send(message)` here; until then people who chose only those get nothing.
CHANNELS: dict[str, Callable[[], Channel]] = {
    Kind.EMAIL: EmailChannel,
    ACCOUNT_EMAIL: EmailChannel,
    Kind.PHONE: SmsChannel,
}


def deliverable(kind: str) -> bool:
    return kind in CHANNELS


def channel_for(kind: str) -> Channel:
    return CHANNELS[kind]()
