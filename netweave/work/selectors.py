"""Every read about work, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.scope import scope_of
from netweave.work import matching
from netweave.work.models import Playbook, Task

OPEN = [Task.Status.OFFERED, Task.Status.ACCEPTED]


def tasks_for(
    actor: Any, *, status: str = "", open_only: bool = False, person: Any = None,
    network: Any = None, chapter_id: int | None = None,
) -> QuerySet[Task]:
    qs = Task.objects.filter(scope_of(actor).tasks_q()).select_related(
        "playbook", "person", "network"
    )
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN)
    if person is not None:
        qs = qs.filter(person=person)
    if network is not None:
        qs = qs.filter(network=network)
    return qs.distinct().order_by("due_on", "-offered_at")


def my_tasks(actor: Any) -> QuerySet[Task]:
    """The member's own short list: open tasks given to them or to their networks."""
    scope = scope_of(actor)
    if scope.person is None:
        return Task.objects.none()
    mine = Q(person=scope.person) | Q(network_id__in=scope.member_networks)
    return (
        Task.objects.filter(mine, status__in=OPEN)
        .select_related("playbook", "network", "person")
        .order_by("due_on", "-offered_at")
    )


def overdue_tasks_for(actor: Any, *, limit: int = 20) -> QuerySet[Task]:
    return tasks_for(actor, open_only=True).filter(due_on__lt=timezone.localdate())[:limit]


def playbooks_for(actor: Any, *, setting: str = "", max_minutes: int | None = None,
                  discreet_only: bool = False) -> QuerySet[Playbook]:
    scope = scope_of(actor)
    chapters = set(scope.organizer_chapters)
    if scope.person is not None:
        chapters.add(scope.person.chapter_id)
    qs = Playbook.objects.filter(active=True)
    if not scope.is_admin:
        qs = qs.filter(Q(chapter__isnull=True) | Q(chapter_id__in=chapters))
    if setting:
        qs = qs.filter(setting=setting)
    if max_minutes:
        qs = qs.filter(minutes__lte=max_minutes)
    if discreet_only:
        qs = qs.filter(discreet_safe=True)
    return qs.order_by("minutes", "title")


# --- Pages ------------------------------------------------------------------------------------


def assignable_people_for(actor: Any) -> QuerySet[Any]:
    """People the actor may give work to (work.services._may_assign): everyone in the chapters
    they organize, the members of networks they convene, and themselves. Discreet people stay
    with organizers: only the people the actor may see are offered."""
    from netweave.networks.models import Membership
    from netweave.people.models import Person

    scope = scope_of(actor)
    people = Person.objects.filter(scope.people_q())
    if not scope.is_admin:
        allowed = Q(chapter_id__in=scope.organizer_chapters)
        if scope.person is not None:
            convened = Membership.objects.filter(
                network_id__in=scope.convened_networks, left_on__isnull=True
            ).values("person_id")
            allowed |= Q(id=scope.person.id) | Q(id__in=convened)
        people = people.filter(allowed)
    return people.order_by("display_name", "id")


def assignable_networks_for(actor: Any) -> QuerySet[Any]:
    """Networks the actor may give work to: the chapter's, for organizers; their own, for
    conveners. Dissolved networks take no new work."""
    from netweave.networks.models import Network

    scope = scope_of(actor)
    networks = Network.objects.exclude(status=Network.Status.DISSOLVED)
    if not scope.is_admin:
        networks = networks.filter(
            Q(chapter_id__in=scope.organizer_chapters) | Q(id__in=scope.convened_networks)
        )
    return networks.order_by("name", "id")


@dataclass
class AssignmentTarget:
    playbook: Playbook | None = None
    person: Any = None
    network: Any = None


