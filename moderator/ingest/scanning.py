"""A scan: fetch comments from each source, record the new ones, classify, flag and act.

For every source, in batches of ``BATCH``, in one transaction per batch:

1. comments already recorded for the source (same platform comment id) are skipped, so a
   scan repeated, overlapping or interrupted records nothing twice;
2. new comments are stored with their raw platform JSON and capture time, then classified;
3. a comment the policy raises gets an evidence snapshot (before any hide), a flag, and when
   the policy says hide, a hide action in the outbox (``manual`` where the source cannot act,
   as a file of reports cannot); comments by the Page or account itself are recorded but
   never classified or acted on;
4. the batch commits, so a later failure loses nothing already recorded;
5. the outbox sends the source's due actions; ``hidden`` counts hides the platform confirmed.

Comments already recorded are compared with what was read (``rereading``): a poll also reads
again the last ``[worker] recheck_hours``, and an edited comment is classified again (its new
flags count in ``flagged``). After each batch the police and DSL flags just raised are alerted
at once: the alert rows are raised here (``moderator.review.alerts``) and sent by the
``alert`` callback the caller hands in (``moderator.ops.alerts.send_due``: ingest never imports
``ops``); without one they wait for the worker's next tick. A source read to the end has its missing flagged comments,
and those a letter asked to be removed, read directly: only the platform's "not found" records
one removed.

A record that cannot be recorded (unreadable, or unfit: see ``quarantine``) is quarantined: its
place and the reason are kept as rejected, counted in ``ScanResult.rejected`` and reported in
``ScanResult.errors``, and the records around it are recorded. Failing sources are reported in
``ScanResult.errors`` too; other sources go on. A token problem marks the source unhealthy. The
high-water mark moves only after a source finishes without failing (rejected records do not
hold it back: they would be refused again), and never past the time of the scan.
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
from connectors.graph_errors import GraphError
from moderator.errors import ModeratorError, SourceAuthError
from moderator.evidence import media, snapshot
from moderator.ingest import outbox, quarantine, recording, rereading, sources
from moderator.policy import wordlist
from moderator.policy.decide import Policy
from moderator.review import alerts, escalation
from moderator.settings.config import (
    SchoolConfig,
    SourceConfig,
)
from moderator.store import db
from moderator.store.models import Source, utcnow

BATCH = 100
#: sends the alerts due (``moderator.ops.alerts.send_due``); the errors, in words
Alerter = Callable[[Engine, SchoolConfig], list[str]]
#: an incremental poll re-reads this far behind the high-water mark: clocks differ, and the
#: platform may make a comment readable a little after its created_time
OVERLAP = dt.timedelta(minutes=10)
logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]


@dataclass
class ScanResult:
    """What a scan did; ``as_json`` is the ``scan --json`` contract."""

    fetched: int = 0
    new: int = 0
    flagged: int = 0
    hidden: int = 0
    rejected: int = 0  #: records quarantined (each also has its line in ``errors``)
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "fetched": self.fetched,
            "new": self.new,
            "flagged": self.flagged,
            "hidden": self.hidden,
            "rejected": self.rejected,
            "errors": list(self.errors),
        }


@dataclass
class Recorded:
    """What recording one batch did: comments new and flagged, and the records it refused."""

    new: int = 0
    flagged: int = 0
    rejected: list[Skipped] = field(default_factory=list)


def scan(
    engine: Engine,
    config: SchoolConfig,
    classifier: Classifier,
    *,
    source_name: str | None = None,
    since: dt.datetime | None = None,
    full: bool = False,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    alert: Alerter | None = None,
) -> ScanResult:
    """Scan every configured source (or only ``source_name``); ``stop`` ends it between
    batches; ``alert`` sends the police and DSL alerts after each batch."""
    result = ScanResult()
    policy = wordlist.policy_for(engine, config)
    selected = [config.source(source_name)] if source_name else list(config.sources)
    with db.session_scope(engine) as session:
        recording.snapshot_config(session, config)
    for source_config in selected:
        if stop is not None and stop():
            break
        try:
            connector = sources.connect(source_config)
        except ModeratorError as exc:
            result.errors.append(str(exc))
            _mark_failed(engine, source_config.name, source_config.platform, exc)
            continue
        try:
            run = SourceScan.for_source(
                engine, config, source_config, connector, classifier, policy, alert
            )
            run.run(since, full, result, progress, stop)
        finally:
            connector.close()
    return result


class SourceScan:
    """One pass over one source: fetch, record batch by batch, then move the high-water mark."""

    def __init__(
        self,
        engine: Engine,
        connector: CommentSource,
        classifier: Classifier,
        policy: Policy,
        config: SchoolConfig,
        token_env: str | None = None,
        alert: Alerter | None = None,
    ) -> None:
        self.engine = engine
        #: the whole config: re-reading (``[worker] recheck_hours``) and alerts
        self.school = config
        self.alert = alert
        hours = config.worker.recheck_hours
        self.recheck = dt.timedelta(hours=hours) if hours else None
        self.in_doubt_after = dt.timedelta(seconds=config.worker.in_doubt_after_seconds)
        self.escalation = config.escalation
        self.evidence = config.evidence
        self.token_env = token_env
        self.connector = connector
        self.classifier = classifier
        self.policy = policy
        #: flag a comment the policy raises nothing on too (a report a person made), and who
        #: and what took its snapshot
        self.flag_all, self.actor, self.via = False, "system", "scan"
        with db.session_scope(engine) as session:
            source = recording.source_row(session, connector.name, connector.platform)
            self.source_id = source.id
            self.high_water_mark = source.high_water_mark

    @classmethod
    def for_source(
        cls,
        engine: Engine,
        config: SchoolConfig,
        source_config: SourceConfig,
        connector: CommentSource,
        classifier: Classifier,
        policy: Policy,
        alert: Alerter | None = None,
    ) -> SourceScan:
        """The scan of one configured source, with the school's escalation, evidence and
        outbox settings (every caller: ``scan``, webhooks, the worker)."""
        return cls(
            engine, connector, classifier, policy, config, source_config.access_token_env, alert
        )

    def run(
        self,
        since: dt.datetime | None,
        full: bool,
        result: ScanResult,
        progress: Progress | None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Fetch and record everything in the window; errors go to ``result.errors``. ``stop``
        is asked between batches: a scan stopped early keeps what it recorded and leaves the
        high-water mark where it was, so the next poll reads the rest."""
        name = self.connector.name
        window = FetchWindow(
            since=since or (None if full else self._since_mark()),
            full=full,
            recheck_since=dt.datetime.now(dt.UTC) - self.recheck if self.recheck else None,
        )
        newest: dt.datetime | None = None
        seen: set[str] = set()
        stopped = False
        errors_before, fetched_before, rejected_before = (
            len(result.errors),
            result.fetched,
            result.rejected,
        )
        token_problem = False
        try:
            self.send_actions(result)  # actions left over from earlier runs first
            for batch in _batches(self.connector.fetch(window), BATCH):
                comments = [item for item in batch if isinstance(item, RawComment)]
                result.fetched += len(comments)
                newest = _newest(newest, comments)
                good, rejected = quarantine.split(batch)  # in the source's order, for messages
                seen.update(c.platform_comment_id for c in comments)
                edited = rereading.compare(self, good).flagged  # recorded before: read again
                recorded = self.record(good)
                result.new += recorded.new
                result.flagged += recorded.flagged + edited
                self.reject(rejected + recorded.rejected, result)
                self.send_alerts()
                self.send_actions(result)
                if progress:
                    progress(name, result.fetched - fetched_before)
                if stop is not None and stop():
                    result.errors.append(
                        f"source {name!r}: stopped before the end; the next poll reads the rest"
                    )
                    stopped = True
                    break
            if not stopped:  # read to the end: what it did not see may be gone
                rereading.confirm_gone(self, seen, _reread_from(window))
        except GraphError as exc:
            error = sources.source_error(name, exc, "reading comments", self.token_env)
            token_problem = isinstance(error, SourceAuthError)
            result.errors.append(str(error))
        except ModeratorError as exc:
            token_problem = isinstance(exc, SourceAuthError)
            result.errors.append(str(exc))
        except Exception as exc:  # a connector's bug must not stop the other sources
            logger.error("source %s failed: %s", name, type(exc).__name__)
            logger.debug("source %s failed", name, exc_info=True)  # may quote a value: DEBUG only
            result.errors.append(
                f"source {name!r}: failed unexpectedly ({type(exc).__name__}); what was read "
                "before it is kept"
            )
        errors = len(result.errors) - errors_before
        failed = errors > result.rejected - rejected_before
        _finish_source(
            self.engine,
            self.source_id,
            None if failed else newest,
            result.errors[-1] if errors else None,
            healthy=not token_problem,
            usage=self.connector.usage(),
        )

    def _since_mark(self) -> dt.datetime | None:
        """Where an incremental poll starts: the mark less the overlap."""
        if self.high_water_mark is None:
            return None
        return max(self.high_water_mark, dt.datetime.min.replace(tzinfo=dt.UTC) + OVERLAP) - OVERLAP

    def reject(self, rejected: list[Skipped], result: ScanResult) -> None:
        """Keep ``rejected`` as quarantined records of this source, and report each."""
        if not rejected:
            return
        with db.session_scope(self.engine) as session:
            quarantine.keep(session, self.source_id, rejected)
        result.rejected += len(rejected)
        result.errors += [
            f"source {self.connector.name!r}: {item.where}: {item.reason}" for item in rejected
        ]
        logger.info("source %s: %d record(s) rejected", self.connector.name, len(rejected))

    def send_alerts(self) -> None:
        """Alerts for the flags just raised, at once (their errors are kept on the alert and
        logged; they never fail the scan)."""
        if self.alert is None:  # raised now (the badge counts them), sent by the worker's tick
            with db.session_scope(self.engine) as session:
                alerts.raise_new(session, self.school)
            return
        for error in self.alert(self.engine, self.school):
            logger.warning("an alert was not sent: %s", error)

    def send_actions(self, result: ScanResult) -> None:
        """One outbox pass for this source (platform sources only)."""
        if not self.connector.can_act:
            return
        sent = outbox.send_due(
            self.engine,
            self.connector,
            self.source_id,
            token_env=self.token_env,
            in_doubt_after=self.in_doubt_after,
        )
        result.hidden += sent.confirmed
        result.errors += sent.errors

    def record(self, comments: list[RawComment]) -> Recorded:
        """Record a batch in one transaction; return what it did once it has committed.

        Comments unfit to record are set aside first (``quarantine.split``). When the batch
        fails on a record's own data all the same, its comments are recorded one by one and the
        ones that fail are set aside too, so every good comment is recorded. A race with another
        scanner hits the unique constraint; the batch is then retried once, and the comments
        the other scanner recorded are skipped.
        """
        good, rejected = quarantine.split(comments)
        try:
            new, flagged = self._commit_retrying(good)
        except Exception as exc:
            if not quarantine.caused_by_data(exc):
                raise
            logger.warning(
                "a record in the batch was refused; recording one by one",
                extra={"source": self.connector.name, "error": type(exc).__name__},
            )
            new = flagged = 0
            for comment in good:
                try:
                    one_new, one_flagged = self._commit_retrying([comment])
                except Exception as one:
                    if not quarantine.caused_by_data(one):
                        raise
                    rejected.append(quarantine.refused(comment, one))
                    continue
                new, flagged = new + one_new, flagged + one_flagged
        return Recorded(new, flagged, rejected)

    def _commit_retrying(self, comments: list[RawComment]) -> tuple[int, int]:
        try:
            return self._commit(comments)
        except IntegrityError:
            logger.info(
                "batch raced another scanner; retrying", extra={"source": self.connector.name}
            )
            return self._commit(comments)

    def _commit(self, comments: list[RawComment]) -> tuple[int, int]:
        with db.session_scope(self.engine) as session:
            return self._record(session, comments)

    def _record(self, session: Session, comments: list[RawComment]) -> tuple[int, int]:
        source = session.get_one(Source, self.source_id)
        fresh = recording.unseen(session, source, comments)
        if not fresh:
            return 0, 0
        rows = recording.comment_rows(session, source, fresh)
        session.flush()
        flagged = 0
        posters: set[int] = set()
        judged = [(raw, row) for raw, row in zip(fresh, rows, strict=True) if not raw.by_owner]
        scores = self.classifier.score([raw.text for raw, _ in judged]) if judged else []
        for (raw, row), score in zip(judged, scores, strict=True):
            decision = self.policy.decide(raw.text, score)
            risk = media.indecent_image_risk(decision, raw.raw, raw.text, self.policy.roster)
            if risk:
                decision = media.guarded(decision)
            classification = recording.classification_row(
                session, row, self.classifier, score, decision
            )
            if not decision.categories and not self.flag_all:
                continue
            snapshot.capture(
                session,
                row,
                classification,
                snapshot.Capture(
                    school=self.policy.school,
                    indecent_image_risk=risk,
                    media_hosts=self.evidence.media_hosts,
                    actor=self.actor,
                    via=self.via,
                ),
            )
            flag = recording.flag_row(session, row, classification, decision, self.policy.roster)
            flagged += 1
            if flag.poster_id is None:
                escalation.refresh_alone(session, flag, self.escalation.rule)
            else:
                posters.add(flag.poster_id)
            if decision.hide and self.escalation.auto_hide:
                recording.request_hide(session, row, flag, raw, self.connector.can_act)
        session.flush()
        escalation.refresh(session, posters, self.escalation.rule)
        return len(rows), flagged


