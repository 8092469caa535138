"""Work and follow-up: tasks from the starter playbooks in every state, and where each
person's follow-up stands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from netweave.demo import data
from netweave.demo.plan import ChapterPlan, K, Net, Plan
from netweave.networks.models import Membership, Network
from netweave.people.models import FollowUp, Person, Stage
from netweave.work import matching
from netweave.work.models import Playbook, Task
from netweave.work.selectors import situation_of, work_of

S = Task.Status
OPEN_FOLLOWUPS = (FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET)
# How tasks offered a while ago ended up; recent ones are mostly still open.
OLD_ODDS = {S.REPORTED: 75, S.DONE: 8, S.DROPPED: 12, S.ACCEPTED: 5}
RECENT_ODDS = {S.REPORTED: 40, S.ACCEPTED: 35, S.OFFERED: 15, S.DROPPED: 10}
NEW_ODDS = {S.OFFERED: 55, S.ACCEPTED: 35, S.REPORTED: 10}


def fits(playbook: Playbook, person: Person, plan: Plan) -> bool:
    """The work suits the person's situation: work/matching.py's hard rules, the very ones the
    suggestions and one-click offers apply, so the demo never shows work they would refuse."""
    who = replace(situation_of(person, getattr(person, "place", None)),
                  stage=_stage_so_far(plan, person))
    return matching.playbook_fits(who, work_of(playbook))


def _stage_so_far(plan: Plan, person: Person) -> str:
    """The ladder stage the plan has reached for them (rows get their real stage when written):
    enough for the matcher's stage rule."""
    memberships = plan.memberships_of.get(id(person), [])
    if any(m.role == Membership.Role.CONVENER for m in memberships):
        return Stage.CONVENER
    if memberships:
        return Stage.ORGANIZED
    return Stage.PARTICIPANT if plan.tasks_done.get(id(person)) else Stage.CONTACT


def assign(plan: Plan, cp: ChapterPlan, playbook: Playbook, offered: datetime, *,
           person: Person | None = None, net: Net | None = None, doer: Person | None = None,
           status: str = "") -> Task:
    """A task, its history up to now, and the ledger entries `task_accept`/`task_report` write."""
    rng = plan.rng
    status = status or _status_for(plan, offered)
    accepted = done = reported = None
    if status in (S.ACCEPTED, S.DONE, S.REPORTED) or (status == S.DROPPED and plan.chance(0.5)):
        accepted = min(offered + timedelta(days=rng.uniform(0.1, 2)), plan.ago(0.02))
    if status in (S.DONE, S.REPORTED):
        assert accepted is not None
        done = min(accepted + timedelta(days=rng.uniform(0.5, 7)), plan.ago(0.01))
        reported = done if status == S.REPORTED else None
    report = {}
    if status == S.REPORTED:
        report = {f["key"]: rng.randint(*data.REPORT_RANGES.get(f["key"], (1, 10)))
                  for f in playbook.report_fields}
    steps = len(playbook.steps)
    row = Task(
        chapter=cp.row, playbook=playbook, person=person, network=net.row if net else None,
        status=status, offered_at=offered, accepted_at=accepted, done_at=done,
        reported_at=reported, report=report, assigned_by=cp.organizer,
        due_on=(offered + timedelta(days=rng.randint(5, 14))).date(),
        steps_done=list(range(steps if done else rng.randint(0, steps - 1) if accepted else 0)),
        report_note=rng.choice(data.DROP_REASONS) if status == S.DROPPED else "",
    )
    plan.tasks.append(row)
    who = person or doer
    network = net.row if net else None
    if accepted is not None:
        plan.entry(cp, K.TASK_ACCEPTED, accepted, person=who, network=network, task=row)
    if done is not None:
        plan.entry(cp, K.TASK_DONE, done, person=who, network=network, task=row,
                   data={"report": report, "playbook": playbook.slug})
        if person is not None:
            plan.tasks_done[id(person)] = plan.tasks_done.get(id(person), 0) + 1
    return row


