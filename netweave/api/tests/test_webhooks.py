"""Webhooks against a real HTTP receiver on this machine (http.server in a thread): signed
deliveries for each event, retries with backoff, giving up, nothing for a rolled-back
transaction, who may subscribe, what a payload may carry, which URLs are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from netweave.api import webhooks
from netweave.api.jobs import WEBHOOK_DELIVERIES
from netweave.api.models import WebhookDelivery, WebhookSubscription
from netweave.api.tests.conftest import bearer
from netweave.core.testing import World
from netweave.core.worker import load_jobs
from netweave.events.services import attendance_check_in, event_create
from netweave.networks.models import NetworkKind
from netweave.networks.services import network_seed
from netweave.people.services import person_create
from netweave.work.services import task_assign, task_report

ALL_EVENTS = ["person.signed_up", "task.reported", "event.attended", "network.seeded"]


class Receiver:
    """Answers every POST with `status`, and keeps what came, with whether it was signed
    with `secret` as the docs say a receiver should check it."""

    def __init__(self) -> None:
        self.status = 200
        self.secret = ""
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Netweave-Timestamp"]
                expected = "sha256=" + hmac.new(receiver.secret.encode(),
                                                timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                receiver.received.append({
                    "event": self.headers["X-Netweave-Event"],
                    "delivery": self.headers["X-Netweave-Delivery"],
                    "signed": hmac.compare_digest(expected,
                                                  self.headers["X-Netweave-Signature"]),
                    "body": json.loads(body), "raw": body.decode(),
                    "host": self.headers["Host"],
                })
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.NETWEAVE_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1
    rec = Receiver()
    thread = threading.Thread(target=rec.server.serve_forever, daemon=True)
    thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture
def subscribed(world: World, receiver: Receiver) -> WebhookSubscription:
    hook, secret = webhooks.webhook_create(actor=world.alice, chapter=world.chapter,
                                           url=receiver.url, events=ALL_EVENTS)
    receiver.secret = secret
    return hook


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run `action` and its on-commit callbacks, as a committed request would."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def sign_up(w: World) -> Any:
    return person_create(actor=w.alice, chapter=w.chapter, display_name="Fran Quiet",
                         email="fran@example.org", phone="+44 7700 900123", discreet=True)


def report_task(w: World) -> Any:
    task = task_assign(actor=w.alice, playbook=w.playbook, person=w.bob_person)
    return task_report(actor=w.alice, task=task, numbers={}, note="done")


def attend(w: World) -> Any:
    event = event_create(actor=w.alice, chapter=w.chapter, title="Film night",
                         starts_at=timezone.now(), host_network=w.network)
    return attendance_check_in(actor=w.alice, event=event, person=w.bob_person)


def seed(w: World) -> Any:
    kind = NetworkKind.objects.get(chapter__isnull=True, slug="discussion")
    return network_seed(actor=w.alice, parent=w.network, name="Night readers", kind=kind,
                        seeded_by=w.bob_person)


TRIGGERS = {"person.signed_up": sign_up, "task.reported": report_task,
            "event.attended": attend, "network.seeded": seed}


def one_delivery() -> WebhookDelivery:
    (delivery,) = WebhookDelivery.objects.all()
    return delivery


@pytest.mark.django_db
@pytest.mark.parametrize("event", ALL_EVENTS)
def test_it_delivers_each_event_signed(event, world, subscribed, receiver, committed):
    committed(lambda: TRIGGERS[event](world))
    assert webhooks.deliver_due() == {"delivered": 1, "failed": 0, "given_up": 0}
    (got,) = receiver.received
    assert got["signed"] and got["event"] == event
    assert got["body"]["event"] == event and got["body"]["chapter"] == world.chapter.public_id
    delivery = one_delivery()
    assert got["delivery"] == delivery.public_id
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status == 200


@pytest.mark.django_db
def test_it_names_the_subjects_by_public_id(world, subscribed, receiver, committed):
    network = committed(lambda: seed(world))
    webhooks.deliver_due()
    assert receiver.received[0]["body"]["data"] == {
        "person": world.bob_person.public_id, "network": network.public_id,
        "seeded_from": world.network.public_id}


@pytest.mark.django_db
def test_it_sends_only_the_events_subscribed_to(world, receiver, committed):
    webhooks.webhook_create(actor=world.alice, chapter=world.chapter, url=receiver.url,
                            events=["network.seeded"])
    committed(lambda: report_task(world))
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_payload_never_carries_contact_details_or_names(world, subscribed, receiver,
                                                          committed):
    person = committed(lambda: sign_up(world))
    webhooks.deliver_due()
    raw = receiver.received[0]["raw"]
    assert person.public_id in raw
    for secret in ("fran@example.org", "7700", "Fran", "Quiet"):
        assert secret not in raw


@pytest.mark.django_db
def test_it_retries_a_failing_receiver_with_backoff(world, subscribed, receiver, committed):
    receiver.status = 500
    committed(lambda: report_task(world))
    now = timezone.now()
    assert webhooks.deliver_due(now)["failed"] == 1
    delivery = one_delivery()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 500, "HTTP 500")
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert webhooks.deliver_due(now + timedelta(seconds=30))["failed"] == 0  # not due yet
    later = now + timedelta(minutes=1)
    webhooks.deliver_due(later)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == later + timedelta(minutes=5)
    assert len(receiver.received) == 2 and all(r["signed"] for r in receiver.received)


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt(world, subscribed, receiver, committed):
    receiver.status = 500
    committed(lambda: attend(world))
    now = timezone.now()
    for wait in (timedelta(0), *webhooks.BACKOFF):
        now += wait
        webhooks.deliver_due(now)
    delivery = one_delivery()
    assert delivery.status == "given_up" and delivery.attempts == webhooks.MAX_ATTEMPTS == 6
    assert delivery.next_attempt_at is None and delivery.delivered_at is None
    assert webhooks.deliver_due(now + timedelta(days=30))["failed"] == 0
    assert len(receiver.received) == 6


@pytest.mark.django_db
def test_it_does_not_follow_a_redirect(world, subscribed, receiver, committed):
    receiver.status = 302
    committed(lambda: sign_up(world))
    assert webhooks.deliver_due()["failed"] == 1
    assert one_delivery().last_status == 302


@pytest.mark.django_db
def test_it_sends_nothing_for_a_rolled_back_transaction(world, subscribed, receiver,
                                                        committed):
    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            report_task(world)
            raise RuntimeError("the request failed after the report")

    committed(rolled_back)
    assert not WebhookDelivery.objects.exists()
    webhooks.deliver_due()
    assert receiver.received == []


def sign_up_is_refused_as_private(world, receiver, committed, settings) -> None:  # noqa: ANN001
    """With private addresses not allowed, a sign-up's delivery fails as refused, unsent."""
    settings.NETWEAVE_WEBHOOK_ALLOW_PRIVATE = False
    committed(lambda: sign_up(world))
    assert webhooks.deliver_due()["failed"] == 1
    assert receiver.received == []
    assert one_delivery().last_error.startswith("refused")


