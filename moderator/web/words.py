"""The web's wording of what the domain returns (a decision's outcome, a refusal), for the
person at the page: plain sentences, never the command line's options or commands (those are
``moderator.cli.words``). Nothing here names comment text; the domain's fields never hold any."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from moderator.review import wording
from moderator.review.outcomes import Note, Outcome
from workqueue.roles import WHAT, Role

logger = logging.getLogger(__name__)

#: A role as a sentence names the person holding it.
ROLES: dict[str, str] = {
    Role.MODERATOR: "a moderator",
    Role.HEADTEACHER: "the headteacher",
    Role.DSL: "the Designated Safeguarding Lead",
    Role.ADMIN: "an administrator",
}

#: What a decision did: the phrases both interfaces share, and the web's own for targets.
DID = {"targets_recorded": "the people it is about recorded", **wording.DID}

NOTES = {
    "hide_by_hand": "This source cannot act: hide the comment on the platform by hand.",
    "hide_next_scan": "The hide is sent on the next scan.",
    "unhide_next_scan": "The comment is unhidden on the next scan.",
    "hide_cancelled": "The pending hide was cancelled.",
    "recommendations_lowered": "{count} other recommendation(s) for this poster lowered.",
    "claimed_by_them": "It is in review, with you.",
    "complaint_reply": (
        "The reply is written (letter {letter}, under Letters on this page): answer it through "
        "the complaints procedure. The comment is not hidden."
    ),
    "letter_written": "The letter is written (letter {letter}): it is under Letters on this page.",
    "take_legal_advice": "Take legal advice, with the evidence kept for this case.",
    "report_to_police": "Report it to the police: 101, or 999 if anyone is in immediate danger.",
    "second_person": (
        "A second person ({roles}) must confirm it: they open this flag and choose "
        "'Escalate: police'."
    ),
}

#: Refusals, after "Refused: ".
REFUSALS = {
    "not_found": "there is no flag {id} you may see.",
    "dsl_only": "there is no flag {id} you may see.",
    "not_permitted": "you may not {doing}; that needs {roles}.",
    "second_person": (
        "a police referral needs a second person. You proposed it, so someone else ({roles}) "
        "must confirm it."
    ),
    "claimed_by_another": (
        "{by} is reviewing this flag. Ask them, or wait until their claim runs out "
        "({minutes} minutes)."
    ),
    "no_step": "choose a step to escalate to.",
    "unknown_decision": "that is not a decision this page offers.",
    "not_dismissed": (
        "this flag is {status}: only a dismissed flag can be reopened (or a confirmed one, by a "
        "headteacher with a note)."
    ),
    "complaint_not_escalated": (
        "this flag is a complaint. It goes to the complaints procedure and is never hidden or "
        "escalated: confirm it to write the reply, or dismiss it."
    ),
    "review_not_a_rung": "review is not a step to escalate to; confirm the flag instead.",
    "not_live": "this flag is {status} and cannot be escalated{why}.",
    "already_referred": "this flag has already been referred to the police.",
    "changed": "the flag changed while you were deciding, so nothing was changed. Look again.",
    "already_escalated": "this flag is already escalated to {step}.",
    "no_target": "a target must name a person.",
    "reopen_needs_note": "say in the note why this confirmed flag is reopened.",
    "no_complaint_reply": "there is no complaint reply to post: confirm the complaint first.",
    "already_replied": "the complaint reply has already been posted or is on its way.",
    "unknown_report_target": "choose where it was reported: the platform or the host.",
    "nothing_to_block": "there is nothing to block: every account is blocked already.",
    "nothing_to_unblock": "there is nothing to unblock: no account is blocked.",
    "illegal_move": "this flag is {status} and cannot become {to}.",
    "not_claimed": "this flag is {status}: only a flag in review can be put back in the queue.",
    "not_on_roster": "{name} is not a member of staff on the school's roster.",
    "record_refused": "a member of staff's record is for the headteacher, the DSL and administrators.",
    "unknown_user": "your account cannot take decisions; ask the school's administrator.",
    "user_disabled": "your account is disabled; ask the school's administrator.",
    "no_evidence": "there is no evidence to export for this flag (nothing was captured).",
    "evidence_altered": (
        "this flag's evidence no longer matches the hash taken when it was captured. Do not "
        "export it: report it to your data protection officer."
    ),
}
#: For a refusal with no wording here: the log has the detail.
UNWORDED = "that could not be done. The server's log says why."


def roles(names: Sequence[str]) -> str:
    """``("headteacher", "dsl")`` as "the headteacher or the Designated Safeguarding Lead"."""
    words = [ROLES.get(name, name) for name in names]
    if not words:
        return "nobody, under the school's permissions: ask the school's administrator"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def outcome(done: Outcome) -> str:
    """What a decision did, then what it set going and what to do next."""
    what = DID[done.did].format(
        step=(done.step or "").replace("_", " "), proposed_by=done.proposed_by
    )
    head = f"Flag {done.flag_id}: {what} by {done.actor} ({done.role})."
    return " ".join([head, *(_note(note) for note in done.notes)])


def _note(note: Note) -> str:
    fields: dict[str, Any] = dict(note.fields)
    if note.code == "second_person":
        fields["roles"] = roles(fields["roles"])
    return NOTES[note.code].format(**fields)


def refusal(error: Exception) -> str:
    """A refusal as the page shows it: "Refused: ..."."""
    code = getattr(error, "code", "")
    fields: dict[str, Any] = dict(getattr(error, "fields", {}))
    wording = REFUSALS.get(code)
    if wording is None:
        logger.warning("refused (%s): %s", error.__class__.__name__, error)
        return f"Refused: {UNWORDED}"
    if "roles" in fields:
        fields["roles"] = roles(fields["roles"])
    if "what" in fields:
        fields["doing"] = WHAT.get(fields["what"], "do that")
    for key in ("status", "to", "step"):
        if key in fields:
            fields[key] = str(fields[key]).replace("_", " ")
    if code == "not_live":
        fields["why"] = (
            "; reopen it first" if fields["status"] == "dismissed" else ": it is finished"
        )
    return "Refused: " + wording.format(**fields)
