"""The school policy's escalation ladder: the graduated responses, lowest first."""

from __future__ import annotations

from collections.abc import Iterable
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
