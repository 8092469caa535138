"""Shared test helpers: a small chapter with one person for each role.

alice   organizer of Riverside
bob     member of Riverside's "Eastside distribution" network
carol   convener of "Eastside distribution"
dave    convener of "Campus discussion", another Riverside network
erin    a Riverside contact who never logged in (no account)
charlie organizer of another chapter, Hilltop: the outsider
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient

from netweave.core.models import Chapter, ChapterRole, Place
from netweave.core.scope import forget_scope
from netweave.networks.models import Membership, Network, NetworkKind
from netweave.people.models import Person
from netweave.work.catalog import sync
from netweave.work.models import Playbook

PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def make_person(chapter: Chapter, name: str, *, user: Any = None, **fields: Any) -> Person:
    return Person.objects.create(chapter=chapter, display_name=name, user=user, **fields)


def make_network(
    chapter: Chapter, name: str, *, parent: Network | None = None, kind_slug: str = "distribution",
    status: str = Network.Status.ACTIVE, **fields: Any,
) -> Network:
    """A network with a correct lineage path, without going through a service."""
    kind = NetworkKind.objects.get(chapter__isnull=True, slug=kind_slug)
    network = Network.objects.create(chapter=chapter, name=name, kind=kind, seeded_from=parent,
                                     status=status, **fields)
    network.path = (parent.path if parent else "") + Network.segment(network.id)
    network.generation = parent.generation + 1 if parent else 1
    network.save(update_fields=["path", "generation"])
    return network


def join(network: Network, person: Person, role: str = Membership.Role.MEMBER) -> Membership:
    membership = Membership.objects.create(network=network, person=person, role=role)
    forget_scope(person.user)
    return membership


@dataclass
class World:
    chapter: Chapter
    other_chapter: Chapter
    place: Place
    admin: Any
    alice: Any
    bob: Any
    carol: Any
    dave: Any
    charlie: Any
    alice_person: Person
    bob_person: Person
    carol_person: Person
    dave_person: Person
    erin: Person
    hilltop_person: Person
    network: Network
    other_network: Network
    hilltop_network: Network
    playbook: Playbook

    def user(self, role: str) -> Any:
        return {
            "admin": self.admin, "organizer": self.alice, "member": self.bob,
            "convener": self.carol, "other_convener": self.dave, "outsider": self.charlie,
            "anonymous": None,
        }[role]


def build_world() -> World:
    # Transactional tests (the browser tests) truncate tables, catalog included: put it back.
    sync(NetworkKind, Playbook)
    riverside = Chapter.objects.create(name="Riverside", slug="riverside")
    hilltop = Chapter.objects.create(name="Hilltop", slug="hilltop")
    place = Place.objects.create(chapter=riverside, name="Eastside", kind=Place.Kind.NEIGHBOURHOOD,
                                 is_target=True, target_networks=3)
    admin = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    alice, bob, carol, dave, charlie = (
        make_user(n) for n in ("alice", "bob", "carol", "dave", "charlie")
    )
    ChapterRole.objects.create(user=alice, chapter=riverside)
    ChapterRole.objects.create(user=charlie, chapter=hilltop)
    alice_p = make_person(riverside, "Alice", user=alice)
    bob_p = make_person(riverside, "Bob", user=bob, place=place)
    carol_p = make_person(riverside, "Carol", user=carol, place=place)
    dave_p = make_person(riverside, "Dave", user=dave)
    erin = make_person(riverside, "Erin", place=place)
    hill_p = make_person(hilltop, "Hank")
    network = make_network(riverside, "Eastside distribution", place=place)
    other = make_network(riverside, "Campus discussion", kind_slug="discussion")
    hill_net = make_network(hilltop, "Hilltop tables", kind_slug="school_table")
    join(network, carol_p, Membership.Role.CONVENER)
    join(network, bob_p)
    join(other, dave_p, Membership.Role.CONVENER)
    join(hill_net, hill_p, Membership.Role.CONVENER)
    playbook = Playbook.objects.filter(chapter__isnull=True).order_by("id").first()
    assert playbook is not None, "the starter catalog migration did not run"
    return World(
        chapter=riverside, other_chapter=hilltop, place=place, admin=admin, alice=alice, bob=bob,
        carol=carol, dave=dave, charlie=charlie, alice_person=alice_p, bob_person=bob_p,
        carol_person=carol_p, dave_person=dave_p, erin=erin, hilltop_person=hill_p,
        network=network, other_network=other, hilltop_network=hill_net, playbook=playbook,
    )


# --- two-factor in tests -----------------------------------------------------------------------


def second_factor_for(user: Any) -> Any:
    """The user's authenticator device, made (confirmed) if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    return device


def totp_code(device: Any) -> str:
    """The code the person's app would show now for this device."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device: Any) -> str:
    """A code the device will accept now: django-otp refuses a code twice, so a test that
    signs the same person in twice within 30 seconds first forgets the last one used."""
    type(device).objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                     throttling_failure_timestamp=None)
    device.refresh_from_db()
    return totp_code(device)


def verify_second_factor(client: Any, user: Any) -> None:
    """Mark a test client's session as having passed the code step (what the verify page does
    after a right code), with a device made for the user if needed."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = second_factor_for(user).persistent_id
    session.save()


class Client(DjangoClient):
    """The test client, whose `force_login` also passes the two-factor step for the users who
    must take it (organizers, admins): most tests are about something else. The `client`
    fixture is one of these; the two-factor tests use `plain_client` (Django's own)."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        from netweave.core.twofactor import required_for

        super().force_login(user, backend)
        if required_for(user):
            verify_second_factor(self, user)
