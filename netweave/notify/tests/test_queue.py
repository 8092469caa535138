"""Background jobs through a real queue: RQ on the Redis at 127.0.0.1:6379 (scripts/services
starts it). Nothing here is mocked: jobs are enqueued, a worker takes them from Redis, and the
mail arrives in the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker

from netweave.core.worker import job_queue, run_due
from netweave.notify import jobs
from netweave.notify.channels import sms_outbox
from netweave.notify.models import JobRun
from netweave.notify.tests.helpers import TODAY, email, phone, task_for

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db


def redis_or_skip() -> Redis:
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (scripts/services starts it)")
    return connection


@pytest.fixture
def queue(settings) -> Iterator[object]:  # noqa: ANN001
    """A queue of this test's own, so parallel runs never take each other's jobs."""
    redis_or_skip()
    name = f"netweave-test-{uuid.uuid4().hex[:12]}"
    settings.NETWEAVE_QUEUE_URL = REDIS_URL
    settings.NETWEAVE_QUEUE_NAME = name
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = job_queue()
    yield queue
    for registry in (queue.finished_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)


def work_off(queue) -> None:  # noqa: ANN001
    """A burst worker in this process (no fork), so it sees the test's database."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_with_a_queue_the_scheduler_enqueues_and_a_worker_sends(world, queue):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1))
    (outcome,) = run_due([jobs.TASK_REMINDERS], TODAY)
    assert outcome.ok and outcome.summary.startswith("queued as netweave-test-")
    assert outcome.summary.endswith("-notify_task_due-2026-03-02")
    assert mail.outbox == [] and queue.count == 1  # only enqueued so far
    work_off(queue)
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert JobRun.objects.filter(job="notify.task_due", day=TODAY).exists()
    assert run_due([jobs.TASK_REMINDERS], TODAY) == []  # done for the day


def test_a_job_is_enqueued_once_a_day_however_often_the_scheduler_wakes(world, queue):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    run_due([jobs.TASK_REMINDERS], TODAY)
    (again,) = run_due([jobs.TASK_REMINDERS], TODAY)
    assert again.summary == "already on the queue (queued)"
    assert queue.count == 1
    work_off(queue)
    assert len(mail.outbox) == 1


def test_a_job_enqueued_twice_by_hand_still_sends_once(world, queue):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    queue.enqueue(jobs.send_task_reminders, TODAY)
    queue.enqueue(jobs.send_task_reminders, TODAY)
    work_off(queue)
    assert len(mail.outbox) == 1


def test_a_failed_queued_job_is_enqueued_again_on_the_next_wake(world, queue, settings):
    settings.NETWEAVE_TASK_REMINDER_DAYS = "not a number"  # the job raises in the worker
    run_due([jobs.TASK_REMINDERS], TODAY)
    work_off(queue)
    assert queue.failed_job_registry.count == 1
    settings.NETWEAVE_TASK_REMINDER_DAYS = 2
    (outcome,) = run_due([jobs.TASK_REMINDERS], TODAY)
    assert outcome.summary.startswith("queued as ")
    work_off(queue)
    assert JobRun.objects.filter(job="notify.task_due", day=TODAY).exists()


def test_a_job_that_finished_with_failed_sends_is_enqueued_again(world, queue, settings):
    settings.NETWEAVE_SMS_BACKEND = "netweave.notify.tests.test_reminders.FailingSms"
    phone_of_bob = "+15550003333"
    phone(world.bob_person, phone_of_bob)
    task_for(world, person=world.bob_person, due_on=TODAY)
    run_due([jobs.TASK_REMINDERS], TODAY)
    work_off(queue)
    settings.NETWEAVE_SMS_BACKEND = "netweave.notify.channels.LocmemSmsBackend"
    (outcome,) = run_due([jobs.TASK_REMINDERS], TODAY)
    assert outcome.summary.startswith("queued as ")
    work_off(queue)
    assert [to for to, _text in sms_outbox] == [phone_of_bob]
    assert run_due([jobs.TASK_REMINDERS], TODAY) == []


def test_without_a_queue_jobs_run_in_process(world, settings):
    settings.NETWEAVE_QUEUE_URL = ""
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    (outcome,) = run_due([jobs.TASK_REMINDERS], TODAY)
    assert outcome.summary.startswith("1 sent") and len(mail.outbox) == 1


def test_the_daily_ladder_goes_through_the_same_queue(world, queue):
    from netweave.core.models import AuditEntry
    from netweave.people.jobs import DAILY_LADDER

    (outcome,) = run_due([DAILY_LADDER], TODAY)
    assert outcome.ok and outcome.summary.endswith("-people_ladder-2026-03-02")
    work_off(queue)
    assert AuditEntry.objects.filter(action="ladder.refresh", detail__day="2026-03-02").exists()
    assert run_due([DAILY_LADDER], TODAY) == []  # done for the day
