"""The webhook deliveries job, run by `netweave worker` (core/worker.py).

Due whenever a delivery is due. The worker wakes at least hourly, which is too seldom for
retries a minute apart: run `netweave deliver_webhooks` every minute from cron (or a systemd
timer) as well. Two runs at once send nothing twice (webhooks.deliver_due claims each row).
"""

from __future__ import annotations

from datetime import date

from netweave.api.webhooks import deliver_due, due
from netweave.core.worker import Job


def deliveries_due(today: date) -> bool:
    return due().exists()


def deliver_webhooks(today: date) -> str:
    counts = deliver_due()
    return ", ".join(f"{name} {count}" for name, count in counts.items())


WEBHOOK_DELIVERIES = Job("api.webhooks", is_due=deliveries_due, run=deliver_webhooks)