def assignment_target(
    actor: Any, *, playbook_id: str = "", person_id: str = "", network_id: str = "",
) -> AssignmentTarget:
    """What `/tasks/new/?playbook=…&person=…|network=…` names, checked the way access functions
    check: 404 for rows the actor may not see, 403 for an assignee they may not give work to."""
    from netweave.core.access import require
    from netweave.networks.access import access_network
    from netweave.people.access import access_person
    from netweave.work.access import access_playbook
    from netweave.work.services import may_assign

    target = AssignmentTarget(
        playbook=access_playbook(actor, playbook_id) if playbook_id else None,
        person=access_person(actor, person_id) if person_id else None,
        network=access_network(actor, network_id) if network_id else None,
    )
    require(may_assign(actor, person=target.person, network=target.network))
    return target


def label_assignees(actor: Any, tasks: Iterable[Task]) -> list[Task]:
    """Set `assignee_label` and `assignee_url` on each task. A discreet person's name is shown
    to organizers and to themselves only; a convener coaching them sees that the task exists."""
    scope = scope_of(actor)
    me = scope.person.id if scope.person is not None else None
    rows = list(tasks)
    for task in rows:
        person = task.person
        if person is None:
            task.assignee_label = task.network.name  # type: ignore[attr-defined,union-attr]
            task.assignee_url = f"/networks/{task.network.public_id}/"  # type: ignore[attr-defined,union-attr]
        elif not person.discreet or person.id == me or scope.organizes(task.chapter_id):
            task.assignee_label = person.display_name  # type: ignore[attr-defined]
            task.assignee_url = f"/people/{person.public_id}/"  # type: ignore[attr-defined]
        else:
            task.assignee_label = _("a member who keeps a low profile")  # type: ignore[attr-defined]
            task.assignee_url = ""  # type: ignore[attr-defined]
    return rows


@dataclass
class TaskPage:
    """The task page: its steps with their ticks, what to report, and whether the actor may
    work on it (tick, accept, report, drop)."""

    task: Task
    steps: list[tuple[int, str, bool]]
    report: list[tuple[str, str, Any]]
    may_work: bool
    assignee_label: str = ""
    assignee_url: str = ""
    report_labels: list[tuple[str, str]] = field(default_factory=list)


def task_page(actor: Any, task: Task) -> TaskPage:
    """For a task `access_task` already let the actor see."""
    from netweave.work.services import may_work_on

    playbook = with_text([task.playbook])[0]
    texts = playbook.text["steps"]  # type: ignore[attr-defined]
    if len(texts) != len(playbook.steps):  # a stale translation must not shift the ticks
        texts = playbook.steps
    done = set(task.steps_done)
    labels = playbook.report_labels()
    label_assignees(actor, [task])
    return TaskPage(
        task=task,
        steps=[(i, text, i in done) for i, text in enumerate(texts)],
        report=[(key, label, task.report.get(key)) for key, label in labels],
        may_work=may_work_on(scope_of(actor), task),
        assignee_label=task.assignee_label,  # type: ignore[attr-defined]
        assignee_url=task.assignee_url,  # type: ignore[attr-defined]
        report_labels=labels,
    )


def with_text(playbooks: Iterable[Playbook]) -> list[Playbook]:
    """Set `text` on each playbook: its title, summary, steps and what to prepare in the active
    language (templates cannot call `localized(field)` with an argument)."""
    rows = list(playbooks)
    for playbook in rows:
        playbook.text = {  # type: ignore[attr-defined]
            name: playbook.localized(name) for name in ("title", "summary", "steps", "prepare")
        }
        playbook.text["report_labels"] = [label for _key, label in playbook.report_labels()]  # type: ignore[attr-defined]
    return rows


# --- Matching: suggestions for a person (work/matching.py holds the rules) ------------------


def _near(place: Any) -> frozenset[int]:
    """A place and the place it sits in: a neighbourhood is near its city and its siblings'
    networks that meet city-wide."""
    if place is None:
        return frozenset()
    return frozenset(i for i in (place.id, place.parent_id) if i is not None)


