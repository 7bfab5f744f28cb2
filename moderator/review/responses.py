"""What a school does about a poster or a comment beyond the queue's decisions: block and
unblock a poster, post the approved complaint reply in public, and record a report to the
platform or a request to the host to remove a comment.

Blocks and replies go through the outbox (``moderator.ingest.outbox``): an ``action`` row is
written with its audit event in one transaction, then :func:`send_now` gives each source one
outbox pass, so the platform is asked at once and the answer read back; what cannot be sent
now (no token, a fault) waits for the next scan or the worker, never sent twice. A refusal is a
``QueueError`` with a ``code`` and ``fields``, as ``decisions`` gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.ingest import outbox, sources
from moderator.ingest.recording import audit
from moderator.ingest.responses import BLOCKING, BY_HAND
from moderator.review import cases, users, visibility
from moderator.review.hiding import next_generation, standing
from moderator.review.responded import BLOCKABLE, REPORT_ACTIONS
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import (
    Action,
    AuthorAccount,
    Comment,
    Flag,
    Letter,
    Poster,
    Source,
    User,
)
from workqueue.errors import IllegalTransition
from workqueue.states import ActionStatus, FlagStatus

#: Where a comment can be reported: the platform's own flow, or its host asked to remove it.
REPORTED_TO = ("platform", "host")
#: Action statuses that leave a block (or its lifting) standing or on its way.
STANDING = (ActionStatus.PENDING, ActionStatus.SENDING, ActionStatus.CONFIRMED, ActionStatus.MANUAL)


@dataclass(frozen=True)
class Requested:
    """One outbox action a response asked for, as it stands after :func:`send_now`."""

    action_id: int
    kind: str
    platform: str
    source: str
    account: str  #: the person's name or id on the platform ("" for a reply)
    status: str
    detail: str | None = None  #: instructions (manual), the reason (failed), the reference


@dataclass(frozen=True)
class Reported:
    """A report recorded on a flag."""

    flag_id: int
    to: str  #: platform | host
    reported_by: str
    at: dt.datetime
    reference: str | None


#: The audit event's reason when the report has no note.
REPORT_WORDS = {"platform": "reported to the platform", "host": "the host asked to remove it"}


@dataclass(frozen=True)
class Responded:
    """What a block, unblock or reply did."""

    subject: str  #: "case 3" | "flag 12"
    actor: str
    role: str
    requested: tuple[Requested, ...]
    skipped: tuple[str, ...] = ()  #: accounts left as they were, and why


def block(
    engine: Engine,
    config: SchoolConfig,
    poster_ref: str,
    username: str,
    note: str | None = None,
    *,
    lift: bool = False,
) -> Responded:
    """Block (or with ``lift`` unblock) ``poster_ref`` on each of their accounts, per source
    they commented in; a headteacher's decision (``block`` permission)."""
    kind = "unblock" if lift else "block"
    with db.session_scope(engine) as session:
        user = _acting(session, config, username, "block")
        poster = cases.resolve(session, poster_ref)
        ids, skipped = [], []
        for account, comment in _reachable(session, poster):
            label = f"{account.platform} {account.name or account.platform_author_id}"
            state = _block_state(session, comment.source_id, account.id)
            if state == kind or (lift and state is None):
                skipped.append(f"{label}: already {'unblocked' if lift else 'blocked'}")
                continue
            ids.append(_add(session, comment, kind, user.username).id)
        if not ids:
            raise IllegalTransition(
                f"case {poster.id}: nothing to {kind}"
                + (f" ({'; '.join(skipped)})" if skipped else ": no account on a platform"),
                code=f"nothing_to_{kind}",
                case=poster.id,
                skipped=skipped,
            )
        why = (note or "").strip() or f"{kind} approved by {user.username}"
        audit(
            session,
            user.username,
            f"{kind}_approved",
            "poster",
            poster.id,
            why=why,
            role=user.role.value,
            actions=ids,
        )
        subject, actor, role = f"case {poster.id}", user.username, user.role.value
    send_now(engine, config, ids)
    return Responded(subject, actor, role, requested(engine, ids), tuple(skipped))


def reply(
    engine: Engine, config: SchoolConfig, flag_id: int, username: str, note: str | None = None
) -> Responded:
    """Post flag ``flag_id``'s complaint reply (its latest ``complaint_reply`` letter) in
    public under the comment, once; a headteacher's approval (``reply`` permission)."""
    with db.session_scope(engine) as session:
        user = _acting(session, config, username, "reply")
        flag = visibility.flag_for(session, flag_id, user, config.escalation.permissions)
        letter = session.scalars(
            select(Letter)
            .where(Letter.flag_id == flag.id, Letter.kind == "complaint_reply")
            .order_by(Letter.id.desc())
        ).first()
        if letter is None or flag.status == FlagStatus.DISMISSED:
            raise IllegalTransition(
                f"flag {flag.id} has no complaint reply to post: confirm it as a complaint "
                "first, which writes the reply",
                code="no_complaint_reply",
                id=flag.id,
            )
        if standing(session, STANDING, Action.flag_id == flag.id, Action.kind == "reply"):
            raise IllegalTransition(
                f"flag {flag.id}: the complaint reply has already been posted or is on its way",
                code="already_replied",
                id=flag.id,
            )
        action = _add(session, flag.comment, "reply", user.username, flag=flag, letter=letter)
        audit(
            session,
            user.username,
            "reply_approved",
            "flag",
            flag.id,
            why=(note or "").strip() or f"complaint reply (letter {letter.id}) approved",
            role=user.role.value,
            letter=letter.id,
            action_id=action.id,
        )
        ids, actor, role = [action.id], user.username, user.role.value
    send_now(engine, config, ids)
    return Responded(f"flag {flag_id}", actor, role, requested(engine, ids))


