"""The indexes the import and every sign-up write into: keys most rows leave empty are indexed
only where set, and no column has an index of its own that a longer index starting with it
already gives (netweave.core.models.set_only, core/migration_ops.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from netweave.core.models import Contribution
from netweave.networks.models import Membership
from netweave.people.models import ContactChannel, Person

pytestmark = pytest.mark.django_db

# (model, column): no index of that column alone, full or partial, but those named here.
COVERED = [
    (Person, "chapter_id"), (Contribution, "chapter_id"), (Contribution, "person_id"),
    (Contribution, "network_id"), (ContactChannel, "person_id"), (Membership, "person_id"),
]
SET_ONLY = [
    (Person, "referral_code_id", "pers_referral_code_set"),
    (Person, "brought_by_id", "pers_brought_by_set"),
    (Person, "source_network_id", "pers_source_network_set"),
    (Person, "source_event_id", "pers_source_event_set"),
    (Person, "source_outreach_id", "pers_source_outreach_set"),
    (Person, "followup_owner_id", "pers_followup_owner_set"),
    (Person, "followup_assigned_by_id", "pers_followup_assigned_by_set"),
    (Person, "discreet", "person_discreet_set"),
    (Contribution, "subject_person_id", "ledger_subject_person_set"),
    (Contribution, "subject_network_id", "ledger_subject_network_set"),
    (Contribution, "task_id", "ledger_task_set"),
    (Contribution, "event_id", "ledger_event_set"),
    (Contribution, "outreach_id", "ledger_outreach_set"),
    (Contribution, "campaign_id", "ledger_campaign_set"),
]


def _indexes(model: type) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: info["columns"] for name, info in found.items()
            if (info["index"] or info["unique"]) and not info["primary_key"]}


@pytest.mark.parametrize(("model", "column"), COVERED)
def test_a_column_that_leads_a_longer_index_has_none_of_its_own(model: type, column: str) -> None:
    indexes = _indexes(model)
    assert [name for name, columns in indexes.items() if columns == [column]] == []
    assert any(columns[0] == column and len(columns) > 1 for columns in indexes.values())


@pytest.mark.parametrize(("model", "column", "name"), SET_ONLY)
def test_a_mostly_empty_key_is_indexed_only_where_set(model: type, column: str, name: str
                                                      ) -> None:
    indexes = _indexes(model)
    assert [n for n, columns in indexes.items() if columns == [column]] == [name]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        definition = cursor.fetchone()[0]
    assert "WHERE" in definition.upper()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan names the index")
def test_a_lookup_by_a_set_only_key_reads_its_index() -> None:
    """`source_event_id = 7` implies the index's `IS NOT NULL`: the planner uses it (on
    PostgreSQL too, which proves the same; an empty test table is scanned there instead)."""
    query = Person.objects.filter(source_event_id=7)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)  # noqa: S608  # nosec B608
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "pers_source_event_set" in plan
