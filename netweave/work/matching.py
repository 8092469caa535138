"""Matching: which playbooks and which networks fit a person, best first, and why.

Pure logic over plain values (`Situation`, `Work`, `Opening`), so the rules can be read in one
place, tested with hypothesis over random people and random work, and used by any front door.
The selectors in work/selectors.py turn rows into these values (a fixed number of queries).

The rules, in the order they are checked (docs/ways-in.md has them as a table):

Hard rules: work that breaks one of them is never suggested.
1. Time: the work's minutes fit in the person's hours a week (hours x 60).
2. Public-facing: the work's visibility is at most the person's (0 behind the scenes, 1 with
   people they know, 2 in public).
3. Discreet: a discreet person gets only work marked safe for discreet people (not traceable).
4. Constraints: each constraint rules out some settings (and full-time work rules out long
   pieces), unless the playbook lists that constraint in `suitable_for` (the chapter vouches that
   this work was cut to fit it). The table is `BLOCKED_SETTINGS` below.
5. Stage: the person is at least at the playbook's `min_stage` on the ladder.

Networks (open ones the person could join) have their own hard rules: forming or active, not
already a member, at least `NETWORK_MINUTES` a week free, the kind's public-facing level at most
the person's; discreet people only kinds in `DISCREET_SAFE_KINDS`; online-only people only
online networks; people without transport only networks at or next to their own place.

Everything else only changes the order, and each thing that helped becomes a reason shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# --- the vocabulary (kept here so the rules have one home) -----------------------------------

STAGES = ("contact", "participant", "contributor", "organized", "convener", "builder")
SETTINGS = ("online", "home", "public", "school_work")
CONSTRAINTS = (
    "full_time_work", "caregiving", "health", "no_transport", "online_only", "controlling_home",
)

# A constraint rules out these settings unless the playbook lists the constraint in
# `suitable_for`.
BLOCKED_SETTINGS: dict[str, frozenset[str]] = {
    "online_only": frozenset({"home", "public", "school_work"}),
    "no_transport": frozenset({"public", "school_work"}),
    "health": frozenset({"public"}),
    "caregiving": frozenset({"public", "school_work"}),
    "controlling_home": frozenset({"home"}),
    "full_time_work": frozenset(),
}
# Someone who works full time gets pieces they can finish in one evening, unless listed.
FULL_TIME_MAX_MINUTES = 90

# Joining a network means meeting and doing its work: about an hour a week at least.
NETWORK_MINUTES = 60
NETWORK_STATUSES = ("forming", "active")
# How public-facing the work of each built-in network kind is (0, 1, 2, as Person.visibility).
# Kinds a chapter adds count as 1 (with people you know) and are not discreet-safe.
KIND_VISIBILITY = {
    "distribution": 2, "postering": 2, "promotion": 2, "discussion": 0, "school_table": 2,
    "showing_hosts": 1, "fundraising": 1, "protest": 2, "online": 1,
}
DEFAULT_KIND_VISIBILITY = 1
# A discreet person is suggested only networks that meet in private and leave no public trace:
# a study circle. Its members never see a discreet person's name (core/scope.py).
DISCREET_SAFE_KINDS = frozenset({"discussion"})

# Interests are network kind slugs (what the situation form offers). Older data holds words;
# these are the kinds each word points to.
INTEREST_ALIASES: dict[str, tuple[str, ...]] = {
    "film": ("showing_hosts", "promotion"), "films": ("showing_hosts", "promotion"),
    "clips": ("online",), "reading": ("discussion",), "study": ("discussion",),
    "food": ("fundraising",), "schools": ("school_table",), "school": ("school_table",),
    "workplace": ("protest",), "art": ("postering",), "music": ("promotion",),
    "housing": ("distribution",),
}

# Language names people type, to the codes the catalog's translations use.
LANGUAGE_CODES = {
    "en": "en", "english": "en", "inglés": "en", "ingles": "en",
    "es": "es", "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
}
LANGUAGE_NAMES = {"en": _("English"), "es": _("Spanish")}


def language_code(value: str) -> str:
    text = value.strip().lower()
    return LANGUAGE_CODES.get(text, text[:2] if len(text) == 2 else text)


def interest_kinds(values: Iterable[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for value in values:
        text = str(value).strip().lower()
        kinds.update(INTEREST_ALIASES.get(text, (text,)))
    return frozenset(kinds)


def minutes_a_week(hours_per_week: Decimal | float | int | str) -> int:
    """Whole minutes; Decimal so that 0.2 hours is 12 minutes, not 11.999."""
    return int(Decimal(str(hours_per_week)) * 60)


def stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else 0


# --- the values matched ------------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """What matters about a person for matching."""

    minutes: int
    constraints: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    discreet: bool = False
    visibility: int = 1
    stage: str = "contact"
    place_id: int | None = None
    # The person's place and the place it sits in (a neighbourhood's city): "near you".
    near_place_ids: frozenset[int] = frozenset()
    place_name: str = ""
    place_kind: str = ""
    social_grouping: str = ""


@dataclass(frozen=True)
class Work:
    """What matters about a playbook for matching. `item` is the playbook itself."""

    minutes: int
    setting: str
    visibility: int
    discreet_safe: bool
    suitable_for: frozenset[str] = frozenset()
    kind: str = ""
    min_stage: str = "contact"
    languages: frozenset[str] = frozenset({"en"})
    item: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Opening:
    """An open network the person could join. `item` is the network itself."""

    kind: str
    status: str
    place_id: int | None = None
    near_place_ids: frozenset[int] = frozenset()
    place_name: str = ""
    place_kind: str = ""
    social_grouping: str = ""
    member_languages: frozenset[str] = frozenset()
    member_ids: frozenset[int] = frozenset()
    item: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Reason:
    """Why something fits: a code for tests and the sentence shown (translated lazily)."""

    code: str
    text: Any

    def __str__(self) -> str:
        return str(self.text)


@dataclass
class Match:
    item: Any
    score: int
    reasons: list[Reason]

    @property
    def headline(self) -> Reason | None:
        """The most telling reason, for a compact list: anything beyond "fits your time"."""
        return next((r for r in self.reasons if r.code != "time"),
                    self.reasons[0] if self.reasons else None)


# What each refusal means, for the message when an offer is refused.
REFUSALS = {
    "time": _("it takes more time than they have in a week"),
    "visibility": _("it is more public-facing than they want to be"),
    "discreet": _("it is not safe for someone who must stay discreet"),
    "stage": _("it is meant for people further along"),
    "full_time_work": _("it is too long for someone working full time"),
    "caregiving": _("it takes them away from home and the people they care for"),
    "health": _("it is out in public, hard with their health"),
    "no_transport": _("it needs transport"),
    "online_only": _("it is not online"),
    "controlling_home": _("it happens at home, where they can't be open"),
}


# --- hard rules --------------------------------------------------------------------------------


def playbook_refusal(who: Situation, work: Work) -> str:
    """The first hard rule the work breaks for this person ("" when none does)."""
    if work.minutes > who.minutes:
        return "time"
    if work.visibility > who.visibility:
        return "visibility"
    if who.discreet and not work.discreet_safe:
        return "discreet"
    for constraint in sorted(who.constraints - work.suitable_for):
        if work.setting in BLOCKED_SETTINGS.get(constraint, frozenset()):
            return constraint
        if constraint == "full_time_work" and work.minutes > FULL_TIME_MAX_MINUTES:
            return constraint
    if stage_rank(who.stage) < stage_rank(work.min_stage):
        return "stage"
    return ""


def playbook_fits(who: Situation, work: Work) -> bool:
    return playbook_refusal(who, work) == ""


def kind_visibility(kind: str) -> int:
    return KIND_VISIBILITY.get(kind, DEFAULT_KIND_VISIBILITY)


def _reachable(who: Situation, opening: Opening) -> bool:
    """Without transport: a network with no place, an online one, or one at or next to theirs."""
    if opening.place_id is None or opening.place_kind == "online":
        return True
    return bool(opening.near_place_ids & who.near_place_ids)


def network_refusal(who: Situation, opening: Opening, person_id: int | None = None) -> str:
    if opening.status not in NETWORK_STATUSES:
        return "status"
    if person_id is not None and person_id in opening.member_ids:
        return "member"
    if who.minutes < NETWORK_MINUTES:
        return "time"
    if kind_visibility(opening.kind) > who.visibility:
        return "visibility"
    if who.discreet and opening.kind not in DISCREET_SAFE_KINDS:
        return "discreet"
    online = opening.kind == "online" or opening.place_kind == "online"
    if "online_only" in who.constraints and not online:
        return "online_only"
    if "no_transport" in who.constraints and not _reachable(who, opening):
        return "no_transport"
    return ""


def network_fits(who: Situation, opening: Opening, person_id: int | None = None) -> bool:
    return network_refusal(who, opening, person_id) == ""


# --- reasons (soft: they only order) -----------------------------------------------------------


def _duration(minutes: int) -> str:
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes / 60
    shown = f"{hours:.0f}" if hours == int(hours) else f"{hours:.1f}"
    return ngettext("%(n)s hour", "%(n)s hours", 1 if hours == 1 else 2) % {"n": shown}


def _format(message: Any, values: dict[str, Any]) -> str:
    return str(message) % {k: str(v) for k, v in values.items()}


# Made once: `lazy()` builds a proxy class on every call, which cost the organizer's dashboard
# (hundreds of reasons a page) about 18 ms.
_lazy_format = lazy(_format, str)
_lazy_duration = lazy(_duration, str)


def _text(message: Any, **values: Any) -> Any:
    """A reason sentence translated when it is shown, not when it is made: the dashboard may
    build it before the page's language is settled, and values may be lazy too."""
    return _lazy_format(message, values)


