"""The webhook receiver: a small Starlette app served by ``moderator webhooks serve``.

``GET  {path}``  the subscription handshake: 200 with ``hub.challenge`` as text/plain, else 403.
``POST {path}``  a delivery: 403 unless ``X-Hub-Signature-256`` matches the raw body; 400, and
                 nothing stored, when it is not a Meta delivery (not JSON, text that is not
                 valid Unicode, nested too deep, not of a delivery's shape: see
                 ``connectors.webhooks``); otherwise each comment change is stored (once) and
                 the answer is 200 at once. Processing runs in a background thread, so Meta
                 is never kept waiting for the platform or the classifier. When the database
                 is down the answer is 503, so Meta delivers again and nothing is lost.
``GET  /healthz`` 200 when the receiver runs.

Bodies over ``MAX_BODY`` are refused (Meta batches at most 1,000 changes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from connectors import webhooks
from moderator.errors import DatabaseError
from moderator.ingest import quarantine
from moderator.ingest import webhooks as webhook_processing
from moderator.settings.config import SchoolConfig

logger = logging.getLogger(__name__)
MAX_BODY = 5 * 1024 * 1024


def create_app(
    engine: Engine, config: SchoolConfig, on_stored: Callable[[], None] | None = None
) -> Starlette:
    """The receiver for ``config.webhooks``; ``on_stored`` is called after new changes land."""
    settings = config.webhooks
    app_secret = settings.secret("app_secret")
    verify_token = settings.secret("verify_token") if settings.verify_token_env else ""

    async def verify(request: Request) -> Response:
        challenge = webhooks.handshake(request.query_params, verify_token)
        if challenge is None:
            logger.warning("webhook handshake refused")
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(challenge)

    async def deliver(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        if not webhooks.signature_ok(
            raw, request.headers.get(webhooks.SIGNATURE_HEADER), app_secret
        ):
            logger.warning("webhook refused: missing or wrong signature")
            return PlainTextResponse("forbidden", status_code=403)
        try:
            changes = webhooks.parse(raw)
        except webhooks.PayloadError as exc:
            logger.warning("webhook refused: %s", exc)
            return PlainTextResponse("bad request", status_code=400)
        try:
            new = await run_in_threadpool(webhook_processing.store, engine, changes, config)
        except DatabaseError as exc:
            logger.error("webhook not stored; Meta will deliver it again: %s", exc)
            return PlainTextResponse("unavailable", status_code=503)
        except Exception as exc:
            if not quarantine.caused_by_data(exc):
                raise
            logger.warning("webhook refused: the database refused it (%s)", type(exc).__name__)
            return PlainTextResponse("bad request", status_code=400)
        logger.info("webhook stored", extra={"changes": len(changes), "new": new})
        if new and on_stored is not None:
            on_stored()
        return PlainTextResponse("EVENT_RECEIVED")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(settings.path, verify, methods=["GET"]),
            Route(settings.path, deliver, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


class Processor:
    """Drains stored changes in a background thread: woken by new deliveries, else every
    ``interval`` seconds (changes left by a restart or a failed try)."""

    def __init__(self, work: Callable[[], object], interval: float = 30.0) -> None:
        self.work = work
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-processor", daemon=True)

    def start(self) -> Processor:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.work()
            except Exception:  # keep receiving; the failure is logged
                logger.exception("webhook processing failed; will try again")
