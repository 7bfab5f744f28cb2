"""The school policy's escalation ladder and the per-poster rule that climbs it.

The ladder goes by content, then by conduct. What a comment says sets a floor (a threat, hate
or grossly obscene content: the police; a defamatory allegation: legal advice; a risk to a
child: the Designated Safeguarding Lead). Repetition climbs from the first incident's
response: hide, report to the platform and invite to a meeting asking for removal; continuing
after the meeting, a written warning asking for removal; continuing after a warning, the police
(a course of conduct under the Protection from Harassment Act 1997). Legal advice is a floor
for defamation, not a rung of the default climb.

:func:`recommend` is the whole rule, pure and deterministic; ``moderator.review.escalation`` feeds it
a poster's incidents from the database and stores what it says on each open flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Step(StrEnum):
    """A rung of the ladder. ``review`` sits below ``hide``: a person looks, nothing is hidden."""

    REVIEW = "review"  #: a person reads it (complaints, safeguarding pleas for help)
    HIDE = "hide"  #: hide the comment on the platform (reversible) and report it
    MEETING = "meeting"  #: invite the poster to meet the headteacher
    WRITTEN_WARNING = "written_warning"  #: letter asking for removal
    LEGAL = "legal"  #: take legal advice (e.g. defamation)
    POLICE = "police"  #: contact the police (threats, hate, harassment, grossly obscene)


ORDER: tuple[Step, ...] = tuple(Step)


def rank(step: Step | None) -> int:
    """0 for no step, then 1 (review) .. 6 (police)."""
    return 0 if step is None else ORDER.index(step) + 1


def highest(steps: Iterable[Step | None]) -> Step | None:
    """The highest rung among ``steps``; ``None`` when there is none."""
    return max(steps, key=rank, default=None)


#: The default climb, as the rungs' names (a school's ``[escalation] rungs``).
DEFAULT_RUNGS: tuple[str, ...] = ("meeting", "written_warning", "police")

#: Categories that make a flag an incident of the poster's: misconduct, not a complaint and
#: not a worry about a child (safeguarding alone).
DEFAULT_INCIDENT_CATEGORIES: frozenset[str] = frozenset(
    {"abuse", "threat", "hate", "defamation", "obscene", "sexual", "privacy"}
)


@dataclass(frozen=True)
class LadderRule:
    """How a poster climbs: the ``n``th incident within ``window`` before it recommends
    ``rungs[n - 1]`` (the last rung for every later one)."""

    rungs: tuple[Step, ...] = tuple(Step(name) for name in DEFAULT_RUNGS)
    window: dt.timedelta | None = dt.timedelta(days=365)
    incident_categories: frozenset[str] = field(default=DEFAULT_INCIDENT_CATEGORIES)


@dataclass(frozen=True)
class Incident:
    """One flag of a poster's, as the rule sees it."""

    id: int
    at: dt.datetime  #: when the comment was posted
    categories: tuple[str, ...]
    floor: Step | None  #: what the comment recommends on its own (severity)
    dismissed: bool = False  #: a moderator judged it not a breach


@dataclass(frozen=True)
class Recommendation:
    step: Step | None
    reason: str
    number: int = 0  #: the incident's number in the window (0: not an incident)


