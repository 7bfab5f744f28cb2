"""Stored webhook changes -> the comment, fetched afresh -> the scan pipeline.

:func:`store` keeps each change once (``dedup_key`` is unique: Meta retries deliveries) before
the receiver answers 200. :func:`process_pending` then works through the stored changes:

* ``add`` (and Instagram's changes): the comment is fetched from the platform (a webhook has no
  ``can_hide``/``is_hidden``, and the comment may be gone already) and recorded, classified,
  snapshotted and acted on exactly as a poll would; a comment a poll already recorded is
  skipped there, so webhook and poll never record it twice;
* ``remove``: the comment's ``removed_at`` is set; the record and its evidence are kept;
* ``edited``: the comment is read again and, when its text changed, classified again whether
  it was flagged or not (``rereading``: a correction snapshot, or a new flag with both versions
  in its evidence; the record of what was first said is never rewritten);
* ``hide``, ``unhide``: noted;
* changes for a Page or account no source is configured for, and the Page's own comments,
  are ignored and say so;
* a change whose ids cannot be stored, or whose comment cannot be recorded (``quarantine``), is
  kept as a rejected record of its source (where and why, never its text) and marked
  ``rejected``; the other changes go on.

A change that fails for a reason that may pass (network, rate limit, token) stays pending and
is tried again; after ``MAX_ATTEMPTS`` it is marked failed, as is one that fails unexpectedly.
The reconciliation poll (``scan``) catches anything a lost webhook would have brought.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Engine, select, update

from classifiers.base import Classifier
from connectors import records
from connectors.base import CommentSource, Skipped
from connectors.graph_errors import GraphError
from connectors.webhooks import WebhookChange
from moderator.errors import ModeratorError
from moderator.ingest import quarantine, recording, rereading, scanning, sources
from moderator.policy import wordlist
from moderator.policy.decide import Policy
from moderator.settings.config import SchoolConfig, SourceConfig
from moderator.store import db
from moderator.store.models import Comment, WebhookEvent, utcnow

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 200


def store(
    engine: Engine, changes: Iterable[WebhookChange], config: SchoolConfig | None = None
) -> int:
    """Store changes not seen before; return how many were new. A change whose ids cannot be
    stored is kept as a rejected record of the source ``config`` has for its account instead
    (dropped, with a warning, when there is none)."""
    changes = list(changes)
    _reject_unstorable(engine, [c for c in changes if c.problem], config)
    changes = [c for c in changes if not c.problem]
    rows = [
        {
            "dedup_key": c.dedup_key,
            "received_at": utcnow(),
            "platform": c.platform,
            "account_id": c.account_id,
            "comment_id": c.comment_id,
            "post_id": c.post_id,
            "verb": c.verb,
            "change": recording.storable(c.value),
            "status": "ignored" if c.by_owner else "pending",
            "attempts": 0,
            "last_error": "the Page's or account's own comment" if c.by_owner else None,
        }
        for c in changes
    ]
    if not rows:
        return 0
    with db.session_scope(engine) as session:
        return sum(db.insert_if_absent(session, WebhookEvent, row, "dedup_key") for row in rows)


def _reject_unstorable(
    engine: Engine, changes: list[WebhookChange], config: SchoolConfig | None
) -> None:
    if not changes:
        return
    by_account = {_account(s): s for s in config.sources if s.platform != "file"} if config else {}
    with db.session_scope(engine) as session:
        for change in changes:
            source = by_account.get((change.platform, change.account_id))
            if source is None:
                logger.warning("a webhook change for no configured source was refused")
                continue
            row = recording.source_row(session, source.name, source.platform)
            assert change.problem is not None
            quarantine.keep(session, row.id, [Skipped(change.where, change.problem)])


def process_pending(
    engine: Engine,
    config: SchoolConfig,
    classifier: Classifier,
    alert: scanning.Alerter | None = None,
) -> scanning.ScanResult:
    """One pass over the pending changes (each tried once); errors go in the result; ``alert``
    sends the police and DSL alerts the changes raised (see ``scanning``)."""
    result = scanning.ScanResult()
    policy = wordlist.policy_for(engine, config)
    by_account = {_account(s): s for s in config.sources if s.platform != "file"}
    after = 0  # keyset: each pending change is tried once per pass
    while events := _pending(engine, after):
        after = events[-1].id
        groups: dict[tuple[str, str], list[WebhookEvent]] = {}
        for event in events:
            groups.setdefault((event.platform, event.account_id), []).append(event)
        for key, group in groups.items():
            source_config = by_account.get(key)
            if source_config is None:
                _settle(engine, group, "ignored", f"no {key[0]} source is configured for {key[1]}")
                continue
            _process_group(engine, source_config, classifier, policy, config, group, result, alert)
    return result


def _account(source: SourceConfig) -> tuple[str, str]:
    return source.platform, str(source.page_id or source.account_id)


def _pending(engine: Engine, after: int) -> list[WebhookEvent]:
    with db.session_scope(engine) as session:
        return list(
            session.scalars(
                select(WebhookEvent)
                .where(
                    WebhookEvent.status == "pending",
                    WebhookEvent.attempts < MAX_ATTEMPTS,
                    WebhookEvent.id > after,
                )
                .order_by(WebhookEvent.id)
                .limit(BATCH)
            )
        )


def _process_group(
    engine: Engine,
    source_config: SourceConfig,
    classifier: Classifier,
    policy: Policy,
    config: SchoolConfig,
    events: list[WebhookEvent],
    result: scanning.ScanResult,
    alert: scanning.Alerter | None = None,
) -> None:
    try:
        connector = sources.connect(source_config)
    except ModeratorError as exc:
        _retry_later(engine, events, str(exc))
        result.errors.append(str(exc))
        return
    try:
        run = scanning.SourceScan.for_source(
            engine, config, source_config, connector, classifier, policy, alert
        )
        for event in events:
            try:
                _process_one(engine, run, connector, event, result)
            except ModeratorError:
                raise
            except Exception as exc:  # a bug must not hold up the changes behind this one
                logger.error("webhook change %s failed: %s", event.id, type(exc).__name__)
                logger.debug("webhook change %s failed", event.id, exc_info=True)
                note = f"failed unexpectedly ({type(exc).__name__})"
                _settle(engine, [event], "failed", note)
                result.errors.append(
                    f"source {connector.name!r}: webhook change {event.id}: {note}"
                )
        run.send_alerts()
        run.send_actions(result)
    except ModeratorError as exc:
        result.errors.append(str(exc))
    finally:
        connector.close()


def _process_one(
    engine: Engine,
    run: scanning.SourceScan,
    connector: CommentSource,
    event: WebhookEvent,
    result: scanning.ScanResult,
) -> None:
    if event.verb == "remove":
        _removed(engine, run.source_id, event)
        return
    if event.verb not in ("add", "edited") or not event.comment_id:
        _settle(engine, [event], "done", f"{event.verb}: noted")
        return
    known = event.verb == "edited" and _known(engine, run.source_id, event.comment_id)
    try:
        comment = connector.fetch_comment(event.comment_id, event.post_id)
    except GraphError as exc:
        error = sources.source_error(
            connector.name, exc, "fetching a comment from a webhook", run.token_env
        )
        _retry_later(engine, [event], str(error))
        raise error from exc  # the group stops here; _process_group reports it once
    except ValueError as exc:  # the platform's answer is not a comment we can read
        where = f"comment {records.shown(event.comment_id)}"
        _rejected(engine, run, event, Skipped(where, str(exc)), result)
        return
    if comment is None:
        _settle(engine, [event], "done", "the comment was gone before it could be read")
        return
    result.fetched += 1
    good, bad = quarantine.split([comment])
    if bad:
        _rejected(engine, run, event, bad[0], result)
        return
    if known:  # what was first said stays recorded; the new version is classified again
        try:
            reread = rereading.compare(run, good, via="webhook")
        except Exception as exc:
            if not quarantine.caused_by_data(exc):
                raise
            _rejected(engine, run, event, quarantine.refused(comment, exc), result)
            return
        result.flagged += reread.flagged
        note = "edited"
        if reread.corrected or reread.flagged:
            note = "edited: correction snapshot" if reread.corrected else "edited: flagged"
        elif reread.edits:
            note = "edited: classified again"
        _settle(engine, [event], "done", note)
        return
    recorded = run.record(good)
    result.new += recorded.new
    result.flagged += recorded.flagged
    if recorded.rejected:
        _rejected(engine, run, event, recorded.rejected[0], result)
        return
    _settle(engine, [event], "done", None)


def _rejected(
    engine: Engine,
    run: scanning.SourceScan,
    event: WebhookEvent,
    item: Skipped,
    result: scanning.ScanResult,
) -> None:
    """The change's comment cannot be recorded: keep it as rejected, and say why."""
    run.reject([item], result)
    _settle(engine, [event], "rejected", f"rejected: {item.reason}")