def _time_text(minutes: int) -> Any:
    return _text(_("fits in your %(time)s a week"), time=_lazy_duration(minutes))


SETTING_REASONS = {
    "online": _("can be done online"),
    "home": _("can be done at home"),
    "public": _("out in public"),
    "school_work": _("at school or work"),
}


def _language_reason(who: Situation, available: frozenset[str]) -> tuple[int, Reason | None]:
    """Bonus for someone whose non-English language the work speaks; a penalty (never a
    refusal: a chapter's own playbooks carry no language) when none of theirs is known to fit."""
    if not who.languages or not available:
        return 0, None
    shared = who.languages & available
    if not shared:
        return -20, None
    other = sorted(shared - {"en"})
    if other:
        name = LANGUAGE_NAMES.get(other[0], other[0])
        return 10, Reason("language", _text(_("in %(language)s"), language=name))
    return 0, None


def playbook_match(who: Situation, work: Work) -> Match | None:
    """The match for one playbook, or None when a hard rule refuses it."""
    if not playbook_fits(who, work):
        return None
    score = 0
    reasons = [Reason("time", _time_text(who.minutes))]
    gap = stage_rank(who.stage) - stage_rank(work.min_stage)
    if who.stage == "contact" and work.min_stage == "contact" and work.minutes <= 30:
        score += 25
        reasons.append(Reason("first_step", _("a good first step")))
    elif gap == 0 and who.stage != "contact":
        score += 30
        reasons.append(Reason("next_step", _("a good next step for you")))
    elif gap == 1:
        score += 10
    if work.kind and work.kind in who.interests:
        score += 30
        reasons.append(Reason("interest", _("matches what interests you")))
    if work.setting in ("home", "online") and who.constraints:
        score += 5
        reasons.append(Reason("setting", SETTING_REASONS[work.setting]))
    if work.setting == "school_work" and who.place_kind in ("high_school", "campus", "workplace"):
        score += 10
        reasons.append(Reason("place", _text(_("at your school or work: %(place)s"),
                                             place=who.place_name)))
    bonus, language = _language_reason(who, work.languages)
    score += bonus
    if language is not None:
        reasons.append(language)
    if who.discreet:
        reasons.append(Reason("discreet", _("safe for someone who keeps a low profile")))
    # Within a tie the shorter piece comes first: easier to finish from beginning to end.
    score -= work.minutes // 30
    return Match(item=work.item, score=score, reasons=reasons)


