"""The domain's structured outcomes and refusals, worded for each reader: the command line's
words are its contract (unchanged by the refactor that moved them out of the domain), the web's
never carry command-line syntax, and every refusal code the domain raises has web words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from moderator.cli import words as cli_words
from moderator.review import outcomes
from moderator.review.outcomes import Note, Outcome
from moderator.review.users import UserError
from moderator.web import words
from workqueue.errors import IllegalTransition, NotAllowed
from workqueue.ladder import Step
from workqueue.roles import Permissions, Role
from workqueue.states import FlagStatus

ROOT = Path(__file__).resolve().parents[2]
#: What command-line syntax looks like: an option, a backquoted command, a config table.
CLI_SYNTAX = re.compile(r"(^|\s)--[a-z]|`|\bmoderator [a-z]+ [a-z]|\[[a-z_]+\.[a-z_]+\]")


def done(did: str, *notes: Note, **more: object) -> Outcome:
    return Outcome(12, FlagStatus.ESCALATED, did, "head", "headteacher", notes, **more)  # type: ignore[arg-type]


#: Each outcome and the line the command line printed for it before the refactor.
CLI_LINES = [
    (
        done("targets_recorded"),
        "flag 12: targets recorded",
    ),
    (
        done("confirmed", Note("hide_next_scan")),
        "flag 12: confirmed by head (headteacher); the hide is sent on the next scan.",
    ),
    (
        done("confirmed", Note("hide_by_hand")),
        (
            "flag 12: confirmed by head (headteacher); hide it on the platform by hand (this source "
            "cannot act)."
        ),
    ),
    (
        done("complaint_confirmed", Note("complaint_reply", {"letter": 4}), letter_id=4),
        (
            "flag 12: confirmed as a complaint by head (headteacher); reply 4 written (`moderator "
            "letters show 4`): answer it through the complaints procedure, it is not hidden."
        ),
    ),
    (
        done(
            "dismissed",
            Note("unhide_next_scan"),
            Note("recommendations_lowered", {"count": 2}),
        ),
        (
            "flag 12: dismissed by head (headteacher); the comment is unhidden on the next scan; 2 "
            "other recommendation(s) for this poster lowered."
        ),
    ),
    (
        done("dismissed", Note("hide_cancelled")),
        "flag 12: dismissed by head (headteacher); the pending hide was cancelled.",
    ),
    (done("closed"), "flag 12: closed by head (headteacher)."),
    (
        done("reopened", Note("claimed_by_them")),
        "flag 12: reopened by head (headteacher); it is in review, claimed by them.",
    ),
    (
        done(
            "escalated",
            Note("hide_next_scan"),
            Note("letter_written", {"letter": 3}),
            letter_id=3,
            step=Step.WRITTEN_WARNING,
        ),
        (
            "flag 12: escalated to written warning by head (headteacher); the hide is sent on the "
            "next scan; letter 3 written (`moderator letters show 3`)."
        ),
    ),
    (
        done("escalated", Note("take_legal_advice"), step=Step.LEGAL),
        (
            "flag 12: escalated to legal by head (headteacher); take legal advice, with the "
            "evidence kept for this case."
        ),
    ),
    (
        done("hidden", Note("hide_next_scan")),
        "flag 12: confirmed for hiding by head (headteacher); the hide is sent on the next scan.",
    ),
    (
        done("police_proposed", Note("second_person", {"roles": ("headteacher", "dsl")})),
        (
            "flag 12: police referral proposed by head (headteacher); a second person (headteacher, "
            "dsl) must confirm it: `moderator queue decide 12 --as OTHER --escalate police`."
        ),
    ),
    (
        done("police_proposed", Note("second_person", {"roles": ()})),
        (
            "flag 12: police referral proposed by head (headteacher); a second person (nobody: see "
            "[escalation.permissions]) must confirm it: `moderator queue decide 12 --as OTHER "
            "--escalate police`."
        ),
    ),
    (
        done("police_confirmed", Note("report_to_police"), proposed_by="mod"),
        (
            "flag 12: police referral proposed by mod, confirmed by head (headteacher). Report it to "
            "the police: 101, or 999 if anyone is in immediate danger."
        ),
    ),
]


@pytest.mark.parametrize(("outcome", "line"), CLI_LINES)
def test_the_command_line_words_outcomes_as_it_always_did(outcome: Outcome, line: str) -> None:
    assert cli_words.outcome(outcome) == line


@pytest.mark.parametrize(("outcome", "line"), CLI_LINES)
def test_the_web_words_outcomes_without_command_line_syntax(outcome: Outcome, line: str) -> None:
    said = words.outcome(outcome)
    assert not CLI_SYNTAX.search(said), said
    assert said.startswith("Flag 12: ")


def test_every_outcome_and_note_is_worded_for_both() -> None:
    assert set(outcomes.DID) == set(words.DID) == set(cli_words.DID) | {"targets_recorded"}
    assert set(outcomes.NOTES) == set(words.NOTES) == set(cli_words.NOTES)
    police = words.outcome(
        done("police_proposed", Note("second_person", {"roles": ("headteacher", "dsl")}))
    )
    assert "the headteacher or the Designated Safeguarding Lead" in police
    assert "Escalate: police" in police


def _raised_codes() -> set[str]:
    """Every ``code="..."`` given to a call in the application and the queue package."""
    codes: set[str] = set()
    for folder in (ROOT / "moderator", ROOT / "queue" / "workqueue"):
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                            codes.add(str(keyword.value.value))
    return codes


def test_every_refusal_code_the_domain_raises_has_web_words() -> None:
    codes = _raised_codes() - {"sign_in_throttled"}  # the sign-in page words that one
    assert {"not_permitted", "dsl_only", "claimed_by_another", "changed"} <= codes
    assert codes <= set(words.REFUSALS), codes - set(words.REFUSALS)
    for code, wording in words.REFUSALS.items():
        assert not CLI_SYNTAX.search(wording), (code, wording)


def test_refusals_keep_their_command_line_words_and_get_plain_web_words() -> None:
    permissions = Permissions()
    with pytest.raises(NotAllowed) as refused:
        permissions.check("mod", Role.MODERATOR, "written_warning")
    assert cli_words.refusal(refused.value) == (
        "mod (moderator) may not send a written warning: that needs one of headteacher, admin"
    )
    assert words.refusal(refused.value) == (
        "Refused: you may not send a written warning; that needs the headteacher or an "
        "administrator."
    )
    with pytest.raises(NotAllowed) as twice:
        permissions.second_person("head", "head")
    assert "someone else (the headteacher, the Designated Safeguarding Lead or an " in (
        words.refusal(twice.value)
    )
    for error, cli in [
        (
            IllegalTransition("an escalation needs a step", code="no_step"),
            "--escalate needs a step",
        ),
        (
            IllegalTransition("review is not a rung", code="review_not_a_rung"),
            "review is not a rung to escalate to; use --confirm",
        ),
        (IllegalTransition("a target", code="no_target"), "--target must name a person"),
        (
            UserError("no user 'kim'", code="unknown_user", user="kim"),
            (
                "no user 'kim'; add one with `moderator users add kim --name ... --role ... "
                "--password-stdin`"
            ),
        ),
    ]:
        assert cli_words.refusal(error) == cli
        said = words.refusal(error)
        assert said.startswith("Refused: ") and not CLI_SYNTAX.search(said), said
    plain = IllegalTransition("flag 3 is closed and cannot become new; from closed ...")
    assert cli_words.refusal(plain) == str(plain)
    assert words.refusal(plain) == f"Refused: {words.UNWORDED}"  # never the raw message
    not_live = IllegalTransition("x", code="not_live", id=3, status="dismissed")
    assert words.refusal(not_live) == (
        "Refused: this flag is dismissed and cannot be escalated; reopen it first."
    )
