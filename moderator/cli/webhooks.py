"""``moderator webhooks``: receive Meta's webhooks (Page feed, Instagram comments) and process
the changes they carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from moderator.cli import output
from moderator.cli.context import Context, friendly_errors
from moderator.errors import ModeratorError
from moderator.policy import classify as classify_mod


@click.group(name="webhooks")
def webhooks_group() -> None:
    """Meta webhooks (Page feed, Instagram comments): receive and process."""


@webhooks_group.command(name="serve")
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", default=8001, type=int, help="Port to listen on.")
@click.pass_obj
@friendly_errors
def webhooks_serve(obj: Context, host: str, port: int) -> None:
    """Receive webhooks (behind your HTTPS proxy) and process them as they arrive."""
    from moderator.ingest import webhooks as webhook_processing
    from moderator.ops import listening
    from moderator.web import webhook_app

    config = obj.config()
    if not config.webhooks.enabled:
        raise ModeratorError(
            f"{config.path}: no [webhooks] section; add app_secret_env (and verify_token_env "
            "for the subscription handshake)"
        )
    engine = obj.engine()
    classifier = _Lazy(lambda: classify_mod.classifier_for(config))
    processor = webhook_app.Processor(
        lambda: webhook_processing.process_pending(engine, config, classifier())
    )
    app = webhook_app.create_app(engine, config, on_stored=processor.wake)
    sock = listening.bind(host, port)
    click.echo(f"Receiving webhooks on {listening.url(host, port)}{config.webhooks.path}", err=True)
    processor.start()
    try:
        listening.serve(app, sock, log_level="warning", access_log=False)
    finally:
        processor.stop()


@webhooks_group.command(name="process")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def webhooks_process(obj: Context, as_json: bool) -> None:
    """Process stored webhook changes now (the receiver does this by itself)."""
    from moderator.ingest import webhooks as webhook_processing

    config = obj.config()
    engine = obj.engine()
    result = webhook_processing.process_pending(engine, config, classify_mod.classifier_for(config))
    output.report(result, as_json)


class _Lazy:
    """Build a value on first use (the classifier takes seconds to load)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build
        self.value: Any = None

    def __call__(self) -> Any:
        if self.value is None:
            self.value = self.build()
        return self.value