def network_match(who: Situation, opening: Opening, person_id: int | None = None) -> Match | None:
    if not network_fits(who, opening, person_id):
        return None
    score = 0
    reasons: list[Reason] = []
    if opening.place_id is not None and opening.near_place_ids & who.near_place_ids:
        score += 30
        reasons.append(Reason("near", _text(_("near you: %(place)s"), place=opening.place_name)))
    if opening.kind in who.interests:
        score += 20
        reasons.append(Reason("interest", _("matches what interests you")))
    grouping = who.social_grouping.strip().lower()
    if grouping and grouping == opening.social_grouping.strip().lower():
        score += 20
        reasons.append(Reason("grouping", _text(_("among %(grouping)s"),
                                                grouping=opening.social_grouping)))
    bonus, language = _language_reason(who, opening.member_languages)
    score += bonus
    if language is not None:
        reasons.append(language)
    if opening.status == "forming":
        score += 5
        reasons.append(Reason("forming", _("just forming: you can help shape it")))
    if stage_rank(who.stage) >= stage_rank("contributor"):
        score += 10
        reasons.append(Reason("ready", _("you keep doing things: a network multiplies them")))
    if who.discreet:
        reasons.append(Reason("discreet", _("meets in private; members never see your name")))
    return Match(item=opening.item, score=score, reasons=reasons)


def _ranked(matches: Iterable[Match | None], limit: int | None) -> list[Match]:
    found = [m for m in matches if m is not None]
    found.sort(key=lambda m: -m.score)  # stable: ties keep the catalog's order
    return found[:limit] if limit is not None else found


def rank_playbooks(who: Situation, works: Iterable[Work], *, limit: int | None = None,
                   ) -> list[Match]:
    return _ranked((playbook_match(who, work) for work in works), limit)


def rank_networks(who: Situation, openings: Iterable[Opening], *, person_id: int | None = None,
                  limit: int | None = None) -> list[Match]:
    return _ranked((network_match(who, opening, person_id) for opening in openings), limit)
