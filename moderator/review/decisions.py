"""People's decisions on flags: confirm, dismiss, escalate up the ladder, close, reopen; and
claiming flags for review.

Each decision is one transaction: the permission checks, the conditional status move with its
audit event (``workqueue.store``), any letter, any hide or unhide in the outbox, and the new
recommendations for the poster's other open flags. Anything that fails rolls all of it back.
The design and the permission table: docs/queue.md.

What a decision did comes back as an ``Outcome`` with ``Note`` s (``review.outcomes``), and a
refusal as a ``QueueError`` (or ``UserError``) with a ``code`` and ``fields``: structured, so the
command line (``moderator.cli.words``) and the web (``moderator.web.words``) each word them for
their own readers. What a decision asks of the platform (hide, unhide) is ``review.hiding``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Engine, or_, select, update
from sqlalchemy.orm import Session

from moderator.policy.categories import Route
from moderator.policy.roster import Roster
from moderator.review import escalation, hiding, letters, users, visibility
from moderator.review.outcomes import Note, Outcome
from moderator.settings.config import SchoolConfig
from moderator.store import db, moves
from moderator.store.models import Flag, FlagTarget, User, utcnow
from workqueue.errors import IllegalTransition, NotAllowed
from workqueue.ladder import Step, rank
from workqueue.roles import Permissions, Role
from workqueue.states import OPEN, FlagStatus

STORE = moves.FLAGS
VERBS = ("confirm", "dismiss", "escalate", "close", "reopen")
#: Statuses a flag can be escalated from.
LIVE = OPEN | {FlagStatus.CONFIRMED, FlagStatus.ESCALATED}
#: Clears a pending police proposal.
NO_PROPOSAL: dict[str, Any] = {"proposed_step": None, "proposed_by": None, "proposed_at": None}


def decide(
    engine: Engine,
    config: SchoolConfig,
    flag_id: int,
    username: str,
    verb: str | None,
    *,
    step: Step | None = None,
    note: str | None = None,
    targets: Sequence[str] = (),
) -> Outcome:
    """Take ``verb`` on flag ``flag_id`` as ``username`` (``step`` for ``escalate``), adding
    ``targets``; ``verb`` may be ``None`` when only targets are added."""
    with db.session_scope(engine) as session:
        user = users.acting(session, username)
        flag = visibility.flag_for(session, flag_id, user, config.escalation.permissions)
        deciding = _Deciding(session, config, flag, user, note)
        for name in targets:
            deciding.add_target(name)
        if verb is None:
            return deciding.outcome("targets_recorded")
        deciding.not_claimed_by_another()
        if verb == "escalate":
            if step is None:
                raise IllegalTransition("an escalation needs a step", code="no_step")
            return deciding.escalate(step)
        if verb not in VERBS:
            raise IllegalTransition(
                f"unknown decision {verb!r}; expected one of {VERBS}",
                code="unknown_decision",
                verb=verb,
                expected=VERBS,
            )
        return cast(Outcome, getattr(deciding, verb)())


def release(
    engine: Engine, config: SchoolConfig, flag_id: int, username: str, note: str | None = None
) -> FlagStatus:
    """Put a flag ``username`` claimed back in the queue (anyone may, once the claim expired)."""
    with db.session_scope(engine) as session:
        user = users.acting(session, username)
        flag = visibility.flag_for(session, flag_id, user, config.escalation.permissions)
        releasing = _Deciding(session, config, flag, user, note)
        releasing.not_claimed_by_another()
        return STORE.release(session, flag_id, actor=user.username, why=note or "released")


class _Deciding:
    """One decision by one user on one flag, inside one transaction."""

    def __init__(
        self, session: Session, config: SchoolConfig, flag: Flag, user: User, note: str | None
    ) -> None:
        self.session = session
        self.config = config
        self.flag = flag
        self.user = user
        self.note = (note or "").strip() or None
        self.permissions: Permissions = config.escalation.permissions

    # -- checks ----------------------------------------------------------------------------

    def may(self, what: str) -> None:
        self.permissions.check(self.user.username, self.user.role, what)

    def not_claimed_by_another(self) -> None:
        flag = self.flag
        if flag.status != FlagStatus.IN_REVIEW or flag.claimed_by in (None, self.user.username):
            return
        timeout = dt.timedelta(minutes=self.config.escalation.claim_timeout_minutes)
        if flag.claimed_at and flag.claimed_at < utcnow() - timeout:
            return
        raise IllegalTransition(
            f"flag {flag.id} is being reviewed by {flag.claimed_by}; ask them, or wait until "
            f"the claim expires ({self.config.escalation.claim_timeout_minutes} minutes)",
            code="claimed_by_another",
            id=flag.id,
            by=flag.claimed_by,
            minutes=self.config.escalation.claim_timeout_minutes,
        )

    @property
    def complaint_only(self) -> bool:
        return self.flag.route == Route.COMPLAINTS

    # -- decisions -------------------------------------------------------------------------

    def confirm(self) -> Outcome:
        self.may("review")
        self._move(FlagStatus.CONFIRMED, "confirm", self._why("agreed with the flag"), breach=True)
        if self.complaint_only:
            letter = letters.write(
                self.session, "complaint_reply", self.config, self.flag, [self.flag], self._actor
            )
            return self.outcome(
                "complaint_confirmed",
                Note("complaint_reply", {"letter": letter.id}),
                letter_id=letter.id,
            )
        return self.outcome("confirmed", *self._hide_if_recommended())

    def dismiss(self) -> Outcome:
        self.may("review")
        self._move(
            FlagStatus.DISMISSED,
            "dismiss",
            self._why("not a breach of the policy"),
            breach=False,
            step=None,
            step_reason="dismissed by a moderator",
            **NO_PROPOSAL,
        )
        undone = hiding.undo_hide(self.session, self.flag, self._actor, self._record)
        changed = self._refresh_poster()
        later = (Note("recommendations_lowered", {"count": changed}),) if changed else ()
        return self.outcome("dismissed", *undone, *later)

    def close(self) -> Outcome:
        self.may("review")
        self._move(
            FlagStatus.CLOSED,
            "close",
            self._why("matter finished"),
            **NO_PROPOSAL,
        )
        return self.outcome("closed")

    def reopen(self) -> Outcome:
        confirmed = self.flag.status == FlagStatus.CONFIRMED
        self.may("reopen_confirmed" if confirmed else "review")
        if confirmed and not self.note:
            raise IllegalTransition(
                f"reopening confirmed flag {self.flag.id} needs a note saying why",
                code="reopen_needs_note",
                id=self.flag.id,
            )
        if not confirmed and self.flag.status != FlagStatus.DISMISSED:
            raise IllegalTransition(
                f"flag {self.flag.id} is {self.flag.status.value}: only a dismissed flag can be "
                "reopened (or a confirmed one, by a headteacher with a note)",
                code="not_dismissed",
                id=self.flag.id,
                status=self.flag.status.value,
            )
        self._move(
            FlagStatus.IN_REVIEW,
            "reopen",
            self._why("reopened for review"),
            breach=None,
            claimed_by=self.user.username,
            claimed_at=utcnow(),
        )
        self._refresh_poster()
        return self.outcome("reopened", Note("claimed_by_them"))

    def escalate(self, step: Step) -> Outcome:
        if self.complaint_only:
            raise NotAllowed(
                f"flag {self.flag.id} is a complaint: it goes to the complaints procedure and is "
                "never hidden or escalated (confirm it to write the reply, or dismiss it)",
                code="complaint_not_escalated",
                id=self.flag.id,
            )
        if step is Step.REVIEW:
            raise IllegalTransition(
                "review is not a rung to escalate to; confirm the flag instead",
                code="review_not_a_rung",
            )
        if self.flag.status not in LIVE:
            raise IllegalTransition(
                f"flag {self.flag.id} is {self.flag.status.value} and cannot be escalated; "
                + (
                    "reopen it first"
                    if self.flag.status == FlagStatus.DISMISSED
                    else "it is finished"
                ),
                code="not_live",
                id=self.flag.id,
                status=self.flag.status.value,
            )
        if step is Step.HIDE:
            return self._hide()
        if step is Step.POLICE:
            return self._police()
        self.may(step.value)
        self._climb(step, "escalate", self._why(f"escalated to {_words(step)}"))
        notes = list(self._hide_if_recommended())
        letter_id = None
        if step in (Step.MEETING, Step.WRITTEN_WARNING):
            letter = letters.write(
                self.session, step.value, self.config, self.flag, self._quoted(), self._actor
            )
            letter_id = letter.id
            notes.append(Note("letter_written", {"letter": letter_id}))
        if step is Step.LEGAL:
            notes.append(Note("take_legal_advice"))
        return self.outcome("escalated", *notes, letter_id=letter_id, step=step)

    # -- the rungs -------------------------------------------------------------------------

    def _hide(self) -> Outcome:
        self.may("hide")
        if self.flag.status in OPEN:
            self._move(
                FlagStatus.CONFIRMED, "hide", self._why("hidden by a moderator"), breach=True
            )
        else:
            self._record("hide", self._why("hidden by a moderator"))
        return self.outcome("hidden", *self._request_hide())

    def _police(self) -> Outcome:
        flag = self.flag
        if flag.escalated_step is Step.POLICE:
            raise IllegalTransition(
                f"flag {flag.id} has already been referred to the police",
                code="already_referred",
                id=flag.id,
            )
        if flag.proposed_step is Step.POLICE and flag.proposed_by:
            self.permissions.second_person(flag.proposed_by, self.user.username)
            self.may("police")
            proposer = flag.proposed_by
            self._climb(
                Step.POLICE,
                "police_referral_confirmed",
                self._why("police referral confirmed"),
                proposed_by=proposer,
                extra=NO_PROPOSAL,
            )
            return self.outcome("police_confirmed", Note("report_to_police"), proposed_by=proposer)
        self.may("propose_police")
        proposal: dict[str, Any] = {
            "proposed_step": Step.POLICE,
            "proposed_by": self.user.username,
            "proposed_at": utcnow(),
        }
        why = self._why("police referral proposed")
        if flag.status in OPEN:
            self._move(FlagStatus.CONFIRMED, "police_referral_proposed", why, **proposal)
        else:
            moved = self.session.execute(
                update(Flag)
                .where(Flag.id == flag.id, Flag.status == flag.status, Flag.proposed_step.is_(None))
                .values(**proposal)
            )
            if db.rowcount(moved) != 1:
                raise IllegalTransition(
                    f"flag {flag.id} changed while this decision was being made; look again",
                    code="changed",
                    subject="flag",
                    id=flag.id,
                )
            self._record("police_referral_proposed", why)
        return self.outcome(
            "police_proposed", Note("second_person", {"roles": self._second_roles()})
        )

    def _climb(
        self,
        step: Step,
        action: str,
        why: str,
        proposed_by: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        flag = self.flag
        if rank(flag.escalated_step) >= rank(step):
            raise IllegalTransition(
                f"flag {flag.id} is already escalated to {_words(flag.escalated_step)}",
                code="already_escalated",
                id=flag.id,
                step=(flag.escalated_step or Step.REVIEW).value,
            )
        detail = {"step": step.value, **({"proposed_by": proposed_by} if proposed_by else {})}
        self._move(
            FlagStatus.ESCALATED,
            action,
            why,
            detail=detail,
            escalated_step=step,
            breach=True,
            **(extra or {}),
        )

    # -- helpers ---------------------------------------------------------------------------

    @property
    def _actor(self) -> str:
        return self.user.username

    def _why(self, default: str) -> str:
        if self.note:
            return self.note
        reasons = "; ".join(self.flag.classification.reasons)
        advice = (
            f"{default} (recommended: {self.flag.step_reason})"
            if self.flag.step_reason
            else default
        )
        return f"{advice}; {reasons}" if reasons else advice

    def _move(
        self,
        to: FlagStatus,
        action: str,
        why: str,
        *,
        detail: Mapping[str, object] | None = None,
        **values: Any,
    ) -> None:
        now = utcnow()
        STORE.move(
            self.session,
            self.flag.id,
            to,
            actor=self._actor,
            action=action,
            why=why,
            expected=self.flag.status,
            values={
                "decided_by": self._actor,
                "decided_at": now,
                **({"claimed_by": None, "claimed_at": None} if to != FlagStatus.IN_REVIEW else {}),
                **values,
            },
            detail={"role": self.user.role.value, **(detail or {})},
            where=self._as_read(),
        )
        self.session.refresh(self.flag)

    def _as_read(self) -> list[ColumnElement[bool]]:
        """What must still be as this decision read it: the rung taken, a pending proposal,
        the claim. Someone else's decision meanwhile makes the UPDATE match nothing."""
        flag = self.flag
        return [
            Flag.escalated_step.is_not_distinct_from(flag.escalated_step),
            Flag.proposed_by.is_not_distinct_from(flag.proposed_by),
            Flag.claimed_by.is_not_distinct_from(flag.claimed_by),
            Flag.claimed_at.is_not_distinct_from(flag.claimed_at),
        ]

    def _second_roles(self) -> tuple[str, ...]:
        """Who may confirm a police referral on this flag (for the DSL's flags, only those
        who may also see them); none when the school's permissions allow nobody."""
        roles = set(self.permissions.table["police"])
        if self.flag.route == Route.DSL:
            roles &= set(self.permissions.table["safeguarding"])
        return tuple(r.value for r in Role if r in roles)

    def _record(self, action: str, why: str) -> None:
        STORE.record(
            self.session,
            self.flag.id,
            actor=self._actor,
            action=action,
            why=why,
            detail={"role": self.user.role.value, "status": self.flag.status.value},
        )

    def outcome(self, did: str, *notes: Note, **more: Any) -> Outcome:
        return Outcome(
            self.flag.id,
            self.flag.status,
            did,
            self._actor,
            self.user.role.value,
            tuple(notes),
            **more,
        )

    def _refresh_poster(self) -> int:
        if self.flag.poster_id is None:
            escalation.refresh_alone(self.session, self.flag, self.config.escalation.rule)
            return 0
        self.session.flush()
        return escalation.refresh(self.session, [self.flag.poster_id], self.config.escalation.rule)

    def _quoted(self) -> list[Flag]:
        """The flags a letter quotes: the poster's undismissed incidents up to this one."""
        flag = self.flag
        if flag.poster_id is None:
            return [flag]
        counted = self.config.escalation.rule.incident_categories
        others = self.session.scalars(
            select(Flag).where(
                Flag.poster_id == flag.poster_id,
                Flag.breach.is_not(False),  # not dismissed
                or_(Flag.route.is_(None), Flag.route != Route.DSL),  # never quoted to the poster
                Flag.id != flag.id,
            )
        ).all()
        mine = [f for f in others if set(f.categories) & counted and f.posted_at <= flag.posted_at]
        return sorted([*mine, flag], key=lambda f: (f.posted_at, f.id))

    def add_target(self, name: str) -> None:
        self.may("review")
        name = " ".join(name.split())
        if not name:
            raise IllegalTransition("a target must name a person", code="no_target")
        person = Roster(self.config.people).find(name)
        canonical = person.name if person else name
        if any(t.name == canonical for t in self.flag.targets):
            return
        self.session.add(
            FlagTarget(
                flag_id=self.flag.id,
                name=canonical,
                kind=person.kind if person else "other",
                added_by=self._actor,
            )
        )
        self.session.flush()
        self.session.refresh(self.flag)
        self._record("target_added", self.note or f"targets {canonical}")

    def _hide_if_recommended(self) -> tuple[Note, ...]:
        if self.flag.classification.hide and not self.config.escalation.auto_hide:
            return self._request_hide()
        return ()

    def _request_hide(self) -> tuple[Note, ...]:
        return hiding.request_hide(self.session, self.flag, self._actor, self._record)


def _words(step: Step | None) -> str:
    return (step or "nothing").replace("_", " ")
