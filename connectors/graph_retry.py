"""One Graph call with the retries it deserves (Meta asks clients to stop calling while
rate-limited: https://developers.facebook.com/docs/graph-api/overview/rate-limiting).

* Rate limits (4, 17, 32, 613, 80001, 80002, 368): stop calling, wait what Meta asked for
  (``estimated_time_to_regain_access``) or else back off exponentially with jitter, then
  resume. A source that stays limited past ``max_wait_seconds`` in one run gives up with a
  rate-limit error; the next run picks up where this one stopped.
* Transient faults (codes 1 and 2, HTTP 5xx, network errors, timeouts, malformed bodies):
  short retries with jitter.
* Everything else (token, permission, not found) is raised at once: retrying cannot help.
* Usage above ``pace_above_percent`` paces calls a little, so the limit is not hit at all.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from connectors.graph_errors import GraphError, Kind
from connectors.graph_usage import Tracker

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for and between Graph calls (seconds)."""

    timeout_seconds: float = 30.0  #: one HTTP call, connect to last byte
    transient_retries: int = 4  #: retries of a temporary fault before giving up
    transient_base_seconds: float = 0.5  #: first pause after a temporary fault; doubles
    rate_limit_backoff_seconds: float = 10.0  #: first pause after a rate limit with no hint
    rate_limit_cap_seconds: float = 900.0  #: longest single pause
    max_wait_seconds: float = 1800.0  #: most one run waits on rate limits before stopping
    pace_above_percent: float = 95.0  #: usage at which calls are spaced out
    pace_seconds: float = 0.5  #: the spacing


class Caller:
    """Runs calls for one source; the rate-limit wait budget spans the caller's life."""

    def __init__(
        self,
        source: str,
        policy: RetryPolicy,
        tracker: Tracker,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.policy = policy
        self.tracker = tracker
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.waited = 0.0  #: seconds spent waiting on rate limits so far

    def call(self, request: Callable[[], T], *, retry_transient: bool = True) -> T:
        """``request()``, retried per the policy; raises the last :class:`GraphError`."""
        limited = transient = 0
        while True:
            self._pace()
            try:
                return request()
            except GraphError as exc:
                if exc.kind is Kind.RATE_LIMIT:
                    self._wait_out(exc, limited)
                    limited += 1
                elif (
                    exc.kind is Kind.TRANSIENT
                    and retry_transient
                    and transient < self.policy.transient_retries
                ):
                    pause = self._jitter(self.policy.transient_base_seconds * 2**transient)
                    logger.info(
                        "temporary Graph fault; retrying",
                        extra={"source": self.source, "seconds": round(pause, 2)},
                    )
                    self.sleep(pause)
                    transient += 1
                else:
                    raise

    def _wait_out(self, exc: GraphError, attempt: int) -> None:
        policy = self.policy
        if exc.retry_after:
            pause = exc.retry_after * (1 + 0.1 * self.rng.random())
        else:
            pause = self._jitter(
                min(policy.rate_limit_backoff_seconds * 2**attempt, policy.rate_limit_cap_seconds)
            )
        if self.waited + pause > policy.max_wait_seconds:
            raise GraphError(
                Kind.RATE_LIMIT,
                f"still rate limited after waiting {self.waited:.0f} s in this run "
                f"(Meta asks for {pause / 60:.0f} more minutes); the next run resumes "
                "from where this one stopped",
                code=exc.code,
                subcode=exc.subcode,
                fbtrace_id=exc.fbtrace_id,
                retry_after=pause,
            ) from exc
        logger.warning(
            "rate limited; waiting before resuming",
            extra={"source": self.source, "code": exc.code, "seconds": round(pause, 1)},
        )
        self.waited += pause
        self.sleep(pause)
        self.tracker.forget()  # the reading that came with the error is stale now

    def _pace(self) -> None:
        percent = self.tracker.latest.percent
        if percent is not None and percent >= self.policy.pace_above_percent:
            self.sleep(self.policy.pace_seconds)

    def _jitter(self, seconds: float) -> float:
        return seconds * (0.75 + 0.5 * self.rng.random())
