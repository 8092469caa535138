"""The people pages: list, record, a person's page, edit, follow-up, contacts, invites."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.core.models import AuditEntry, Contribution, Invite
from netweave.core.testing import make_person
from netweave.outreach.services import code_for_person
from netweave.people import contacts, services
from netweave.people.models import FollowUp, Person, Stage

LIST = reverse("people")
NEW = reverse("person_new")


def url(name, person):
    return reverse(name, kwargs={"public_id": person.public_id})


def assert_login_redirect(response):
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def give_email(person, value="erin@example.org"):
    contacts.channel_add(person=person, kind=contacts.Kind.EMAIL, value=value)


# --- the list ---------------------------------------------------------------------------------


def test_it_lists_the_chapters_people_to_an_organizer(client, world):
    client.force_login(world.alice)
    response = client.get(LIST)
    assert response.status_code == 200
    names = [p.display_name for p in response.context["page"].object_list]
    assert {"Alice", "Bob", "Carol", "Dave", "Erin"} <= set(names)
    assert "Hank" not in names


def test_it_lists_every_chapter_to_an_admin(client, world):
    client.force_login(world.admin)
    names = {p.display_name for p in client.get(LIST).context["page"].object_list}
    assert {"Erin", "Hank"} <= names


def test_it_never_lists_riverside_people_to_an_organizer_of_another_chapter(client, world):
    client.force_login(world.charlie)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [p.display_name for p in response.context["page"].object_list] == ["Hank"]
    assert b"Erin" not in response.content


def test_it_sends_anonymous_visitors_from_the_people_list_to_log_in(client, world):
    assert_login_redirect(client.get(LIST))


@pytest.mark.parametrize("role", ["member", "convener"])
def test_it_refuses_a_member_or_convener_the_people_list(client, world, role):
    client.force_login(world.user(role))
    assert client.get(LIST).status_code == 403


def test_it_filters_the_list_by_search_stage_follow_up_and_place(client, world):
    Person.objects.filter(pk=world.bob_person.pk).update(stage=Stage.ORGANIZED)
    Person.objects.filter(pk=world.erin.pk).update(followup_status=FollowUp.MET)
    client.force_login(world.alice)

    def names(query):
        return {p.display_name for p in client.get(LIST + query).context["page"].object_list}

    assert names("?search=car") == {"Carol"}
    assert names("?stage=organized") == {"Bob"}
    assert names("?followup=met") == {"Erin"}
    assert names(f"?place_id={world.place.public_id}") == {"Bob", "Carol", "Erin"}
    assert names(f"?place_id={world.place.public_id}&search=er") == {"Erin"}


def test_an_unknown_filter_says_so_and_shows_everyone(client, world):
    client.force_login(world.alice)
    response = client.get(LIST + "?stage=royalty")
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert response.context["page"].paginator.count == 5


def test_the_people_list_does_not_query_per_row(client, world):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for i in range(5):
        make_person(world.chapter, f"Few {i}", place=world.place)
    client.force_login(world.alice)
    few = count_queries()
    for i in range(40):
        make_person(world.chapter, f"Many {i}", place=world.place, discreet=i % 2 == 0)
    assert count_queries() == few


def test_the_people_list_pages_and_keeps_the_filters(client, world):
    for i in range(55):
        make_person(world.chapter, f"Zed {i:02d}")
    client.force_login(world.alice)
    first = client.get(LIST + "?search=zed")
    assert len(first.context["page"].object_list) == 50
    assert b"?search=zed&amp;page=2" in first.content
    second = client.get(LIST + "?search=zed&page=2")
    assert len(second.context["page"].object_list) == 5


# --- recording someone ------------------------------------------------------------------------

GOOD = {
    "display_name": "Nadia", "email": "nadia@example.org", "phone": "+1 555 0100",
    "place": "", "social_grouping": "classmates", "hours_per_week": "2.5",
    "availability": "evenings", "constraints": ["caregiving", "no_transport"],
    "languages": "Spanish, English", "notes": "Met at the table.",
}


def test_an_organizer_records_someone_with_their_situation_and_channels(client, world):
    client.force_login(world.alice)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, {**GOOD, "place": world.place.public_id, "discreet": "on"})
    person = Person.objects.get(display_name="Nadia")
    assert response.status_code == 302 and response.url == url("person", person)
    assert person.chapter == world.chapter and person.place == world.place
    assert person.hours_per_week == Decimal("2.5")
    assert person.constraints == ["caregiving", "no_transport"]
    assert person.languages == ["Spanish", "English"]
    assert person.discreet and person.notes == "Met at the table."
    assert person.followup_owner == world.alice and person.followup_due is not None
    assert sorted(contacts.channel_kinds(person)) == ["email", "phone"]


def test_it_sends_anonymous_visitors_from_recording_to_log_in(client, world):
    assert_login_redirect(client.get(NEW))
    assert_login_redirect(client.post(NEW, GOOD))


@pytest.mark.parametrize("role", ["member", "convener"])
def test_it_refuses_a_member_or_convener_recording_someone(client, world, role):
    client.force_login(world.user(role))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, GOOD).status_code == 403
    assert not Person.objects.filter(display_name="Nadia").exists()


def test_an_organizer_of_another_chapter_cannot_record_into_riverside(client, world):
    client.force_login(world.charlie)
    response = client.post(NEW, {**GOOD, "place": world.place.public_id})
    assert response.status_code == 200
    assert response.context["form"].errors["place"]
    assert not Person.objects.filter(display_name="Nadia").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": ""}, "display_name", b"This field is required."),
        ({"hours_per_week": "200"}, "hours_per_week", b"less than or equal to 80"),
        ({"email": "not-an-email"}, "email", b"Enter a valid email address."),
        # Checked by the service, not the form: the message comes back next to the field.
        ({"phone": "12"}, "phone", b"at least 6 digits"),
    ],
)
def test_bad_input_when_recording_says_why_keeps_the_input_and_records_nobody(
    client, world, changes, field, message,
):
    client.force_login(world.alice)
    people_before, ledger_before = Person.objects.count(), Contribution.objects.count()
    response = client.post(NEW, {**GOOD, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in response.content
    assert b"classmates" in response.content and b"Met at the table." in response.content
    assert Person.objects.count() == people_before
    assert Contribution.objects.count() == ledger_before


def test_an_admin_choosing_a_place_of_another_chapter_is_told_so(client, world):
    client.force_login(world.admin)
    response = client.post(NEW, {**GOOD, "chapter": world.other_chapter.public_id,
                                 "place": world.place.public_id})
    assert response.status_code == 200
    assert b"That place belongs to another chapter." in response.content
    assert not Person.objects.filter(display_name="Nadia").exists()


# --- a person's page --------------------------------------------------------------------------


def test_an_organizer_sees_a_persons_situation_path_networks_and_follow_up(client, world):
    give_email(world.bob_person, "bob@example.org")
    client.force_login(world.alice)
    response = client.get(url("person", world.bob_person))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/networks/{world.network.public_id}/" in page
    assert "How they came in" in page and "Their path so far" in page
    assert url("person_followup", world.bob_person) in page
    assert url("person_contacts", world.bob_person) in page
    # Values stay behind the deliberate "show" action, and merely opening the page logs nothing.
    assert "bob@example.org" not in page
    assert not AuditEntry.objects.filter(action="contacts.read").exists()


def test_a_persons_page_says_how_they_came_in(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    nadia, _created = services.person_signup(code=code, display_name="Nadia", email="n@x.org")
    client.force_login(world.alice)
    page = client.get(url("person", nadia)).content.decode()
    assert "Brought by someone" in page and code.code in page
    assert url("person", world.carol_person) in page  # who brought her, for the organizer
    assert "Signed up" in page  # the first step of her path


def test_it_sends_anonymous_visitors_from_a_persons_page_to_log_in(client, world):
    assert_login_redirect(client.get(url("person", world.erin)))


@pytest.mark.parametrize("role", ["outsider", "member", "convener"])
def test_it_hides_a_contact_outside_the_viewers_scope(client, world, role):
    client.force_login(world.user(role))
    assert client.get(url("person", world.erin)).status_code == 404


def test_it_hides_a_discreet_member_from_their_convener(client, world):
    Person.objects.filter(pk=world.bob_person.pk).update(discreet=True)
    client.force_login(world.carol)
    assert client.get(url("person", world.bob_person)).status_code == 404


def test_a_member_sees_only_a_fellow_members_name_and_shared_networks(client, world):
    client.force_login(world.bob)
    response = client.get(url("person", world.carol_person))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Carol" in page and f"/networks/{world.network.public_id}/" in page
    for private in ("How they came in", "Their path so far", "Contact details", "Follow-up"):
        assert private not in page


def test_a_convener_sees_their_members_page_and_may_ask_for_contacts(client, world):
    client.force_login(world.carol)
    response = client.get(url("person", world.bob_person))
    assert response.status_code == 200
    assert response.context["page"].detail and response.context["page"].may_read_contacts
    assert url("person_followup", world.bob_person).encode() not in response.content


def test_a_person_sees_their_own_page_and_may_edit_it(client, world):
    client.force_login(world.bob)
    response = client.get(url("person", world.bob_person))
    assert response.status_code == 200
    assert url("person_edit", world.bob_person).encode() in response.content


# --- contact details --------------------------------------------------------------------------


def test_showing_contact_details_reveals_them_and_writes_an_audit_row(client, world):
    give_email(world.erin)
    client.force_login(world.alice)
    response = client.post(url("person_contacts", world.erin))
    assert response.status_code == 200
    assert b"erin@example.org" in response.content
    entry = AuditEntry.objects.get(action="contacts.read")
    assert entry.actor == world.alice and entry.target == world.erin.public_id


def test_contact_details_are_not_shown_on_a_get(client, world):
    client.force_login(world.alice)
    assert client.get(url("person_contacts", world.erin)).status_code == 405


def test_a_convener_may_read_their_members_contacts(client, world):
    give_email(world.bob_person, "bob@example.org")
    client.force_login(world.carol)
    assert b"bob@example.org" in client.post(url("person_contacts", world.bob_person)).content


def test_it_refuses_a_member_their_fellow_members_contacts(client, world):
    give_email(world.carol_person, "carol@example.org")
    client.force_login(world.bob)
    response = client.post(url("person_contacts", world.carol_person))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="contacts.read").exists()


def test_it_hides_contacts_from_an_outsider_and_anonymous(client, world):
    give_email(world.erin)
    client.force_login(world.charlie)
    assert client.post(url("person_contacts", world.erin)).status_code == 404
    client.logout()
    assert_login_redirect(client.post(url("person_contacts", world.erin)))
    assert not AuditEntry.objects.filter(action="contacts.read").exists()


# --- editing ----------------------------------------------------------------------------------

EDIT = {"display_name": "Erin R.", "place": "", "hours_per_week": "4", "availability": "",
        "social_grouping": "", "languages": "English", "notes": "Prefers texts."}


def test_an_organizer_edits_a_persons_situation_and_notes(client, world):
    client.force_login(world.alice)
    assert client.get(url("person_edit", world.erin)).status_code == 200
    response = client.post(url("person_edit", world.erin), {**EDIT, "constraints": ["health"]})
    assert response.status_code == 302
    world.erin.refresh_from_db()
    assert world.erin.display_name == "Erin R." and world.erin.hours_per_week == 4
    assert world.erin.constraints == ["health"] and world.erin.notes == "Prefers texts."
    assert world.erin.place is None


def test_a_person_edits_their_own_situation_but_is_not_offered_the_notes(client, world):
    client.force_login(world.bob)
    response = client.get(url("person_edit", world.bob_person))
    assert response.status_code == 200 and "notes" not in response.context["form"].fields
    client.post(url("person_edit", world.bob_person), {**EDIT, "display_name": "Bobby"})
    world.bob_person.refresh_from_db()
    assert world.bob_person.display_name == "Bobby" and world.bob_person.notes == ""


def test_it_refuses_a_member_editing_a_fellow_member(client, world):
    client.force_login(world.bob)
    assert client.get(url("person_edit", world.carol_person)).status_code == 403
    assert client.post(url("person_edit", world.carol_person), EDIT).status_code == 403
    world.carol_person.refresh_from_db()
    assert world.carol_person.display_name == "Carol"


def test_it_hides_editing_from_an_outsider_and_anonymous(client, world):
    client.force_login(world.charlie)
    assert client.post(url("person_edit", world.erin), EDIT).status_code == 404
    client.logout()
    assert_login_redirect(client.post(url("person_edit", world.erin), EDIT))
    world.erin.refresh_from_db()
    assert world.erin.display_name == "Erin"


def test_bad_input_when_editing_says_why_keeps_the_input_and_changes_nothing(client, world):
    client.force_login(world.alice)
    response = client.post(url("person_edit", world.erin),
                           {**EDIT, "hours_per_week": "-3", "notes": "Keep this text"})
    assert response.status_code == 200
    assert response.context["form"].errors["hours_per_week"]
    assert b"Keep this text" in response.content and b"Erin R." in response.content
    world.erin.refresh_from_db()
    assert world.erin.display_name == "Erin" and world.erin.notes == ""


# --- follow-up --------------------------------------------------------------------------------


def test_an_organizer_records_a_follow_up_step_and_hands_it_on(client, world):
    client.force_login(world.alice)
    response = client.post(url("person_followup", world.erin), {
        "status": FollowUp.CONTACTED, "owner": world.carol.pk, "due": "2030-01-15",
        "note": "Called, will come Saturday.",
    })
    assert response.status_code == 302 and response.url == url("person", world.erin)
    world.erin.refresh_from_db()
    assert world.erin.followup_status == FollowUp.CONTACTED
    assert world.erin.followup_owner == world.carol
    assert str(world.erin.followup_due) == "2030-01-15"
    assert "Called, will come Saturday." in world.erin.notes
    assert Contribution.objects.filter(kind="followed_up", subject_person=world.erin).exists()


def test_the_follow_up_owner_records_a_step_but_cannot_hand_it_on(client, world):
    Person.objects.filter(pk=world.bob_person.pk).update(followup_owner=world.carol)
    client.force_login(world.carol)
    response = client.post(url("person_followup", world.bob_person),
                           {"status": FollowUp.MET, "owner": world.dave.pk})
    assert response.status_code == 302
    world.bob_person.refresh_from_db()
    assert world.bob_person.followup_status == FollowUp.MET
    assert world.bob_person.followup_owner == world.carol


def test_it_refuses_a_follow_up_from_someone_who_does_not_own_it(client, world):
    client.force_login(world.carol)
    response = client.post(url("person_followup", world.bob_person), {"status": FollowUp.MET})
    assert response.status_code == 403
    world.bob_person.refresh_from_db()
    assert world.bob_person.followup_status == FollowUp.NEW


def test_it_hides_follow_up_from_an_outsider_and_anonymous(client, world):
    client.force_login(world.charlie)
    assert client.post(url("person_followup", world.erin), {"status": "met"}).status_code == 404
    client.logout()
    assert_login_redirect(client.post(url("person_followup", world.erin), {"status": "met"}))


def test_a_bad_follow_up_says_why_keeps_the_note_and_changes_nothing(client, world):
    client.force_login(world.alice)
    response = client.post(url("person_followup", world.erin),
                           {"status": "maybe", "due": "soon", "note": "Rang twice"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["status"] and form.errors["due"]
    assert b"Rang twice" in response.content
    world.erin.refresh_from_db()
    assert world.erin.followup_status == FollowUp.NEW and world.erin.notes == ""
    assert not Contribution.objects.filter(kind="followed_up").exists()


# --- invites ----------------------------------------------------------------------------------


def test_an_organizer_makes_an_invite_link_and_sees_it_once(client, world):
    client.force_login(world.alice)
    response = client.post(url("person_invite", world.erin))
    assert response.status_code == 200
    link = response.context["link"]
    assert "/invite/" in link and link.encode() in response.content
    assert Invite.objects.filter(person=world.erin).count() == 1
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(link).status_code == 200


def test_it_refuses_an_invite_for_someone_who_has_an_account(client, world):
    client.force_login(world.alice)
    response = client.post(url("person_invite", world.bob_person), follow=True)
    assert b"already has an account" in response.content
    assert not Invite.objects.exists()


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("member", "bob_person", 403),  # themselves: they may edit, not invite
        ("convener", "bob_person", 403),  # their member: they may see, not invite
        ("convener", "erin", 404),
        ("outsider", "erin", 404),
    ],
)
def test_it_refuses_invites_to_anyone_but_organizers(client, world, role, target, status):
    client.force_login(world.user(role))
    assert client.post(url("person_invite", getattr(world, target))).status_code == status
    assert not Invite.objects.exists()


def test_it_sends_anonymous_visitors_from_invites_to_log_in(client, world):
    assert_login_redirect(client.post(url("person_invite", world.erin)))
    assert_login_redirect(client.get(url("person_invite", world.erin)))


def test_an_invite_is_made_by_a_post_only(client, world):
    client.force_login(world.alice)
    assert client.get(url("person_invite", world.erin)).status_code == 405
    assert not Invite.objects.exists()


# --- who brought whom -------------------------------------------------------------------------


def bring(by, *people):
    Person.objects.filter(pk__in=[p.pk for p in people]).update(brought_by=by)


def test_an_organizer_sees_who_they_brought_in_and_who_brought_them(client, world):
    fay = make_person(world.chapter, "Fay")
    bring(world.alice_person, world.carol_person)
    bring(world.carol_person, world.bob_person, world.erin)
    bring(world.bob_person, fay)
    client.force_login(world.alice)
    page = client.get(url("person", world.carol_person)).content.decode()
    assert "Who they brought in" in page and 'class="tree"' in page
    for person in (world.bob_person, world.erin, fay):
        assert url("person", person) in page
    assert "3 people came in through them" in page
    assert "Brought in by" in page and url("person", world.alice_person) in page


def test_a_person_sees_the_shape_of_their_recruits_without_names_outside_their_networks(
    client, world,
):
    fay = make_person(world.chapter, "Fay Outside")
    bring(world.carol_person, world.bob_person)
    bring(world.bob_person, fay)
    client.force_login(world.bob)
    page = client.get(url("person", world.bob_person)).content.decode()
    assert "Who they brought in" in page
    assert "someone (name not shown)" in page
    assert "Fay Outside" not in page and fay.public_id not in page
    assert url("person", world.carol_person) in page  # brought in by a fellow member


def test_a_fellow_member_is_not_shown_who_brought_whom(client, world):
    bring(world.carol_person, world.bob_person)
    client.force_login(world.bob)
    page = client.get(url("person", world.carol_person)).content.decode()
    assert "Who they brought in" not in page and "Brought in by" not in page


def test_a_convener_is_not_told_the_name_of_a_discreet_person_who_brought_their_member(
    client, world,
):
    secret = make_person(world.chapter, "Secret Sam", discreet=True)
    bring(secret, world.bob_person)
    client.force_login(world.carol)
    page = client.get(url("person", world.bob_person)).content.decode()
    assert "Secret Sam" not in page and secret.public_id not in page
    assert "someone (name not shown)" in page


def test_the_person_page_query_count_does_not_grow_with_their_recruits(client, world):
    bring(world.alice_person, world.carol_person)
    client.force_login(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("person", world.carol_person)).status_code == 200
        return len(ctx.captured_queries)

    few = [make_person(world.chapter, f"Few {i}") for i in range(5)]
    bring(world.carol_person, *few)
    bring(few[0], make_person(world.chapter, "Second generation"))
    small = count()
    many = [make_person(world.chapter, f"Many {i}") for i in range(25)]
    bring(world.carol_person, *many)
    bring(many[3], make_person(world.chapter, "Another second generation"))
    assert Person.objects.filter(brought_by=world.carol_person).count() == 30
    assert count() == small
