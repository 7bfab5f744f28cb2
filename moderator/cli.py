"""The ``moderator`` command (contract: interface.md).

Every option that has an environment variable shows it in ``--help``. Errors the user can fix
print one line, ``error: ...``, and exit 1; no traceback reaches the user for those.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from moderator import classify as classify_mod
from moderator import config as config_mod
from moderator import db, flags, scanning, timewindow
from moderator.exceptions import ModeratorError

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every command shares: where the config and the database are."""

    def __init__(self, config_path: Path | None, database_url: str) -> None:
        self.config_path = config_path
        self.database_url = database_url

    def config(self) -> config_mod.SchoolConfig:
        return config_mod.load(self.config_path)


def friendly_errors(command: F) -> F:
    """Turn :class:`ModeratorError` into one ``error:`` line and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ModeratorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar="MODERATOR_CONFIG",
    show_envvar=True,
    help="School config (TOML). Default: ./moderator.toml, else the sample school.",
)
@click.option(
    "--database-url",
    envvar="MODERATOR_DATABASE_URL",
    show_envvar=True,
    default=db.DEFAULT_URL,
    help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="school-moderator")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, database_url: str, verbose: int) -> None:
    """Moderate a school's Facebook and Instagram comments: classify, hide, escalate, keep evidence."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    for chatty in ("httpx", "httpcore", "urllib3"):  # their request lines carry access tokens
        logging.getLogger(chatty).setLevel(logging.WARNING)
    ctx.obj = Context(config_path, database_url)


@main.command()
@click.pass_obj
@friendly_errors
def demo(obj: Context) -> None:
    """Scan the bundled sample school and print its flag queue."""
    config = config_mod.load(config_mod.SAMPLE_CONFIG)
    engine = db.connect(obj.database_url)
    click.echo(
        f"Demo: {config.name} (a fictional school), database {db.safe_url(obj.database_url)}"
    )
    result = scanning.scan(
        engine, config, classify_mod.classifier_for(config), full=True, progress=_progress()
    )
    _print_summary(result)
    with db.session_scope(engine) as session:
        _print_queue(flags.queue(session))
    click.echo("\nNext: `moderator queue list --json` for the same queue as JSON.")


@main.command()
@click.option("--source", "source_name", help="Scan only this source (its name in the config).")
@click.option("--since", help="Only comments from this window, e.g. 24h, 7d, or 2026-10-01.")
@click.option("--full", is_flag=True, help="Read everything again, ignoring the high-water mark.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def scan(
    obj: Context, source_name: str | None, since: str | None, full: bool, as_json: bool
) -> None:
    """Fetch new comments, classify, record, snapshot evidence and queue flags."""
    if since and full:
        raise click.UsageError("--since and --full cannot be used together")
    window = timewindow.since(since) if since else None
    config = obj.config()
    engine = db.connect(obj.database_url)
    result = scanning.scan(
        engine,
        config,
        classify_mod.classifier_for(config),
        source_name=source_name,
        since=window,
        full=full,
        progress=None if as_json else _progress(),
    )
    _report(result, as_json)


def _report(result: scanning.ScanResult, as_json: bool) -> None:
    """The summary (or JSON), then one ``error:`` line per problem; exit 1 if there were any."""
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        _print_summary(result)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.errors:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.pass_obj
@friendly_errors
def classify(obj: Context, file: TextIO) -> None:
    """Score JSONL comments ({"id", "text"}) from FILE or stdin; one JSON line out per line in."""
    config = obj.config()
    failures = classify_mod.stream(file, sys.stdout, config, classify_mod.classifier_for(config))
    if failures:
        click.echo(
            f'error: {failures} input line(s) could not be read; see the "error" lines', err=True
        )
        sys.exit(1)


@main.group(name="queue")
def queue_group() -> None:
    """The moderators' flag queue."""


@queue_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@friendly_errors
def queue_list(obj: Context, as_json: bool) -> None:
    """List flags, most severe first."""
    engine = db.connect(obj.database_url)
    with db.session_scope(engine) as session:
        items = flags.queue(session)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        _print_queue(items)


@main.group(name="webhooks")
def webhooks_group() -> None:
    """Meta webhooks (Page feed, Instagram comments): receive and process."""


@webhooks_group.command(name="serve")
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", default=8001, type=int, help="Port to listen on.")
@click.pass_obj
@friendly_errors
def webhooks_serve(obj: Context, host: str, port: int) -> None:
    """Receive webhooks (behind your HTTPS proxy) and process them as they arrive."""
    import uvicorn

    from moderator import webhook_app, webhook_processing

    config = obj.config()
    if not config.webhooks.enabled:
        raise ModeratorError(
            f"{config.path}: no [webhooks] section; add app_secret_env (and verify_token_env "
            "for the subscription handshake)"
        )
    engine = db.connect(obj.database_url)
    classifier = _Lazy(lambda: classify_mod.classifier_for(config))
    processor = webhook_app.Processor(
        lambda: webhook_processing.process_pending(engine, config, classifier())
    )
    app = webhook_app.create_app(engine, config, on_stored=processor.wake)
    click.echo(f"Receiving webhooks on http://{host}:{port}{config.webhooks.path}", err=True)
    processor.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        processor.stop()


@webhooks_group.command(name="process")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def webhooks_process(obj: Context, as_json: bool) -> None:
    """Process stored webhook changes now (the receiver does this by itself)."""
    from moderator import webhook_processing

    config = obj.config()
    engine = db.connect(obj.database_url)
    result = webhook_processing.process_pending(engine, config, classify_mod.classifier_for(config))
    _report(result, as_json)


class _Lazy:
    """Build a value on first use (the classifier takes seconds to load)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build
        self.value: Any = None

    def __call__(self) -> Any:
        if self.value is None:
            self.value = self.build()
        return self.value


@main.group(name="db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command()
@click.pass_obj
@friendly_errors
def upgrade(obj: Context) -> None:
    """Migrate the database to the newest schema (other commands do this themselves)."""
    engine = db.connect(obj.database_url)
    click.echo(f"{db.safe_url(obj.database_url)} is at revision {db.current_revision(engine)}")


def _progress() -> scanning.Progress | None:
    if not sys.stderr.isatty():
        return None

    def report(source: str, fetched: int) -> None:
        click.echo(f"\r  {source}: {fetched} comments read", err=True, nl=False)

    return report


def _print_summary(result: scanning.ScanResult) -> None:
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(
        f"Scanned: {result.fetched} fetched, {result.new} new, {result.flagged} flagged, "
        f"{result.hidden} hidden on the platform, {len(result.errors)} errors."
    )


def _print_queue(items: list[dict[str, Any]]) -> None:
    if not items:
        click.echo("The flag queue is empty.")
        return
    click.echo(f"\nFlag queue ({len(items)}), most severe first:\n")
    click.echo(f"{'ID':>4}  {'STEP':<15} {'STATUS':<9} {'ROUTE':<11} {'CATEGORIES':<28} TEXT")
    for item in items:
        text = " ".join(item["text"].split())
        text = text if len(text) <= 60 else text[:57] + "..."
        hide = " [hide by hand]" if item["hide_by_hand"] else ""
        click.echo(
            f"{item['id']:>4}  {item['step'] or '-':<15} {item['status']:<9} {item['route'] or '-':<11} "
            f"{','.join(item['categories']):<28} {text}{hide}"
        )
    if any(item["hide_by_hand"] for item in items):
        click.echo(
            "\n[hide by hand] = policy says hide, but it could not be hidden automatically "
            "(a source that cannot act, or the platform refused)."
        )