def recommend(
    incidents: Sequence[Incident], rule: LadderRule | None = None
) -> dict[int, Recommendation]:
    """The recommended rung for each of one poster's flags (pass a flag with no known poster
    alone). Recommend when:

    * the flag is dismissed: nothing (it is not counted either);
    * it raises no incident category (a complaint, a safeguarding worry): its own step;
    * otherwise the higher of its ``n``th rung, counting the poster's undismissed incidents
      within the window before it, and its own step (the severity floor).
    """
    rule = rule or LadderRule()
    ordered = sorted(incidents, key=lambda i: (i.at, i.id))
    counted: list[Incident] = []
    result: dict[int, Recommendation] = {}
    for incident in ordered:
        if incident.dismissed:
            result[incident.id] = Recommendation(None, "dismissed by a moderator")
            continue
        if not set(incident.categories) & rule.incident_categories:
            reason = _not_counted(incident)
            if rank(incident.floor) > rank(Step.REVIEW):
                reason = _floor_reason(incident)
            result[incident.id] = Recommendation(incident.floor, reason)
            continue
        prior = [i for i in counted if rule.window is None or i.at >= incident.at - rule.window]
        counted.append(incident)
        number = len(prior) + 1
        climbed = rule.rungs[min(number, len(rule.rungs)) - 1] if rule.rungs else None
        if rank(incident.floor) > rank(climbed):
            step, reason = incident.floor, _floor_reason(incident)
            if number > 1:
                reason += f" ({_ordinal(number)} incident by this poster)"
        else:
            step, reason = climbed, _climb_reason(number, rule)
        result[incident.id] = Recommendation(step, reason, number)
    return result


#: What each rung asks of the school, in the policies' words.
_ACTION: dict[Step, str] = {
    Step.REVIEW: "a person reads it",
    Step.HIDE: "hide and report to the platform",
    Step.MEETING: "invite to a meeting asking for removal",
    Step.WRITTEN_WARNING: "a written warning asking for removal (blocking may be proposed)",
    Step.LEGAL: "take legal advice",
    Step.POLICE: "a course of conduct (Protection from Harassment Act 1997)",
}
#: A rung as the thing the poster carried on after.
_AFTER: dict[Step, str] = {
    Step.REVIEW: "a review",
    Step.HIDE: "a hidden comment",
    Step.MEETING: "a meeting",
    Step.WRITTEN_WARNING: "a written warning",
    Step.LEGAL: "legal advice",
    Step.POLICE: "a police referral",
}
#: What a floor asks of the school.
_FLOOR_ACTION: dict[Step, str] = {
    Step.REVIEW: "a person reads it",
    Step.HIDE: "hide and report to the platform",
    Step.MEETING: "invite to a meeting asking for removal",
    Step.WRITTEN_WARNING: "a written warning asking for removal",
    Step.LEGAL: "take legal advice whatever the history",
    Step.POLICE: "report to the police whatever the history",
}


def _not_counted(incident: Incident) -> str:
    if "complaint" in incident.categories:
        return "a complaint: answer it through the complaints procedure, do not hide it"
    if "safeguarding" in incident.categories:
        return "a safeguarding concern for the Designated Safeguarding Lead"
    return "not counted as an incident"


def _floor_reason(incident: Incident) -> str:
    floor = incident.floor or Step.REVIEW
    return f"{_severity(incident)}: {_FLOOR_ACTION[floor]}"


def _severity(incident: Incident) -> str:
    categories = set(incident.categories)
    if "threat" in categories:
        return "a threat of violence"
    if "hate" in categories:
        return "racist, religious, homophobic or disability hate"
    if "safeguarding" in categories:
        return "a risk to a child, for the Designated Safeguarding Lead"
    if "sexual" in categories and incident.floor is Step.POLICE:
        return "grossly obscene"
    if "defamation" in categories:
        return "a possibly defamatory allegation"
    return "the seriousness of the comment"


def _climb_reason(number: int, rule: LadderRule) -> str:
    if not rule.rungs:
        return "no rung is configured"
    top = min(number, len(rule.rungs))
    rung = rule.rungs[top - 1]
    if number == 1:
        if rung is Step.MEETING:
            return f"first incident: hide, report to the platform and {_ACTION[rung]}"
        return f"first incident: {_ACTION[rung]}"
    before = rule.rungs[top - 2] if top >= 2 else rung
    within = ""
    if rule.window is not None:
        days = rule.window.days
        within = " in 12 months" if days == 365 else f" in {days} days"
    return (
        f"continuing after {_AFTER[before]}: {_ACTION[rung]}; "
        f"{_ordinal(number)} incident by this poster{within}"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
