"""What a decision did, as data: an :class:`Outcome` with :class:`Note` s (codes and the
fields they name, never comment text), for each front door to word for its own readers
(``moderator.cli.words``, ``moderator.web.words``; what both say alike is in
``moderator.review.wording``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workqueue.ladder import Step
from workqueue.states import FlagStatus


@dataclass(frozen=True)
class Note:
    """Something a decision set going, or what to do next: ``code`` and what it names."""

    code: str
    fields: Mapping[str, Any] = field(default_factory=dict)


#: What a decision did (``Outcome.did``).
DID = (
    "targets_recorded",
    "confirmed",
    "complaint_confirmed",
    "hidden",
    "dismissed",
    "closed",
    "reopened",
    "escalated",
    "police_proposed",
    "police_confirmed",
)
#: What an outcome's notes may say (``Note.code``).
NOTES = (
    "hide_by_hand",
    "hide_next_scan",
    "unhide_next_scan",
    "hide_cancelled",
    "recommendations_lowered",
    "claimed_by_them",
    "complaint_reply",
    "letter_written",
    "take_legal_advice",
    "report_to_police",
    "second_person",
)


@dataclass(frozen=True)
class Outcome:
    """What a decision did, for the person who took it (each interface words it)."""

    flag_id: int
    status: FlagStatus
    did: str  #: one of :data:`DID`
    actor: str
    role: str
    notes: tuple[Note, ...] = ()
    letter_id: int | None = None
    step: Step | None = None  #: the rung taken, for ``escalated``
    proposed_by: str | None = None  #: for ``police_confirmed``