@pytest.mark.django_db
def test_it_refuses_private_addresses_unless_allowed(world, subscribed, receiver, committed,
                                                     settings):
    sign_up_is_refused_as_private(world, receiver, committed, settings)


@pytest.mark.django_db
def test_the_job_and_the_command_send_what_is_due(world, subscribed, receiver, committed,
                                                  capsys):
    assert WEBHOOK_DELIVERIES in load_jobs()
    committed(lambda: sign_up(world))
    assert WEBHOOK_DELIVERIES.is_due(timezone.localdate())
    assert "delivered 1" in WEBHOOK_DELIVERIES.run(timezone.localdate())
    assert not WEBHOOK_DELIVERIES.is_due(timezone.localdate())
    committed(lambda: seed(world))
    call_command("deliver_webhooks")
    assert "delivered 1" in capsys.readouterr().out
    assert len(receiver.received) == 2


@pytest.mark.django_db
def test_the_secret_is_stored_encrypted(world, subscribed, receiver):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhooksubscription")
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc1:") and receiver.secret not in stored
    assert WebhookSubscription.objects.get().secret == receiver.secret


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x",
                                 "javascript:alert(1)", "http://", "example.org/hook",
                                 "https://user:pw@example.org/hook",
                                 "https://example.org/a\r\nX-Injected: 1"])
