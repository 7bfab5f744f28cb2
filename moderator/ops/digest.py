"""The daily digest email to moderators: counts, new high-severity flags, sources to look at.

:func:`build` reads the database, :func:`render` makes the email (plain text and HTML),
:func:`send` hands it to the ``[mail]`` SMTP server (``ops.mail``), and :func:`send_due` does all three once
per UK day, at or after ``[digest] at``, however many workers call it.

Safeguarding concerns (routed to the DSL) never carry comment text: the digest says only "a
safeguarding concern for the DSL, flag N". Other high-severity flags quote at most
:data:`EXCERPT_CHARS` characters of the comment when ``[digest] include_text`` is on.
"""

from __future__ import annotations

import datetime as dt
import html
import zlib
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, joinedload

from moderator.errors import ModeratorError
from moderator.evidence.times import UK
from moderator.ops import mail
from moderator.policy.categories import Route
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import AuditEvent, Comment, Flag, Source, utcnow
from workqueue.ladder import Step, highest, rank
from workqueue.states import OPEN, FlagStatus

EXCERPT_CHARS = 140
#: A source not polled for this many poll intervals needs attention.
STALE_INTERVALS = 3
#: ``send_due`` covers the time since the last digest, but never more than this.
LONGEST_PERIOD = dt.timedelta(days=7)
DEFAULT_PERIOD = dt.timedelta(hours=24)
SENT = "digest_sent"
#: The PostgreSQL advisory lock that lets one worker at a time send the day's digest.
LOCK_KEY = zlib.crc32(b"moderator.ops.digest")


class DigestError(ModeratorError):
    """The digest could not be sent."""


@dataclass(frozen=True)
class Item:
    """A new flag the digest lists one by one."""

    flag_id: int
    rung: Step | None
    categories: tuple[str, ...]
    platform: str
    source: str
    posted_at: dt.datetime
    dsl: bool  #: a safeguarding concern: never any text
    excerpt: str | None  #: None for safeguarding concerns, or when include_text is off

    @property
    def summary(self) -> str:
        if self.dsl:
            return f"a safeguarding concern for the DSL, flag {self.flag_id}"
        if self.excerpt is None:
            return f"comment text not included: see flag {self.flag_id}"
        return f"\u201c{self.excerpt}\u201d"


@dataclass(frozen=True)
class SourceProblem:
    """A configured source that needs someone to look at it."""

    name: str
    platform: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    school: str
    since: dt.datetime
    until: dt.datetime
    new_flags: int  #: flags created in the period
    by_status: dict[str, int]  #: of those flags, by their status now
    by_category: dict[str, int]  #: of those flags, by category (a flag can count in several)
    open_queue: int  #: all flags still to act on (new, hidden, in review)
    items: tuple[Item, ...]  #: new high-severity flags and safeguarding concerns
    sources: tuple[SourceProblem, ...]

    @property
    def high_severity(self) -> int:
        return sum(1 for item in self.items if not item.dsl)

    @property
    def safeguarding(self) -> int:
        return sum(1 for item in self.items if item.dsl)

    @property
    def subject(self) -> str:
        school = " ".join(self.school.split())
        parts = [_plural(self.new_flags, "new flag"), f"{self.high_severity} high severity"]
        if self.safeguarding:
            parts.append(f"{self.safeguarding} safeguarding")
        if self.sources:
            parts.append(_plural(len(self.sources), "source") + " to check")
        day = self.until.astimezone(UK)
        return f"[Moderation] {school}: {', '.join(parts)} ({day:%a} {day.day} {day:%b})"


