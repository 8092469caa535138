"""The people list compiled once per shape (api/compiled.py) answers exactly what the ordinary
query answers, for every caller, filter, ordering and page; shapes it cannot reuse exactly are
built as ever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netweave.api import compiled
from netweave.api.pagination import paginate
from netweave.api.routers.people import LIST_COLUMNS, person_row_out
from netweave.api.selectors import people_list
from netweave.api.tests.conftest import bearer
from netweave.core.models import Chapter, ChapterRole
from netweave.core.scope import scope_of, stand_in_seeing
from netweave.core.testing import make_person, make_user
from netweave.people.models import Person
from netweave.people.selectors import people_for


@pytest.fixture(autouse=True)
def _fresh_templates():
    compiled.forget_all()
    yield
    compiled.forget_all()


def _more_people(world):  # noqa: ANN001, ANN202
    """Enough people to page through: repeated names (the tiebreak), stages, a follow-up owner,
    a discreet one, a forgotten one, and varied join times."""
    now = timezone.now()
    for i in range(9):
        Person.objects.create(
            chapter=world.chapter, display_name=f"Name {i % 3}", source="recorded",
            stage="member" if i % 2 else "contact", place=world.place if i % 4 == 0 else None,
            joined_at=now - timedelta(days=i), discreet=i == 5,
            followup_owner=world.charlie if i == 7 else None,
        )
    Person.objects.create(chapter=world.chapter, display_name="Gone", forgotten_at=now)


def _pages(user, *, shaped, limit=4, ordering="name", **filters):  # noqa: ANN001, ANN003, ANN202
    """Every page's rows, following next_cursor, through the compiled list or the ordinary
    query (a cursor carries the time it was signed, so only its presence is compared)."""
    pages, cursor = [], None
    while True:
        source = (people_list(user, columns=LIST_COLUMNS, **filters) if shaped
                  else people_for(user, **filters).values(*LIST_COLUMNS))
        page = paginate(source, ordering=ordering, allowed=("name", "joined_at"), cursor=cursor,
                        limit=limit, out=person_row_out, columns={"name": "display_name"})
        pages.append((page["items"], page["next_cursor"] is not None))
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


FILTERS = [
    {}, {"stage": "member"}, {"followup": "new"}, {"stage": "contact", "followup": "new"},
    {"search": "name"}, {"stage": "nothing-such"},
]


@pytest.mark.parametrize("role", ["admin", "organizer", "member", "convener", "outsider"])
@pytest.mark.parametrize("ordering", ["name", "-name", "joined_at", "-joined_at"])
def test_the_compiled_list_answers_what_the_ordinary_query_answers(world, role, ordering):
    _more_people(world)
    user = world.user(role)
    for filters in [*FILTERS, {"place_id": world.place.public_id}]:
        expected = _pages(user, shaped=False, ordering=ordering, **filters)
        # Twice: the first request of a shape makes its template, the second uses it.
        assert _pages(user, shaped=True, ordering=ordering, **filters) == expected
        assert _pages(user, shaped=True, ordering=ordering, **filters) == expected


def test_a_shape_is_compiled_once_and_then_reused(world, monkeypatch):
    """An organizer who is not a person (the outsider, Hilltop's) and an admin: their scopes'
    filters are plain values, so their lists are compiled ahead; the first page of a shape
    makes its template, and the next request of that shape runs it without Django compiling
    anything."""
    from django.db.models.sql.compiler import SQLCompiler

    for user in (world.charlie, world.admin):
        _pages(user, shaped=True, limit=50)
    assert len([t for t in compiled._templates.values() if t is not None]) == 2
    compiling = SQLCompiler.as_sql
    compiled_now = []

    def counted(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        compiled_now.append(self.query.model)
        return compiling(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    with CaptureQueriesContext(connection) as queries:
        again = _pages(world.charlie, shaped=True, limit=50)
    assert len(queries.captured_queries) == 1 and compiled_now == []
    assert [p["display_name"] for p in again[0][0]] == ["Hank"]


def test_a_reused_shape_answers_each_caller_their_own_people(world):
    """Two organizers of one chapter each (the same shape): the second runs the first one's
    SQL, with its own values."""
    third = Chapter.objects.create(name="Lakeside", slug="lakeside")
    lake_organizer = make_user("lake-organizer")
    ChapterRole.objects.create(user=lake_organizer, chapter=third)
    make_person(third, "Lena")
    hilltop = _pages(world.charlie, shaped=True)
    lakeside = _pages(lake_organizer, shaped=True)
    assert len([t for t in compiled._templates.values() if t is not None]) == 1
    assert [p["display_name"] for p in hilltop[0][0]] == ["Hank"]
    assert [p["display_name"] for p in lakeside[0][0]] == ["Lena"]
    assert _pages(world.charlie, shaped=True) == hilltop


def test_a_shape_it_cannot_reuse_exactly_is_built_as_ever(world):
    """A search's value is rewritten on its way into the SQL (`%...%`), and a person's scope
    holds subqueries: neither is compiled ahead, and both still answer right."""
    _more_people(world)
    searched = _pages(world.charlie, shaped=True, search="an")
    assert [p["display_name"] for p in searched[0][0]] == ["Hank"]
    assert _pages(world.alice, shaped=True) == _pages(world.alice, shaped=False)
    assert all(t is None for t in compiled._templates.values())


def test_the_placeholders_never_reach_the_database(world):
    """Making a template compiles the query with placeholder values but runs it only with the
    request's own values."""
    scope_of(world.charlie)  # read before, as the token lookup does
    with CaptureQueriesContext(connection) as queries:
        _pages(world.charlie, shaped=True)
        _pages(world.charlie, shaped=True)
    assert len(queries.captured_queries) == 2
    assert not any("placeholder" in q["sql"] or "7300000" in q["sql"]
                   for q in queries.captured_queries)


def test_the_stand_in_actor_gives_its_people_filter_and_nothing_else(world):
    visible = scope_of(world.charlie).people_q()
    stand_in = stand_in_seeing(visible)
    assert scope_of(stand_in).people_q() is visible
    with pytest.raises(AttributeError):
        scope_of(stand_in).organizer_chapters  # noqa: B018
    with pytest.raises(AttributeError):
        stand_in.pk  # noqa: B018
    assert list(people_for(stand_in)) == list(people_for(world.charlie))


@pytest.mark.parametrize("value", [
    Q(id__in=Person.objects.all()), [1, 1], [1, "a"], [None], 1.5, object(),
])
def test_an_input_it_cannot_take_apart_has_no_shape(value):
    with pytest.raises(compiled._NotShaped):
        compiled._flatten(Q(id__in=value) if not isinstance(value, Q) else value, [])


def test_the_people_list_is_two_queries_for_an_organizer(world, client, token_for):
    """One for the token, its user and the start of their scope; one for the page."""
    auth = bearer(token_for("outsider"))
    client.get("/api/v1/people", **auth)  # notes the token's use; makes the template
    with CaptureQueriesContext(connection) as queries:
        r = client.get("/api/v1/people", **auth)
    assert r.status_code == 200 and [p["display_name"] for p in r.json()["items"]] == ["Hank"]
    assert len(queries.captured_queries) == 2