def _status_for(plan: Plan, offered: datetime) -> str:
    age = (plan.now - offered).days
    odds = OLD_ODDS if age > 21 else RECENT_ODDS if age > 7 else NEW_ODDS
    return plan.rng.choices(list(odds), weights=list(odds.values()))[0]


def tasks(plan: Plan, cp: ChapterPlan) -> None:
    """Work for networks, for their members, and for people in no network."""
    for net in cp.nets:
        _network_tasks(plan, cp, net)
        if net.parent is not None and net.convener is not None:
            # Seeding is itself a piece of work, from the catalog.
            offered = max(net.start - timedelta(days=9), net.convener.joined_at)
            assign(plan, cp, plan.playbooks["form-a-network"], offered, person=net.convener,
                   status=S.REPORTED)
    for membership in [m for n in cp.nets for m in n.memberships]:
        if membership.role == Membership.Role.MEMBER and plan.chance(0.5):
            until = datetime.combine(membership.left_on, datetime.min.time(),
                                     plan.now.tzinfo) if membership.left_on else plan.now
            personal_task(plan, cp, membership.person, plan.between(
                membership.person.joined_at + timedelta(days=2), until))
    _outside_networks(plan, cp)


def _network_tasks(plan: Plan, cp: ChapterPlan, net: Net) -> None:
    """Work given to the whole network, about once a month while it is alive."""
    rng = plan.rng
    kind = net.row.kind
    options = [p for p in plan.playbooks.values() if p.builds_toward_id == kind.pk]
    options += [plan.playbooks[s] for s in data.KIND_PLAYBOOKS.get(kind.slug, [])]
    when, end = net.start + timedelta(days=rng.uniform(3, 15)), net.end or plan.now
    while when < end:
        doer = rng.choice(net.current(when) or [net.convener])
        assign(plan, cp, rng.choice(options), when, net=net, doer=doer)
        when += timedelta(days=rng.uniform(20, 45))


def personal_task(plan: Plan, cp: ChapterPlan, person: Person, offered: datetime,
                   status: str = "") -> None:
    fitting = [p for p in plan.playbooks.values() if fits(p, person, plan)]
    if fitting and offered < plan.now:
        assign(plan, cp, plan.rng.choice(fitting), offered, person=person, status=status)


def _outside_networks(plan: Plan, cp: ChapterPlan) -> None:
    """People in no network: a few regular volunteers, some one-off helpers, and first tasks
    offered to newcomers."""
    rng = plan.rng
    outside = [p for p in cp.people if not plan.in_network(p) and plan.reachable[id(p)]]
    settled = [p for p in outside if p.joined_at < plan.ago(20)]
    volunteers = rng.sample(settled, min(len(settled), max(2, round(len(settled) * 0.06))))
    for person in volunteers:
        for _ in range(rng.randint(3, 4)):
            offered = plan.between(max(person.joined_at, plan.ago(80)), plan.ago(3))
            personal_task(plan, cp, person, offered, status=S.REPORTED)
    helpers = [p for p in settled if all(v is not p for v in volunteers)]
    for n, person in enumerate(rng.sample(helpers, min(len(helpers),
                                                       max(2, round(len(helpers) * 0.12))))):
        offered = plan.between(person.joined_at, plan.ago(3))
        personal_task(plan, cp, person, offered, status=S.REPORTED if n == 0 else "")
    for person in outside:
        if person.joined_at > plan.ago(21) and plan.chance(0.4):
            offered = min(person.joined_at + timedelta(days=rng.uniform(1, 4)), plan.ago(0.1))
            personal_task(plan, cp, person, offered, status=rng.choice([S.OFFERED, S.ACCEPTED]))


# --- follow-up -------------------------------------------------------------------------------