def build(session: Session, config: SchoolConfig, since: dt.datetime, now: dt.datetime) -> Digest:
    """The digest of flags created in ``[since, now)``, the open queue and the sources."""
    flags = (
        session.scalars(
            select(Flag)
            .options(joinedload(Flag.comment).joinedload(Comment.source))
            .where(Flag.created_at >= since, Flag.created_at < now)
            .order_by(Flag.id)
        )
        .unique()
        .all()
    )
    by_status = Counter(flag.status.value for flag in flags)
    by_category = Counter(category for flag in flags for category in flag.categories)
    open_queue = session.scalar(
        select(func.count()).select_from(Flag).where(Flag.status.in_(list(OPEN)))
    )
    wanted = set(config.digest.high_severity)
    items = [
        _item(flag, config.digest.include_text)
        for flag in flags
        if _is_dsl(flag) or wanted & {flag.step, flag.escalated_step, flag.proposed_step}
    ]
    items.sort(key=lambda i: (not i.dsl, -rank(i.rung), i.posted_at, i.flag_id))
    return Digest(
        school=config.name,
        since=since,
        until=now,
        new_flags=len(flags),
        by_status={s.value: by_status[s.value] for s in FlagStatus if by_status[s.value]},
        by_category=dict(sorted(by_category.items())),
        open_queue=open_queue or 0,
        items=tuple(items),
        sources=tuple(_sources(session, config, now)),
    )


def _is_dsl(flag: Flag) -> bool:
    return flag.route == Route.DSL or "safeguarding" in flag.categories


def _item(flag: Flag, include_text: bool) -> Item:
    dsl = _is_dsl(flag)
    return Item(
        flag_id=flag.id,
        rung=highest([flag.step, flag.escalated_step, flag.proposed_step]),
        categories=tuple(flag.categories),
        platform=flag.comment.source.platform,
        source=flag.comment.source.name,
        posted_at=flag.posted_at,
        dsl=dsl,
        excerpt=None if dsl or not include_text else excerpt(flag.comment.text),
    )