def _reread_from(window: FetchWindow) -> dt.datetime | None:
    """The oldest creation time this poll read every listed comment from (``None``: nothing
    was re-read)."""
    if window.full or window.since is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return window.recheck_since


def _finish_source(
    engine: Engine,
    source_id: int,
    newest: dt.datetime | None,
    error: str | None,
    *,
    healthy: bool,
    usage: dict[str, object] | None,
) -> None:
    with db.session_scope(engine) as session:
        source = session.get_one(Source, source_id)
        source.last_polled_at = now = utcnow()
        source.last_error = error
        source.healthy = healthy
        if usage:
            source.usage = usage
        newest = min(newest, now) if newest else None  # a comment dated ahead moves it no further
        if newest and (source.high_water_mark is None or newest > source.high_water_mark):
            source.high_water_mark = newest


def _newest(newest: dt.datetime | None, comments: list[RawComment]) -> dt.datetime | None:
    """The latest created_time seen so far, this batch included."""
    times = [c.created_time for c in comments if c.created_time]
    return max([newest, *times] if newest else times, default=None)


def _mark_failed(engine: Engine, name: str, platform: str, exc: ModeratorError) -> None:
    """Record a source that could not even start (e.g. its token variable is not set)."""
    with db.session_scope(engine) as session:
        source = recording.source_row(session, name, platform)
        source.last_error = str(exc)
        source.healthy = not isinstance(exc, SourceAuthError)


def _batches(
    items: Iterable[RawComment | Skipped], size: int
) -> Iterator[list[RawComment | Skipped]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