def test_it_refuses_a_url_that_is_not_http(world, url):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_create(actor=world.alice, chapter=world.chapter, url=url,
                                events=["task.reported"])
    assert "url" in refused.value.message_dict
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_bad_url_with_the_field_named(world, client, token_for):
    response = client.post(f"/api/v1/chapters/{world.chapter.public_id}/webhooks",
                           json.dumps({"url": "file:///etc/passwd", "events": ["task.reported"]}),
                           content_type="application/json", **bearer(token_for("organizer")))
    assert response.status_code == 422 and "url" in response.json()["fields"]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_it_refuses_subscriptions_to_anyone_but_the_chapters_organizers(world):
    for user in (world.bob, world.carol, world.charlie):
        with pytest.raises(PermissionDenied):
            webhooks.webhook_create(actor=user, chapter=world.chapter,
                                    url="https://example.org/h", events=["task.reported"])
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_outsiders_cannot_see_or_delete_a_subscription(world, subscribed, client, token_for):
    hook = subscribed.public_id
    for role in ("outsider", "convener", "member"):
        auth = bearer(token_for(role))
        assert client.get(f"/api/v1/webhooks/{hook}/deliveries", **auth).status_code == 404
        assert client.delete(f"/api/v1/webhooks/{hook}", **auth).status_code == 404
    listed = client.get(f"/api/v1/chapters/{world.chapter.public_id}/webhooks",
                        **bearer(token_for("outsider")))
    assert listed.status_code == 404
    assert WebhookSubscription.objects.filter(public_id=hook).exists()


@pytest.mark.django_db
def test_the_api_shows_the_secret_once_and_audits(world, client, token_for):
    from netweave.core.models import AuditEntry

    auth = bearer(token_for("organizer"))
    made = client.post(f"/api/v1/chapters/{world.chapter.public_id}/webhooks",
                       json.dumps({"url": "https://example.org/h",
                                   "events": ["person.signed_up"]}),
                       content_type="application/json", **auth)
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    listed = client.get(f"/api/v1/chapters/{world.chapter.public_id}/webhooks", **auth).json()
    assert [h["id"] for h in listed["items"]] == [made.json()["id"]]
    assert "secret" not in listed["items"][0]
    gone = client.delete(f"/api/v1/webhooks/{made.json()['id']}", **auth)
    assert gone.status_code == 204
    actions = list(AuditEntry.objects.filter(action__startswith="webhook.")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["webhook.create", "webhook.delete"]


@pytest.mark.django_db
def test_a_delivery_is_written_in_the_transaction_of_its_ledger_entry(world, subscribed):
    """An outbox: the delivery row is written with the ledger entry, before the commit (and no
    on-commit hook runs here), so a process that dies right after the commit loses nothing."""
    with transaction.atomic():
        report_task(world)
        assert WebhookDelivery.objects.filter(event="task.reported").count() == 1
    assert one_delivery().status == "pending"


def _hook_on(world: World, receiver: Receiver, host: str) -> WebhookSubscription:
    port = receiver.server.server_address[1]
    hook, receiver.secret = webhooks.webhook_create(
        actor=world.alice, chapter=world.chapter, url=f"http://{host}:{port}/hooks",
        events=ALL_EVENTS)
    return hook


@pytest.mark.django_db
def test_it_resolves_the_host_when_sending_and_refuses_a_private_answer(world, receiver,
                                                                        committed, settings):
    """'localhost' passes when subscribed (no address is looked up then); at send time the
    resolver answers loopback, and nothing is sent."""
    _hook_on(world, receiver, "localhost")
    sign_up_is_refused_as_private(world, receiver, committed, settings)


@pytest.mark.django_db
def test_it_sends_to_the_addresses_it_checked_under_the_urls_own_host(world, receiver,
                                                                      committed):
    """Private addresses allowed (the receiver is on 127.0.0.1): 'localhost' is resolved once
    and the request goes to those addresses (::1 first, where nothing listens, then
    127.0.0.1), with the URL's Host header."""
    _hook_on(world, receiver, "localhost")
    committed(lambda: sign_up(world))
    assert webhooks.deliver_due()["delivered"] == 1
    (got,) = receiver.received
    assert got["signed"] and got["host"] == f"localhost:{receiver.server.server_address[1]}"


def test_it_connects_only_to_the_addresses_it_checked(receiver):
    """No second lookup when connecting (DNS rebinding): a name that resolves to nothing at all
    still reaches the one address given."""
    import urllib.request

    port = receiver.server.server_address[1]
    body, timestamp = b"{}", "1"
    request = urllib.request.Request(  # noqa: S310 - http, to the test's receiver
        f"http://rebound.invalid:{port}/hooks", data=body, method="POST", headers={
            "X-Netweave-Event": "test", "X-Netweave-Delivery": "d", "Content-Type":
            "application/json", "X-Netweave-Timestamp": timestamp,
            "X-Netweave-Signature": webhooks.sign(receiver.secret, timestamp, body)})
    with webhooks._opener(["127.0.0.1"]).open(request, timeout=5) as answer:
        assert answer.status == 200
    assert [r["host"] for r in receiver.received] == [f"rebound.invalid:{port}"]
    with pytest.raises(OSError):
        webhooks._opener([]).open(request, timeout=5)