def excerpt(comment: str, limit: int = EXCERPT_CHARS) -> str:
    """The comment on one line, cut to ``limit`` characters (an ellipsis included)."""
    line = " ".join(comment.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def _sources(session: Session, config: SchoolConfig, now: dt.datetime) -> list[SourceProblem]:
    rows = {row.name: row for row in session.scalars(select(Source))}
    found = []
    for source in config.sources:
        row = rows.get(source.name)
        problems: list[str] = []
        if row is None:
            problems.append("never scanned")
        else:
            if not row.healthy:
                problems.append("marked unhealthy (check its access token)")
            if row.last_error:
                problems.append(f"last error: {excerpt(row.last_error, 200)}")
            every = dt.timedelta(seconds=source.poll_interval_seconds)
            if row.last_polled_at is None:
                problems.append("never polled")
            elif now - row.last_polled_at > STALE_INTERVALS * every:
                problems.append(
                    f"not polled since {_when(row.last_polled_at)} (due every {_span(every)})"
                )
        if problems:
            found.append(SourceProblem(source.name, source.platform, tuple(problems)))
    return found


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone(UK)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def _span(every: dt.timedelta) -> str:
    minutes = int(every.total_seconds() // 60)
    if minutes < 1:
        return _plural(int(every.total_seconds()), "second")
    if minutes < 120:
        return _plural(minutes, "minute")
    return _plural(minutes // 60, "hour")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items()) or "none"


def _item_facts(item: Item) -> str:
    rung = item.rung.value.replace("_", " ") if item.rung else "no rung"
    return (
        f"{rung}; {', '.join(item.categories)}; {item.platform} ({item.source}); "
        f"posted {_when(item.posted_at)}"
    )


def plain_text(digest: Digest) -> str:
    """The digest as plain text (what ``moderator digest`` prints)."""
    lines = [
        f"Moderation digest: {digest.school}",
        f"Period: {_when(digest.since)} to {_when(digest.until)}",
        "",
        f"New flags: {digest.new_flags}",
        f"  by status now: {_counts(digest.by_status)}",
        f"  by category: {_counts(digest.by_category)}",
        f"Open queue (new, hidden or in review): {digest.open_queue}",
        "",
        f"High severity ({digest.high_severity}) and safeguarding ({digest.safeguarding}):",
    ]
    for item in digest.items:
        if item.dsl:
            lines.append(f"  - {item.summary} ({item.platform}, posted {_when(item.posted_at)})")
        else:
            lines.append(f"  - flag {item.flag_id}: {_item_facts(item)}")
            lines.append(f"      {item.summary}")
    if not digest.items:
        lines.append("  none")
    lines += ["", "Sources needing attention:"]
    for source in digest.sources:
        lines.append(f"  - {source.name} ({source.platform}): {'; '.join(source.problems)}")
    if not digest.sources:
        lines.append("  none")
    lines += [
        "",
        "Open a flag in the web interface (`moderator serve`) at /flags/N"
        + (f", e.g. /flags/{digest.items[0].flag_id}." if digest.items else "."),
    ]
    return "\n".join(lines) + "\n"


def html_text(digest: Digest) -> str:
    """The digest as a small HTML document (every value escaped)."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{e(digest.subject)}</title></head><body>",
        f"<h1>Moderation digest: {e(digest.school)}</h1>",
        f"<p>Period: {e(_when(digest.since))} to {e(_when(digest.until))}</p>",
        "<h2>New flags</h2>",
        "<table>",
        f"<tr><th scope='row'>New flags</th><td>{digest.new_flags}</td></tr>",
        f"<tr><th scope='row'>By status now</th><td>{e(_counts(digest.by_status))}</td></tr>",
        f"<tr><th scope='row'>By category</th><td>{e(_counts(digest.by_category))}</td></tr>",
        f"<tr><th scope='row'>Open queue</th><td>{digest.open_queue}</td></tr>",
        "</table>",
        f"<h2>High severity ({digest.high_severity}) and safeguarding ({digest.safeguarding})</h2>",
    ]
    if digest.items:
        out.append("<ul>")
        for item in digest.items:
            if item.dsl:
                out.append(
                    f"<li><strong>{e(item.summary)}</strong> ({e(item.platform)}, posted "
                    f"{e(_when(item.posted_at))}) &ndash; /flags/{item.flag_id}</li>"
                )
            else:
                out.append(
                    f"<li><strong>Flag {item.flag_id}</strong>: {e(_item_facts(item))} "
                    f"&ndash; /flags/{item.flag_id}<br>{e(item.summary)}</li>"
                )
        out.append("</ul>")
    else:
        out.append("<p>None.</p>")
    out.append("<h2>Sources needing attention</h2>")
    if digest.sources:
        out.append("<ul>")
        for source in digest.sources:
            out.append(
                f"<li><strong>{e(source.name)}</strong> ({e(source.platform)}): "
                f"{e('; '.join(source.problems))}</li>"
            )
        out.append("</ul>")
    else:
        out.append("<p>None.</p>")
    out.append(
        "<p>Open a flag in the web interface (<code>moderator serve</code>) at "
        "<code>/flags/N</code>.</p></body></html>"
    )
    return "\n".join(out) + "\n"


def render(digest: Digest) -> EmailMessage:
    """The email: plain text with an HTML alternative. :func:`send` adds From and To."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["Date"] = format_datetime(digest.until.astimezone(UK))
    message.set_content(plain_text(digest))
    message.add_alternative(html_text(digest), subtype="html")
    return message


def send(config: SchoolConfig, message: EmailMessage) -> list[str]:
    """Hand ``message`` to the ``[mail]`` server for ``[digest] to``; the addresses it refused
    (when it accepted others). Failures raise :class:`DigestError` naming the server."""
    if not config.mail.configured:
        raise DigestError("no SMTP server: add a [mail] table with host and from_address")
    if not config.digest.to:
        raise DigestError("no recipients: set [digest] to in the config")
    return mail.send(config.mail, list(config.digest.to), message, kind="digest", error=DigestError)


@dataclass(frozen=True)
class Sent:
    digest: Digest
    recipients: int  #: accepted by the server
    refused: tuple[str, ...]


def send_now(
    engine: Engine, config: SchoolConfig, digest: Digest, *, actor: str = "system"
) -> Sent:
    """Send ``digest`` now and record ``digest_sent`` (the audit event holds no text)."""
    sent = _deliver(engine, config, digest, actor=actor, once=False)
    assert sent is not None  # only a once-a-day delivery can find itself beaten to it
    return sent


def send_due(engine: Engine, config: SchoolConfig, now: dt.datetime | None = None) -> bool:
    """Send the day's digest if it is due: ``[digest] to`` is set, it is ``[digest] at`` or
    later (UK time) and no ``digest_sent`` is recorded for this UK day. True when sent.

    It covers the time since the last digest (at most :data:`LONGEST_PERIOD`, else 24 hours).
    Several workers may call it at once: the check and the record happen in one transaction
    (on PostgreSQL under an advisory lock, on SQLite under the write lock), so one sends.
    """
    now = now or utcnow()
    if not config.digest.to:
        return False
    local = now.astimezone(UK)
    if local.time() < config.digest.at:
        return False
    with db.session_scope(engine) as session:
        if _sent_today(session, now):
            return False
        last = session.scalar(
            select(func.max(AuditEvent.at)).where(AuditEvent.action == SENT, AuditEvent.at < now)
        )
        since = last if last and now - last <= LONGEST_PERIOD else now - DEFAULT_PERIOD
        digest = build(session, config, since, now)
    return _deliver(engine, config, digest, actor="system", once=True) is not None


def _day(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The UK day holding ``now``, as UTC instants ``[start, end)`` (23 or 25 hours at the
    clock changes)."""
    day = now.astimezone(UK).date()
    start = dt.datetime.combine(day, dt.time(), tzinfo=UK)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=UK)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _sent_today(session: Session, now: dt.datetime, other_than: int | None = None) -> bool:
    start, end = _day(now)
    query = select(func.count()).where(
        AuditEvent.action == SENT, AuditEvent.at >= start, AuditEvent.at < end
    )
    if other_than is not None:
        query = query.where(AuditEvent.id != other_than)
    return bool(session.scalar(query))


def _deliver(
    engine: Engine, config: SchoolConfig, digest: Digest, *, actor: str, once: bool
) -> Sent | None:
    """Record ``digest_sent`` and send, in one transaction: a failed send records nothing.

    With ``once``, nothing is sent when another ``digest_sent`` exists for the UK day. The
    lock is taken before that check and held until commit: on PostgreSQL an advisory
    transaction lock; on SQLite the write lock that inserting the event takes (other writers
    wait for the SMTP conversation, bounded by ``[mail] timeout_seconds``).
    """
    message = render(digest)
    with db.session_scope(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        event = AuditEvent(
            at=digest.until,
            actor=actor,
            action=SENT,
            detail=_detail(config, digest, refused=()),
        )
        session.add(event)
        session.flush()
        if once and _sent_today(session, digest.until, other_than=event.id):
            session.rollback()
            return None
        refused = tuple(send(config, message))
        if refused:
            event.detail = _detail(config, digest, refused=refused)
    return Sent(digest, len(config.digest.to) - len(refused), refused)


def _detail(config: SchoolConfig, digest: Digest, refused: tuple[str, ...]) -> dict[str, int | str]:
    """What the audit log keeps of a digest: counts and the period, never text or addresses."""
    return {
        "recipients": len(config.digest.to) - len(refused),
        "refused": len(refused),
        "flags": digest.new_flags,
        "high_severity": digest.high_severity,
        "safeguarding": digest.safeguarding,
        "sources_needing_attention": len(digest.sources),
        "since": digest.since.isoformat(),
        "until": digest.until.isoformat(),
    }