def situation_of(person: Any, place: Any = None) -> matching.Situation:
    """The matching values of a person. `place` is their place, fetched by the caller (the
    dashboard fetches everyone's places in one query)."""
    place = place if place is not None else (person.place if person.place_id else None)
    return matching.Situation(
        minutes=matching.minutes_a_week(person.hours_per_week),
        constraints=frozenset(person.constraints or []),
        languages=frozenset(matching.language_code(v) for v in person.languages or [] if v),
        interests=matching.interest_kinds(person.interests or []),
        discreet=person.discreet, visibility=person.visibility, stage=person.stage,
        place_id=person.place_id, near_place_ids=_near(place),
        place_name=place.name if place is not None else "",
        place_kind=place.kind if place is not None else "",
        social_grouping=person.social_grouping,
    )


def work_of(playbook: Playbook) -> matching.Work:
    """The matching values of a playbook (`builds_toward` selected with it). The starter
    catalog is written in English with its translations; a chapter's own playbooks carry no
    language, so language neither helps nor hurts them."""
    translated = {lang for lang, text in playbook.translations.items() if text.get("title")}
    languages = frozenset({"en"} | translated) if playbook.chapter_id is None else frozenset()
    return matching.Work(
        minutes=playbook.minutes, setting=playbook.setting, visibility=playbook.visibility,
        discreet_safe=playbook.discreet_safe, suitable_for=frozenset(playbook.suitable_for or []),
        kind=playbook.builds_toward.slug if playbook.builds_toward_id else "",  # type: ignore[union-attr]
        min_stage=playbook.min_stage, languages=languages, item=playbook,
    )


def _catalog(chapter_ids: Iterable[int]) -> list[Playbook]:
    """The active playbooks the people's chapters may use. Without their text: ranking needs
    none, and only the few suggested get it (with_text), not the whole catalog each time."""
    return list(Playbook.objects.filter(
        Q(chapter__isnull=True) | Q(chapter_id__in=set(chapter_ids)), active=True
    ).select_related("builds_toward").order_by("minutes", "title", "id"))


def _openings(actor: Any, chapter_ids: Iterable[int]) -> dict[int, list[matching.Opening]]:
    """Open networks per chapter, among those the actor may see: a member sees only their own
    networks (which they are in already), so network suggestions are the organizers' tool."""
    from netweave.networks.models import Membership, Network

    networks = list(
        Network.objects.filter(scope_of(actor).networks_q())
        .filter(chapter_id__in=set(chapter_ids), status__in=matching.NETWORK_STATUSES)
        .select_related("kind", "place").order_by("name", "id")
    )
    members: dict[int, set[int]] = {n.id: set() for n in networks}
    languages: dict[int, set[str]] = {n.id: set() for n in networks}
    rows = Membership.objects.filter(network_id__in=members, left_on__isnull=True).values_list(
        "network_id", "person_id", "person__languages"
    )
    for network_id, person_id, spoken in rows:
        members[network_id].add(person_id)
        languages[network_id].update(matching.language_code(v) for v in spoken or [] if v)
    by_chapter: dict[int, list[matching.Opening]] = {}
    for n in networks:
        by_chapter.setdefault(n.chapter_id, []).append(matching.Opening(
            kind=n.kind.slug, status=n.status, place_id=n.place_id, near_place_ids=_near(n.place),
            place_name=n.place.name if n.place else "", place_kind=n.place.kind if n.place else "",
            social_grouping=n.social_grouping, member_languages=frozenset(languages[n.id]),
            member_ids=frozenset(members[n.id]), item=n,
        ))
    return by_chapter


