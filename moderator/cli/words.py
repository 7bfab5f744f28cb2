"""The command line's wording of what the domain returns: a decision's :class:`Outcome` and the
structured refusals (``code`` and ``fields``). The words are the CLI's contract (docs/commands.md);
the web words the same things for its readers in ``moderator.web.words``. What a decision did
is worded alike for both (``moderator.review.wording``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moderator.review.wording import DID

if TYPE_CHECKING:  # the command line imports the domain lazily, command by command
    from moderator.review.outcomes import Note, Outcome

#: Each note, as it follows the outcome on the same line.
NOTES = {
    "hide_by_hand": "; hide it on the platform by hand (this source cannot act)",
    "hide_next_scan": "; the hide is sent on the next scan",
    "unhide_next_scan": "; the comment is unhidden on the next scan",
    "hide_cancelled": "; the pending hide was cancelled",
    "recommendations_lowered": "; {count} other recommendation(s) for this poster lowered",
    "claimed_by_them": "; it is in review, claimed by them",
    "complaint_reply": (
        "; reply {letter} written (`moderator letters show {letter}`): answer it through the "
        "complaints procedure, it is not hidden"
    ),
    "letter_written": "; letter {letter} written (`moderator letters show {letter}`)",
    "take_legal_advice": "; take legal advice, with the evidence kept for this case",
    "report_to_police": ". Report it to the police: 101, or 999 if anyone is in immediate danger",
    "second_person": (
        "; a second person ({roles}) must confirm it: "
        "`moderator queue decide {flag} --as OTHER --escalate police`"
    ),
}

#: Refusals whose command-line wording names the command line's own options and commands;
#: every other refusal is worded as its message.
REFUSALS = {
    "no_step": "--escalate needs a step",
    "review_not_a_rung": "review is not a rung to escalate to; use --confirm",
    "no_target": "--target must name a person",
    "reopen_needs_note": "reopening confirmed flag {id} needs --note saying why",
    "unknown_user": (
        "no user {user!r}; add one with `moderator users add {user} --name ... --role ... "
        "--password-stdin`"
    ),
}


def outcome(done: Outcome) -> str:
    """One line: ``flag 12: escalated to meeting by head (headteacher); letter 3 written ...``."""
    if done.did == "targets_recorded":
        return f"flag {done.flag_id}: targets recorded"
    what = DID[done.did].format(
        step=(done.step or "").replace("_", " "), proposed_by=done.proposed_by
    )
    tail = "".join(_note(note, done) for note in done.notes)
    return f"flag {done.flag_id}: {what} by {done.actor} ({done.role}){tail}."


def _note(note: Note, done: Outcome) -> str:
    fields: dict[str, Any] = {"flag": done.flag_id, **note.fields}
    if note.code == "second_person":
        fields["roles"] = ", ".join(fields["roles"]) or "nobody: see [escalation.permissions]"
    return NOTES[note.code].format(**fields)


def refusal(error: Exception) -> str:
    """The one line after ``error:``."""
    wording = REFUSALS.get(getattr(error, "code", ""))
    return wording.format(**getattr(error, "fields", {})) if wording else str(error)
