"""``moderator worker``: polls each source when it is due, processes stored webhook changes, sends
platform actions, and runs the nightly scan, until SIGTERM.

Sources are shared out through the database, so several workers on one PostgreSQL share the
load: a worker takes a due source by a conditional UPDATE (``lease_owner``, ``lease_until``) that
only one can win, renews it after every batch, polls the source, and sets when it is next due.
A worker that died stops renewing; its source is taken over ``[worker] lease_seconds`` later.
The nightly scan is claimed per source and per local date the same way, so it runs once a day
whatever the number of workers.

Nothing is lost to a stop or a crash: every batch of comments commits as it is recorded, the
high-water mark moves only when a poll finished, and a platform action left "sending" is read
back from the platform before anything is sent again (``outbox``). A database outage is
reported and retried with a growing pause; what was fetched but not recorded is fetched again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, or_, select, update

from classifiers.base import Classifier
from moderator.errors import DatabaseError, ModeratorError
from moderator.evidence import drawing
from moderator.ingest import reclassify, recording, scanning, sources
from moderator.ops import alerts, digest
from moderator.policy.decide import Policy
from moderator.privacy import retention
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import Action, Comment, Source, utcnow

logger = logging.getLogger(__name__)
MAX_PAUSE = 300.0


@dataclass
class Tally:
    """What a worker has done since it started (for its log and for tests)."""

    polls: int = 0
    nightly: int = 0
    webhook_passes: int = 0
    images: int = 0  #: capture images drawn after the scan
    errors: list[str] = field(default_factory=list)


class Worker:
    """One worker process; :meth:`run` until :meth:`stop` (SIGTERM, SIGINT)."""

    def __init__(
        self,
        engine: Engine,
        config: SchoolConfig,
        classifier: Classifier,
        *,
        name: str | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine, self.config, self.classifier, self.clock = engine, config, classifier, clock
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self.tally = Tally()
        self.settings = config.worker
        self.policy = Policy.for_school(config)
        self._pause = self.settings.tick_seconds
        self._digest_retry_at = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._purged_on = ""
        self._undrawable: set[int] = set()

    def stop(self, *_: object) -> None:
        logger.info("worker stopping after the current batch", extra={"worker": self.name})
        self.stopping.set()

    def install_signals(self) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def run(self, *, once: bool = False) -> Tally:
        """Work until stopped (or one round with ``once``)."""
        logger.info("worker started", extra={"worker": self.name})
        while not self.stopping.is_set():
            self.tick()
            if once:
                break
            self.stopping.wait(self._pause)
        logger.info("worker stopped", extra={"worker": self.name})
        return self.tally

    def tick(self) -> None:
        """One round: due polls, webhook changes, nightly scans. A database outage is reported
        and retried after a pause that doubles up to :data:`MAX_PAUSE`."""
        try:
            self._ensure_sources()
            self._polls()
            self._outbox()
            self._webhooks()
            self._nightly()
            self._daily()
            for error in alerts.send_due(self.engine, self.config, self.clock()):  # held ones
                self.tally.errors.append(error)
            self._images()
        except DatabaseError as exc:
            self._pause = min(MAX_PAUSE, max(self._pause * 2, 1.0))
            message = f"{exc}; retrying in {self._pause:.0f} s"
            self.tally.errors.append(message)
            logger.error(message, extra={"worker": self.name})
            return
        self._pause = self.settings.tick_seconds

    def _images(self) -> None:
        """Draw a few capture images the scans left for later (:mod:`moderator.evidence.drawing`)."""
        if not self.stopping.is_set():
            self.tally.images += drawing.draw_pending(self.engine, skip=self._undrawable)

    def _ensure_sources(self) -> None:
        with db.session_scope(self.engine) as session:
            for source in self.config.sources:
                recording.source_row(session, source.name, source.platform)

    def _polls(self) -> None:
        while not self.stopping.is_set():
            leased = self._lease(nightly=False)
            if leased is None:
                return
            name, _ = leased
            self._scan(name, since=None, kind="poll")

    def _nightly(self) -> None:
        local = self.clock().astimezone(ZoneInfo(self.settings.timezone))
        if f"{local:%H:%M}" < self.settings.nightly_at:
            return
        while not self.stopping.is_set():
            leased = self._lease(nightly=True)
            if leased is None:
                return
            name, _ = leased
            since = self.clock() - dt.timedelta(days=self.settings.nightly_days)
            self._scan(name, since=since, kind="nightly")
            nightly_reclassify(self.engine, self.config, self.classifier, name, since)

    def _scan(self, name: str, since: dt.datetime | None, kind: str) -> None:
        source = self.config.source(name)
        try:
            result = scanning.scan(
                self.engine,
                self.config,
                self.classifier,
                source_name=name,
                since=since,
                stop=self.stopping.is_set,
                progress=lambda _source, _fetched: self._renew(name),
                alert=alerts.send_due,
            )
        finally:
            self._release(name, dt.timedelta(seconds=source.poll_interval_seconds))
        if kind == "poll":
            self.tally.polls += 1
        else:
            self.tally.nightly += 1
        self.tally.errors += result.errors
        logger.info(
            f"{kind} done",
            extra={
                "source": name,
                "fetched": result.fetched,
                "new": result.new,
                "flagged": result.flagged,
                "hidden": result.hidden,
                "errors": len(result.errors),
            },
        )

    def _lease(self, *, nightly: bool) -> tuple[str, int] | None:
        """Take one due source (a conditional UPDATE only one worker can win)."""
        now = self.clock()
        today = f"{now.astimezone(ZoneInfo(self.settings.timezone)):%Y-%m-%d}"
        names = [s.name for s in self.config.sources]
        with db.session_scope(self.engine) as session:
            free = or_(Source.lease_until.is_(None), Source.lease_until < now)
            due = (
                or_(Source.nightly_on.is_(None), Source.nightly_on < today)
                if nightly
                else or_(Source.next_poll_at.is_(None), Source.next_poll_at <= now)
            )
            candidates = session.scalars(
                select(Source.id).where(Source.name.in_(names), free, due).order_by(Source.id)
            ).all()
            for source_id in candidates:
                values: dict[str, object] = {
                    "lease_owner": self.name,
                    "lease_until": now + dt.timedelta(seconds=self.settings.lease_seconds),
                }
                if nightly:
                    values["nightly_on"] = today
                won = session.execute(
                    update(Source)
                    .where(Source.id == source_id, free, due)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
                if db.rowcount(won) == 1:
                    found = session.get_one(Source, source_id)
                    return found.name, source_id
        return None

    def _renew(self, name: str) -> None:
        """Keep holding ``name`` while a long scan goes on (called after every batch)."""
        with db.session_scope(self.engine) as session:
            session.execute(
                update(Source)
                .where(Source.name == name, Source.lease_owner == self.name)
                .values(
                    lease_until=self.clock() + dt.timedelta(seconds=self.settings.lease_seconds)
                )
            )

    def _release(self, name: str, interval: dt.timedelta) -> None:
        try:
            with db.session_scope(self.engine) as session:
                session.execute(
                    update(Source)
                    .where(Source.name == name, Source.lease_owner == self.name)
                    .values(
                        lease_owner=None, lease_until=None, next_poll_at=self.clock() + interval
                    )
                )
        except DatabaseError as exc:  # the lease lapses by itself
            logger.error(f"could not release {name}: {exc}", extra={"worker": self.name})

    def _daily(self) -> None:
        """The digest when it is due (once a day across workers: ``digest.send_due``), and the
        retention purge once a day per worker after the nightly time (it is idempotent). An
        SMTP failure is reported and tried again an hour later, not every tick."""
        now = self.clock()
        if self.config.digest.to and now >= self._digest_retry_at:
            try:
                digest.send_due(self.engine, self.config, now)
            except ModeratorError as exc:
                self._digest_retry_at = now + dt.timedelta(hours=1)
                self.tally.errors.append(str(exc))
                logger.error(f"digest not sent: {exc}", extra={"worker": self.name})
        local = now.astimezone(ZoneInfo(self.settings.timezone))
        today = f"{local:%Y-%m-%d}"
        if f"{local:%H:%M}" >= self.settings.nightly_at and self._purged_on != today:
            self._purged_on = today
            done = retention.purge(self.engine, self.config, now)
            logger.info("retention purge done", extra={"worker": self.name, "rows": done.total})

    def _outbox(self) -> None:
        """Platform actions waiting on a source that is not due for a poll (a retry, or one
        left "sending" by a worker that died): sent, or read back, now."""
        with db.session_scope(self.engine) as session:
            waiting = set(
                session.scalars(
                    select(Source.name)
                    .join(Comment, Comment.source_id == Source.id)
                    .join(Action, Action.comment_id == Comment.id)
                    .where(Action.status.in_(["pending", "sending"]))
                    .distinct()
                )
            )
        for config in self.config.sources:
            if config.name not in waiting or self.stopping.is_set():
                continue
            try:
                connector = sources.connect(config)
            except ModeratorError as exc:
                self.tally.errors.append(str(exc))
                continue
            try:
                run = scanning.SourceScan.for_source(
                    self.engine, self.config, config, connector, self.classifier, self.policy
                )
                sent = scanning.ScanResult()
                run.send_actions(sent)
                self.tally.errors += sent.errors
            except ModeratorError as exc:
                self.tally.errors.append(str(exc))
            finally:
                connector.close()

    def _webhooks(self) -> None:
        if not self.config.webhooks.enabled:
            return
        from moderator.ingest import webhooks as webhook_processing

        result = webhook_processing.process_pending(
            self.engine, self.config, self.classifier, alerts.send_due
        )
        self.tally.webhook_passes += 1
        self.tally.errors += result.errors


def nightly_reclassify(
    engine: Engine, config: SchoolConfig, classifier: Classifier, name: str, since: dt.datetime
) -> int:
    """Classify again the source's comments since ``since`` whose newest classification came
    from another model version; returns how many (new flags go to the queue)."""
    return reclassify.source(engine, config, classifier, name, since)