def _open_playbooks(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """The playbooks each person already has on their list: not suggested again."""
    taken: dict[int, set[int]] = {}
    rows = Task.objects.filter(person_id__in=set(person_ids), status__in=OPEN).values_list(
        "person_id", "playbook_id"
    )
    for person_id, playbook_id in rows:
        taken.setdefault(person_id, set()).add(playbook_id)
    return taken


def _places_of(people: list[Any]) -> dict[int | None, Any]:
    """Each person's place: the one already loaded with them (the dashboard's lists select it),
    else all the missing ones in one query."""
    from netweave.core.models import Place
    from netweave.people.models import Person

    field = Person._meta.get_field("place")
    loaded = {p.place_id: p.place for p in people if p.place_id and field.is_cached(p)}
    missing = {p.place_id for p in people if p.place_id and p.place_id not in loaded}
    return {**loaded, **(Place.objects.in_bulk(missing) if missing else {})}


@dataclass
class Suggestions:
    """What fits one person: playbooks and networks, best first, each with its reasons."""

    person: Any
    playbooks: list[matching.Match] = field(default_factory=list)
    networks: list[matching.Match] = field(default_factory=list)
    may_offer: bool = False  # the viewer may give this person work (one-click "offer this")
    is_self: bool = False  # the viewer is this person ("take it on")
    may_edit: bool = False  # the viewer may change their situation (organizer, or themselves)


def suggestions_for_people(
    actor: Any, people: Iterable[Any], *, playbooks: int = 2, networks: int = 0,
) -> dict[int, Suggestions]:
    """Suggestions for many people at once, in a fixed number of queries whatever their number
    (the organizer's dashboard). People the actor may not see get none."""
    from netweave.people.models import Person

    rows = list(people)
    scope = scope_of(actor)
    me = scope.person.id if scope.person is not None else None
    if rows and me is not None and all(p.id == me for p in rows):
        visible = {me}  # the member's own home page: everyone may see themselves
    else:
        visible = set(Person.objects.filter(scope.people_q(), id__in=[p.id for p in rows])
                      .values_list("id", flat=True)) if rows else set()
    rows = [p for p in rows if p.id in visible]
    if not rows:
        return {}
    chapters = {p.chapter_id for p in rows}
    places = _places_of(rows)
    catalog = _catalog(chapters)
    taken = _open_playbooks(visible)
    openings = _openings(actor, chapters) if networks else {}
    works_of = {p.id: work_of(p) for p in catalog}
    result: dict[int, Suggestions] = {}
    for person in rows:
        who = situation_of(person, places.get(person.place_id))
        mine = taken.get(person.id, set())
        works = (works_of[p.id] for p in catalog
                 if p.id not in mine and p.chapter_id in (None, person.chapter_id))
        result[person.id] = Suggestions(
            person=person,
            playbooks=matching.rank_playbooks(who, works, limit=playbooks),
            networks=matching.rank_networks(who, openings.get(person.chapter_id, []),
                                            person_id=person.id, limit=networks),
            may_offer=scope.organizes(person.chapter_id) and person.id != me,
            is_self=person.id == me,
            may_edit=scope.organizes(person.chapter_id) or person.id == me,
        )
    with_text({m.item.id: m.item for s in result.values() for m in s.playbooks}.values())
    return result


def suggestions_for(actor: Any, person: Any, *, playbooks: int = 5,
                    networks: int = 3) -> Suggestions:
    """Suggestions for one person the actor may see (the person page, the member's home)."""
    from netweave.work.services import may_assign

    found = suggestions_for_people(actor, [person], playbooks=playbooks, networks=networks)
    suggestions = found.get(person.id) or Suggestions(person=person)
    if person.id in found and not suggestions.is_self:
        # Conveners may give work to the members of their networks too.
        suggestions.may_offer = may_assign(actor, person=person)
    return suggestions


FIRST_TASKS_PEOPLE = 10


def first_tasks_for(actor: Any, people: Iterable[Any], *, per_person: int = 2,
                    ) -> list[Suggestions]:
    """The organizer's dashboard: a couple of first tasks beside each new sign-up and
    follow-up (each person once, in the order given), in a fixed number of queries."""
    rows = list({p.id: p for p in people}.values())[:FIRST_TASKS_PEOPLE]
    found = suggestions_for_people(actor, rows, playbooks=per_person)
    return [found[p.id] for p in rows if p.id in found]


def my_suggestions(actor: Any, *, limit: int = 3) -> Suggestions | None:
    """"What you could do this week" on a member's home: their own matches."""
    person = scope_of(actor).person
    if person is None:
        return None
    return suggestions_for(actor, person, playbooks=limit, networks=0)
