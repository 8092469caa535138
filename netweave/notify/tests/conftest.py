from __future__ import annotations

from collections.abc import Iterator

import pytest

from netweave.notify import channels


@pytest.fixture(autouse=True)
def sms_outbox(settings) -> Iterator[list[tuple[str, str]]]:  # noqa: ANN001
    """Texts go to a list, like django.core.mail.outbox."""
    settings.NETWEAVE_SMS_BACKEND = "netweave.notify.channels.LocmemSmsBackend"
    settings.NETWEAVE_QUEUE_URL = ""  # in-process unless a test asks for the queue
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()