def _known(engine: Engine, source_id: int, comment_id: str) -> bool:
    with db.session_scope(engine) as session:
        return (
            session.scalar(
                select(Comment.id).where(
                    Comment.source_id == source_id, Comment.platform_comment_id == comment_id
                )
            )
            is not None
        )


def _removed(engine: Engine, source_id: int, event: WebhookEvent) -> None:
    with db.session_scope(engine) as session:
        comment = session.scalar(
            select(Comment).where(
                Comment.source_id == source_id, Comment.platform_comment_id == event.comment_id
            )
        )
        if comment is not None and comment.removed_at is None:
            comment.removed_at = utcnow()
            recording.audit(
                session, "system", "removed_on_platform", "comment", comment.id, via="webhook"
            )
    _settle(engine, [event], "done", None if comment else "removed before it was recorded")


def _settle(engine: Engine, events: list[WebhookEvent], status: str, note: str | None) -> None:
    with db.session_scope(engine) as session:
        session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id.in_([e.id for e in events]))
            .values(status=status, last_error=note, processed_at=utcnow())
        )


def _retry_later(engine: Engine, events: list[WebhookEvent], error: str) -> None:
    with db.session_scope(engine) as session:
        for event in events:
            row = session.get_one(WebhookEvent, event.id)
            row.attempts += 1
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
    logger.warning("webhook changes left for a later try", extra={"count": len(events)})
