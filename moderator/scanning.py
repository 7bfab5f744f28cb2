"""A scan: fetch comments from each source, record the new ones, classify, flag and act.

For every source, in batches of ``BATCH``, in one transaction per batch:

1. comments already recorded for the source (same platform comment id) are skipped, so a
   scan repeated, overlapping or interrupted records nothing twice;
2. new comments are stored with their raw platform JSON and capture time, then classified;
3. a comment the policy raises gets an evidence snapshot (before any hide), a flag, and when
   the policy says hide, a hide action in the outbox (``manual`` where the source cannot act,
   as a file of reports cannot); ``hidden`` counts hides the platform has confirmed;
4. the batch commits, so a later failure loses nothing already recorded.

Unreadable items and failing sources are reported in ``ScanResult.errors``; other sources go
on. The high-water mark moves only after a source finishes cleanly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from classifiers.base import Classifier
from connectors.base import CommentSource, FetchWindow, RawComment, Skipped
from moderator import db, evidence, recording, sources
from moderator.config import SchoolConfig
from moderator.exceptions import ModeratorError
from moderator.models import Source, utcnow
from moderator.policy import Policy
from moderator.roster import Roster

BATCH = 100
logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]


@dataclass
class ScanResult:
    """What a scan did; ``as_json`` is the ``scan --json`` contract."""

    fetched: int = 0
    new: int = 0
    flagged: int = 0
    hidden: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "fetched": self.fetched,
            "new": self.new,
            "flagged": self.flagged,
            "hidden": self.hidden,
            "errors": list(self.errors),
        }


def scan(
    engine: Engine,
    config: SchoolConfig,
    classifier: Classifier,
    *,
    source_name: str | None = None,
    since: dt.datetime | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan every configured source (or only ``source_name``)."""
    result = ScanResult()
    policy = Policy(Roster(config.people), config.thresholds)
    selected = [config.source(source_name)] if source_name else list(config.sources)
    with db.session_scope(engine) as session:
        recording.snapshot_config(session, config)
    for source_config in selected:
        try:
            connector = sources.connect(source_config)
        except ModeratorError as exc:
            result.errors.append(str(exc))
            continue
        _scan_source(engine, connector, classifier, policy, since, full, result, progress)
    return result


def _scan_source(
    engine: Engine,
    connector: CommentSource,
    classifier: Classifier,
    policy: Policy,
    since: dt.datetime | None,
    full: bool,
    result: ScanResult,
    progress: Progress | None,
) -> None:
    with db.session_scope(engine) as session:
        source = recording.source_row(session, connector.name, connector.platform)
        window = FetchWindow(since=since or (None if full else source.high_water_mark), full=full)
    newest: dt.datetime | None = None
    clean = True
    fetched_before = result.fetched
    try:
        for batch in _batches(connector.fetch(window), BATCH):
            comments = [item for item in batch if isinstance(item, RawComment)]
            for item in batch:
                if isinstance(item, Skipped):
                    clean = False
                    result.errors.append(f"source {connector.name!r}: {item.where}: {item.reason}")
            result.fetched += len(comments)
            newest = max((c.created_time for c in comments if c.created_time), default=newest)
            _record(engine, source.id, connector, comments, classifier, policy, result)
            if progress:
                progress(connector.name, result.fetched - fetched_before)
    except ModeratorError as exc:
        clean = False
        result.errors.append(str(exc))
    _finish_source(
        engine, source.id, newest if clean else None, None if clean else result.errors[-1]
    )


def _record(
    engine: Engine,
    source_id: int,
    connector: CommentSource,
    comments: list[RawComment],
    classifier: Classifier,
    policy: Policy,
    result: ScanResult,
) -> None:
    """Record one batch in one transaction; on a race with another scanner, retry once."""
    for attempt in (1, 2):
        try:
            with db.session_scope(engine) as session:
                _record_batch(session, source_id, connector, comments, classifier, policy, result)
            return
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("batch raced another scanner; retrying", extra={"source": connector.name})


def _record_batch(
    session: Session,
    source_id: int,
    connector: CommentSource,
    comments: list[RawComment],
    classifier: Classifier,
    policy: Policy,
    result: ScanResult,
) -> None:
    source = session.get_one(Source, source_id)
    fresh = recording.unseen(session, source, comments)
    if not fresh:
        return
    rows = [recording.comment_row(session, source, c) for c in fresh]
    session.flush()
    scores = classifier.score([c.text for c in fresh])
    counts = {"new": len(rows), "flagged": 0}
    for raw, row, score in zip(fresh, rows, scores, strict=True):
        decision = policy.decide(raw.text, score)
        classification = recording.classification_row(session, row, classifier, score, decision)
        if not decision.categories:
            continue
        evidence.capture(session, row, classification)
        flag = recording.flag_row(session, row, classification, decision)
        counts["flagged"] += 1
        if decision.hide:
            recording.request_hide(session, row, flag, connector.can_act)
    session.flush()
    result.new += counts["new"]
    result.flagged += counts["flagged"]


def _finish_source(
    engine: Engine, source_id: int, newest: dt.datetime | None, error: str | None
) -> None:
    with db.session_scope(engine) as session:
        source = session.get_one(Source, source_id)
        source.last_polled_at = utcnow()
        source.last_error = error
        if newest and (source.high_water_mark is None or newest > source.high_water_mark):
            source.high_water_mark = newest


def _batches(
    items: Iterable[RawComment | Skipped], size: int
) -> Iterator[list[RawComment | Skipped]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