def report(
    engine: Engine,
    config: SchoolConfig,
    flag_id: int,
    username: str,
    *,
    to: str = "platform",
    reference: str | None = None,
    note: str | None = None,
) -> Reported:
    """Record that flag ``flag_id``'s comment was reported to the platform (``to="platform"``)
    or its host asked to remove it (``to="host"``): who, when, the reference they gave. The
    record is the flag's audit event (append-only), which ``responded.reports`` reads."""
    if to not in REPORTED_TO:
        raise IllegalTransition(
            f"report to {to!r}? expected one of {REPORTED_TO}", code="unknown_report_target"
        )
    with db.session_scope(engine) as session:
        user = _acting(session, config, username, "report")
        flag = visibility.flag_for(session, flag_id, user, config.escalation.permissions)
        reference, note = (reference or "").strip() or None, (note or "").strip() or None
        event = audit(
            session,
            user.username,
            REPORT_ACTIONS[to],
            "flag",
            flag.id,
            why=note or REPORT_WORDS[to],
            role=user.role.value,
            reference=reference,
            note=note,
        )
        session.flush()
        return Reported(flag.id, to, user.username, event.at, reference)


def send_now(engine: Engine, config: SchoolConfig, action_ids: Iterable[int]) -> list[str]:
    """One outbox pass for each source these actions belong to; the errors, in words (an
    action not sent now waits for the next scan or the worker)."""
    with db.session_scope(engine) as session:
        found = session.execute(
            select(Source.id, Source.name)
            .join(Comment, Comment.source_id == Source.id)
            .join(Action, Action.comment_id == Comment.id)
            .where(Action.id.in_(list(action_ids)), Action.status == ActionStatus.PENDING)
            .distinct()
        ).all()
    configured = {source.name: source for source in config.sources}
    errors: list[str] = []
    for source_id, name in found:
        setting = configured.get(name)
        if setting is None or setting.platform == "file":
            continue
        try:
            connector = sources.connect(setting)
            try:
                sent = outbox.send_due(engine, connector, source_id, None, setting.access_token_env)
            finally:
                connector.close()
        except ModeratorError as exc:
            errors.append(str(exc))
            continue
        errors += sent.errors
    return errors


def requested(engine: Engine, action_ids: Iterable[int]) -> tuple[Requested, ...]:
    """Where each action stands now."""
    with db.session_scope(engine) as session:
        rows = session.execute(
            select(Action, Source, AuthorAccount)
            .join(Comment, Comment.id == Action.comment_id)
            .join(Source, Source.id == Comment.source_id)
            .outerjoin(AuthorAccount, AuthorAccount.id == Comment.author_account_id)
            .where(Action.id.in_(list(action_ids)))
            .order_by(Action.id)
        ).all()
        return tuple(
            Requested(
                action.id,
                action.kind,
                source.platform,
                source.name,
                (account.name or account.platform_author_id)
                if account and action.kind != "reply"
                else "",
                action.status,
                action.instructions or action.last_error or action.reference,
            )
            for action, source, account in rows
        )


# -- helpers -------------------------------------------------------------------------------


def _acting(session: Session, config: SchoolConfig, username: str, what: str) -> User:
    user = users.acting(session, username)
    config.escalation.permissions.check(user.username, user.role, what)
    return user


def _reachable(session: Session, poster: Poster) -> list[tuple[AuthorAccount, Comment]]:
    """Each account on a platform, with its latest comment per source (which names the
    source and the platform's id for the person); comments without an id come last."""
    found = []
    for account in poster.accounts:
        if account.platform not in BLOCKABLE:
            continue
        latest = session.execute(
            select(Comment.source_id, func.max(Comment.id))
            .where(Comment.author_account_id == account.id)
            .group_by(Comment.source_id)
            .order_by(Comment.source_id)
        ).all()
        found += [(account, session.get_one(Comment, comment_id)) for _, comment_id in latest]
    return found


def _block_state(session: Session, source_id: int, account_id: int) -> str | None:
    """``block`` or ``unblock``: the latest standing one for this account in this source."""
    return session.scalars(
        select(Action.kind)
        .join(Comment, Comment.id == Action.comment_id)
        .where(
            Comment.source_id == source_id,
            Comment.author_account_id == account_id,
            Action.kind.in_(BLOCKING),
            Action.status.in_(STANDING),
        )
        .order_by(Action.id.desc())
    ).first()


def _add(
    session: Session,
    comment: Comment,
    kind: str,
    actor: str,
    *,
    flag: Flag | None = None,
    letter: Letter | None = None,
) -> Action:
    by_hand = comment.source.platform == "file"
    action = Action(
        comment_id=comment.id,
        flag_id=flag.id if flag else None,
        kind=kind,
        generation=next_generation(session, comment.id, kind),
        status=ActionStatus.MANUAL if by_hand else ActionStatus.PENDING,
        instructions=BY_HAND[kind] if by_hand else None,
        letter_id=letter.id if letter else None,
        requested_by=actor,
    )
    session.add(action)
    session.flush()
    audit(
        session,
        actor,
        f"{kind}_requested",
        "action",
        action.id,
        flag_id=action.flag_id,
        poster_id=comment.author_account.poster_id if comment.author_account else None,
    )
    return action
