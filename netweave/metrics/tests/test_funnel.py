from datetime import date

import pytest

from netweave.metrics.funnel import followup_funnel
from netweave.metrics.tests.helpers import AS_OF, K, chapter, entry, person
from netweave.outreach.models import ReferralCode
from netweave.people.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    ch = chapter()
    organizer = person(ch, "org")  # joined 2024-01-01: before the cohort
    a = person(ch, "a", date(2025, 1, 1), source=Source.REFERRAL)
    entry(ch, K.FOLLOWED_UP, date(2025, 1, 3), person=organizer, subject_person=a,
          data={"from": "new", "to": "contacted"})
    entry(ch, K.TASK_DONE, date(2025, 1, 11), person=a)
    entry(ch, K.TASK_DONE, date(2025, 1, 30), person=a)  # only the first one counts
    entry(ch, K.NETWORK_JOINED, date(2025, 1, 21), person=a)
    entry(ch, K.NETWORK_CONVENED, date(2025, 3, 1), person=a)
    b = person(ch, "b", date(2025, 2, 1), source=Source.REFERRAL)
    entry(ch, K.FOLLOWED_UP, date(2025, 2, 2), person=organizer, subject_person=b,
          data={"from": "new", "to": "not_now"})  # not a contact
    entry(ch, K.TASK_DONE, date(2025, 2, 5), person=b)  # contacted through a later step
    c = person(ch, "c", date(2025, 3, 1), source=Source.EVENT)
    entry(ch, K.FOLLOWED_UP, date(2025, 3, 3), person=organizer, subject_person=c,
          data={"from": "new", "to": "met"})
    person(ch, "d", date(2025, 4, 1), source=Source.EVENT)
    old = person(ch, "e", date(2023, 1, 1))  # outside the cohort
    entry(ch, K.TASK_DONE, date(2025, 1, 1), person=old)
    entry(ch, K.TASK_DONE, date(2025, 7, 1), person=c)  # after as_of
    return ch, organizer, a


def steps(rows):
    return [(s.step, s.people, s.conversion, s.median_days) for s in rows]


def test_funnel_counts_people_converts_between_steps_and_takes_median_days(cohort):
    ch, _, _ = cohort
    result = followup_funnel([ch.id], AS_OF)
    assert steps(result.total) == [
        ("signed_up", 4, None, 0.0),
        ("contacted", 3, 0.75, 2.0),  # a: 2 days, b: 4 (task), c: 2
        ("first_task", 2, pytest.approx(2 / 3), 7.0),  # a: 10, b: 4
        ("in_network", 1, 0.5, 20.0),
        ("convening", 1, 1.0, 59.0),
    ]


def test_funnel_groups_by_source(cohort):
    ch, _, _ = cohort
    groups = followup_funnel([ch.id], AS_OF).groups
    assert sorted(groups) == ["event", "referral"]
    assert steps(groups["referral"])[:3] == [
        ("signed_up", 2, None, 0.0), ("contacted", 2, 1.0, 3.0), ("first_task", 2, 1.0, 7.0),
    ]
    assert steps(groups["event"]) == [
        ("signed_up", 2, None, 0.0), ("contacted", 1, 0.5, 2.0), ("first_task", 0, 0.0, None),
        ("in_network", 0, None, None), ("convening", 0, None, None),
    ]


def test_funnel_groups_by_the_kind_of_referral_code_owner(cohort):
    ch, organizer, a = cohort
    a.referral_code = ReferralCode.objects.create(chapter=ch, person=organizer)
    a.save()
    groups = followup_funnel([ch.id], AS_OF, group_by="code_owner").groups
    assert {g: rows[0].people for g, rows in groups.items()} == {"none": 3, "person": 1}
    assert groups["person"][-1].people == 1
