"""The audit log (docs/privacy.md, "Audit log"): rows are append-only, and every view of
contact details, every export and every change of roles is recorded with who, what, when and
from where (the request's address and browser, or "system")."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from netweave.core.admin import ChapterRoleAdmin
from netweave.core.ledger import audit
from netweave.core.models import AuditEntry, ChapterRole
from netweave.core.services import organizer_grant, organizer_revoke
from netweave.networks.models import Membership
from netweave.networks.services import membership_add, membership_end, membership_set_role
from netweave.people.contacts import channel_add, channel_value_for_sending

BROWSER = "Mozilla/5.0 (Linux; Android 14) Firefox/132.0"


# --- Append-only -------------------------------------------------------------------------------


def test_audit_rows_cannot_be_updated_or_deleted_through_the_orm(world):
    entry = audit(actor=world.alice, action="test.row", chapter_id=world.chapter.pk)
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.row"


# --- From where --------------------------------------------------------------------------------


def test_a_contact_read_on_the_web_records_the_address_and_browser(client, world):
    channel_add(person=world.erin, kind="email", value="erin@example.org")
    client.force_login(world.alice)
    url = reverse("person_contacts", kwargs={"public_id": world.erin.public_id})
    response = client.post(url, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="contacts.read")
    assert (entry.actor, entry.target) == (world.alice, world.erin.public_id)
    assert (entry.via, entry.ip_address, entry.user_agent) == ("web", "203.0.113.7", BROWSER)


def test_a_background_read_records_the_system(world):
    channel_add(person=world.erin, kind="email", value="erin@example.org")
    assert channel_value_for_sending(person=world.erin, kind="email", reason="digest")
    entry = AuditEntry.objects.get(action="contacts.read")
    assert entry.actor is None
    assert (entry.via, entry.ip_address, entry.user_agent) == ("system", None, "")


def test_the_address_behind_a_trusted_proxy_is_the_one_the_proxy_saw(client, world, settings):
    settings.NETWEAVE_PROXY_COUNT = 1
    channel_add(person=world.erin, kind="email", value="erin@example.org")
    client.force_login(world.alice)
    client.post(reverse("person_contacts", kwargs={"public_id": world.erin.public_id}),
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 192.0.2.44")
    assert AuditEntry.objects.get(action="contacts.read").ip_address == "192.0.2.44"


# --- Changes of roles ---------------------------------------------------------------------------


def test_granting_and_revoking_an_organizer_role_is_audited(world):
    organizer_grant(actor=world.alice, chapter=world.chapter, user=world.bob)
    organizer_revoke(actor=world.alice, chapter=world.chapter, user=world.bob)
    rows = list(AuditEntry.objects.filter(action__startswith="role.").order_by("id"))
    assert [(r.action, r.actor, r.target) for r in rows] == [
        ("role.grant", world.alice, "bob"), ("role.revoke", world.alice, "bob")]


def test_becoming_and_ceasing_to_be_a_convener_is_audited(world):
    membership = membership_add(actor=world.alice, network=world.other_network,
                                person=world.erin, role=Membership.Role.CONVENER)
    membership_set_role(actor=world.alice, membership=membership, role=Membership.Role.MEMBER)
    membership_set_role(actor=world.alice, membership=membership,
                        role=Membership.Role.CONVENER)
    membership_end(actor=world.alice, membership=membership)
    rows = AuditEntry.objects.filter(action="membership.role").order_by("id")
    assert [(r.detail["old"], r.detail["new"]) for r in rows] == [
        ("", "convener"), ("convener", "member"), ("member", "convener"), ("convener", "")]
    assert all(r.detail["person"] == world.erin.public_id for r in rows)


def test_changing_the_admin_flag_is_audited_wherever_it_is_changed(world):
    world.bob.is_superuser = True
    world.bob.save()
    world.bob.is_superuser = False
    world.bob.is_active = False
    world.bob.save()
    rows = AuditEntry.objects.filter(action="account.flags", target="bob").order_by("id")
    assert [r.detail for r in rows] == [
        {"created": False, "is_superuser": True},
        {"created": False, "is_superuser": False, "is_active": False}]


def test_creating_an_administrator_is_audited(db, monkeypatch):
    monkeypatch.setenv("NETWEAVE_ADMIN_PASSWORD", "a-Long-admin-pass-7")
    call_command("createadmin", "root")
    entry = AuditEntry.objects.get(action="account.flags", target="root")
    assert entry.detail["is_superuser"] is True and entry.via == "system"


def test_a_login_writes_no_flag_audit_row(client, world):
    client.post(reverse("login"), {"username": "bob", "password": "x"})
    world.bob.save(update_fields=["last_login"])
    assert not AuditEntry.objects.filter(action="account.flags", target="bob").exists()


def test_roles_changed_in_the_back_office_are_audited(world):
    request = RequestFactory().post("/backoffice/", REMOTE_ADDR="203.0.113.8")
    request.user = world.admin
    model_admin = ChapterRoleAdmin(ChapterRole, admin.site)
    role = ChapterRole(user=world.bob, chapter=world.chapter)
    model_admin.save_model(request, role, form=None, change=False)
    model_admin.delete_queryset(request, ChapterRole.objects.filter(pk=role.pk))
    rows = AuditEntry.objects.filter(action__startswith="role.").order_by("id")
    assert [(r.action, r.actor, r.target) for r in rows] == [
        ("role.grant", world.admin, "bob"), ("role.revoke", world.admin, "bob")]