def followups(plan: Plan, cp: ChapterPlan) -> None:
    """Where each person's follow-up stands, and the FOLLOWED_UP entries that got it there.

    Hilltop's core cannot keep up, so more of its contacts are still waiting, overdue.
    """
    states: list[str] = []
    by_chance: list[int] = []
    for person in cp.people:
        state = _followup_of(plan, person)
        if state is None:
            by_chance.append(len(states))
            state = _chance_state(plan, person, stuck=cp.growth == "incremental")
        states.append(state)
    for wanted in (*OPEN_FOLLOWUPS, FollowUp.NOT_NOW, FollowUp.DO_NOT_CONTACT):
        # Even a small chapter shows every state: one left to chance is moved, if its own
        # state has others in it.
        held = Counter(states)
        spare = [i for i in by_chance if held[states[i]] > 1]
        if wanted not in held and spare:
            states[plan.rng.choice(spare)] = wanted
    for person, state in zip(cp.people, states, strict=True):
        _set_followup(plan, cp, person, state)


def _followup_of(plan: Plan, person: Person) -> str | None:
    """The state that follows from what the person did; None where chance decides."""
    memberships = plan.memberships_of.get(id(person), [])
    if memberships:
        gone = all(m.left_on is not None for m in memberships)
        return FollowUp.NOT_NOW if gone and plan.chance(0.4) else FollowUp.IN_NETWORK
    if plan.tasks_done.get(id(person)):
        return FollowUp.FIRST_TASK
    if not plan.reachable[id(person)]:
        return FollowUp.DO_NOT_CONTACT
    return None


def _chance_state(plan: Plan, person: Person, *, stuck: bool) -> str:
    if person.joined_at > plan.ago(14):
        odds = {FollowUp.NEW: 65, FollowUp.CONTACTED: 35}
    elif stuck:
        odds = {FollowUp.NEW: 30, FollowUp.CONTACTED: 25, FollowUp.MET: 15,
                FollowUp.NOT_NOW: 25, FollowUp.DO_NOT_CONTACT: 5}
    else:
        odds = {FollowUp.NEW: 8, FollowUp.CONTACTED: 27, FollowUp.MET: 25,
                FollowUp.NOT_NOW: 35, FollowUp.DO_NOT_CONTACT: 5}
    return plan.rng.choices(list(odds), weights=list(odds.values()))[0]


def _set_followup(plan: Plan, cp: ChapterPlan, person: Person, status: str) -> None:
    rng = plan.rng
    person.followup_owner = _owner(plan, cp, person)
    person.followup_status = status
    person.followup_due = None
    if status == FollowUp.NEW:
        person.followup_due = (person.joined_at + timedelta(days=3)).date()
    elif status in OPEN_FOLLOWUPS:
        person.followup_due = plan.today + timedelta(days=rng.randint(-12, 12))
    if person in cp.core or status == FollowUp.NEW:
        return
    if status == FollowUp.DO_NOT_CONTACT and not plan.reachable[id(person)]:
        return  # they said so when signing up: nobody had to ask
    steps: list[tuple[str, str]] = [(FollowUp.NEW, FollowUp.CONTACTED)]
    if status in (FollowUp.MET, FollowUp.NOT_NOW):
        steps.append((FollowUp.CONTACTED, status))
    elif status == FollowUp.DO_NOT_CONTACT:
        steps = [(FollowUp.NEW, status)]
    when = person.joined_at
    actor = person.followup_owner
    for before, after in steps:
        when = min(when + timedelta(days=rng.uniform(0.5, 6)), plan.ago(0.05))
        plan.entry(cp, K.FOLLOWED_UP, when, person=plan.person_of_user.get(id(actor)),
                   subject_person=person, recorded_by=actor, data={"from": before, "to": after})


def _owner(plan: Plan, cp: ChapterPlan, person: Person) -> Any:
    """As `people.services._default_owner`: whoever brought them in, if they have an account,
    else a convener with an account of the network that did; else the organizer."""
    source = plan.sources.get(id(person), {})
    bringer = source.get("brought_by")
    if bringer is not None and bringer.user is not None:
        return bringer.user
    network: Network | None = source.get("source_network")
    if network is not None:
        for net in cp.nets:
            if net.row is network and net.convener is not None and net.convener.user is not None:
                return net.convener.user
    return cp.organizer
