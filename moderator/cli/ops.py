"""``moderator worker``, ``moderator nightly``, ``moderator status`` and ``moderator rejected``:
running unattended."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

import click

from moderator.cli.context import Context, friendly_errors
from moderator.ingest import quarantine, scanning
from moderator.ops import status

logger = logging.getLogger(__name__)


@click.command(name="worker")
@click.option("--once", is_flag=True, help="One round of due work, then exit (cron, tests).")
@click.option("--webhooks-host", default="127.0.0.1", help="Where the webhook receiver listens.")
@click.option("--webhooks-port", default=8001, type=click.IntRange(1, 65535))
@click.pass_obj
@friendly_errors
def worker_command(obj: Context, once: bool, webhooks_host: str, webhooks_port: int) -> None:
    """Poll each source when due, process webhooks, send platform actions and run the nightly
    scan, until SIGTERM (it finishes the batch in hand, then stops). Serves the webhook receiver
    too when [webhooks] is configured."""
    from moderator.ops import worker
    from moderator.policy import classify

    if logging.getLogger().level > logging.INFO:
        logging.getLogger("moderator").setLevel(logging.INFO)
    config = obj.config()
    engine = obj.engine()
    running = worker.Worker(engine, config, classify.classifier_for(config))
    running.install_signals()
    if config.webhooks.enabled and not once:
        _serve_webhooks(running, webhooks_host, webhooks_port)
    click.echo(f"worker {running.name}: {len(config.sources)} source(s); SIGTERM to stop", err=True)
    tally = running.run(once=once)
    click.echo(
        f"worker {running.name} stopped: {tally.polls} poll(s), {tally.nightly} nightly scan(s), "
        f"{len(tally.errors)} error(s)",
        err=True,
    )


def _serve_webhooks(running: Any, host: str, port: int) -> None:
    from moderator.ops import listening
    from moderator.web import webhook_app

    app = webhook_app.create_app(running.engine, running.config)
    sock = listening.bind(host, port)  # here, so a busy port stops the worker with one line
    threading.Thread(
        target=listening.serve,
        args=(app, sock),
        kwargs={"log_level": "warning"},
        name="webhooks",
        daemon=True,
    ).start()


@click.command(name="nightly")
@click.option("--days", type=click.IntRange(1, 3650), help="Default: [worker] nightly_days.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def nightly_command(obj: Context, days: int | None, as_json: bool) -> None:
    """Run the nightly scan now: re-read the last N days of every source (edits, missed
    webhooks) and classify again what an older model version judged."""
    from moderator.ingest import reclassify
    from moderator.policy import classify

    config = obj.config()
    engine = obj.engine()
    classifier = classify.classifier_for(config)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days or config.worker.nightly_days)
    progress = None if as_json else _progress()
    result = scanning.scan(engine, config, classifier, since=since, progress=progress)
    again = sum(
        reclassify.source(engine, config, classifier, s.name, since) for s in config.sources
    )
    if as_json:
        click.echo(json.dumps({**result.as_json(), "reclassified": again}))
    else:
        click.echo(
            f"\nnightly scan since {since:%Y-%m-%d %H:%M} UTC: fetched {result.fetched}, "
            f"new {result.new}, flagged {result.flagged}, hidden {result.hidden}, "
            f"rejected {result.rejected}, classified again {again}, errors {len(result.errors)}"
        )
        for error in result.errors:
            click.echo(f"error: {error}", err=True)


def _progress() -> scanning.Progress:
    def show(source: str, fetched: int) -> None:
        click.echo(f"\r  {source}: {fetched} comments read", nl=False, err=True)

    return show


@click.command(name="status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def status_command(obj: Context, as_json: bool) -> None:
    """Each source's health, last poll, next poll, backlog, and the model version."""
    config = obj.config()
    with obj.session() as session:
        report = status.report(session, config)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{report['school']}: classifier {report['classifier']}")
    click.echo(
        f"queue: {report['open_flags']} open flag(s); outbox: {report['pending_actions']} "
        f"pending action(s); webhooks: {report['pending_webhooks']} pending change(s); "
        f"rejected: {report['rejected_records']} record(s)"
    )
    zone = config.worker.timezone
    for s in report["sources"]:
        health = "ok" if s["healthy"] else "NEEDS ATTENTION"
        click.echo(
            f"  {s['name']:<20} {s['platform']:<10} {health:<16} "
            f"last poll {status.local(s['last_polled_at'], zone) or 'never'}"
            f"; next poll {status.next_poll(s, zone)}"
            + (f"; held by {s['lease_owner']}" if s["lease_owner"] else "")
        )
        if s["last_error"]:
            click.echo(f"      last error: {s['last_error']}")
        if s["rejected"]:
            click.echo(
                f"      rejected: {s['rejected']} record(s), the latest at "
                f"{status.local(s['last_rejected_at'], zone)}"
                f"; `moderator rejected --source {s['name']}` lists them"
            )


@click.command(name="rejected")
@click.option("--source", "source_name", help="Only this source (its name in the config).")
@click.option("--limit", default=100, type=click.IntRange(1, 100_000), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@friendly_errors
def rejected_command(obj: Context, source_name: str | None, limit: int, as_json: bool) -> None:
    """Records sources sent that could not be recorded (quarantined): where and why, most
    recently refused first. Their text is never kept; fixed at its source, a record is
    recorded by the next scan that reads it again (``scan --full`` reads everything)."""
    if source_name is not None:
        obj.config().source(source_name)  # an unknown name is one clear error
    with obj.session() as session:
        items = quarantine.listing(session, source_name, limit)
    if as_json:
        click.echo(json.dumps(items, indent=2))
        return
    if not items:
        click.echo("No rejected records.")
        return
    for item in items:
        seen = f", refused {item['times_seen']} times" if item["times_seen"] > 1 else ""
        click.echo(
            f"{item['last_seen_at'][:19]}  {item['source']}: {item['item']}: {item['reason']}{seen}"
        )
