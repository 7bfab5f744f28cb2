"""The ``moderator`` command (its options, words and exit codes are a contract: docs/commands.md):
the group, its global options and the core commands (``demo``, ``scan``, ``classify``,
``serve``, ``db``); each other command group has its own module in this package and is added here.

Every option that has an environment variable shows it in ``--help``. Errors the user can fix
print one line, ``error: ...``, and exit 1; no traceback reaches the user for those.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import click

from moderator.cli.context import Context, friendly_errors
from moderator.cli.lazy import LazyGroup
from moderator.store.urls import DEFAULT_URL

#: The command groups kept in their own modules, imported only when one of them runs (so
#: ``moderator classify`` never loads the database, the web or the PDF libraries).
COMMANDS = {
    "queue": "moderator.cli.queue:queue_group",
    "cases": "moderator.cli.cases:cases_group",
    "letters": "moderator.cli.cases:letters_group",
    "users": "moderator.cli.users:users_group",
    "webhooks": "moderator.cli.webhooks:webhooks_group",
    "evidence": "moderator.cli.evidence:evidence_group",
    "worker": "moderator.cli.ops:worker_command",
    "nightly": "moderator.cli.ops:nightly_command",
    "status": "moderator.cli.ops:status_command",
    "rejected": "moderator.cli.ops:rejected_command",
    "digest": "moderator.cli.digest:digest_command",
    "purge": "moderator.cli.data:purge_command",
    "sar": "moderator.cli.data:sar_command",
    "report": "moderator.cli.report:report_group",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
)
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
    default=DEFAULT_URL,
    help="sqlite:///path or postgresql+psycopg://user@host/db (postgres:// and postgresql:// "
    "mean the latter).",
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
    from moderator.cli import output
    from moderator.cli.queue import print_queue
    from moderator.ingest import scanning
    from moderator.policy import classify as classify_mod
    from moderator.review import flags
    from moderator.settings import config as config_mod
    from moderator.store import db

    config = config_mod.load(config_mod.SAMPLE_CONFIG)
    engine = obj.engine()
    click.echo(
        f"Demo: {config.name} (a fictional school), database {db.safe_url(obj.database_url)}"
    )
    result = scanning.scan(
        engine, config, classify_mod.classifier_for(config), full=True, progress=output.progress()
    )
    output.print_summary(result)
    with obj.session() as session:
        print_queue(flags.queue(session))
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
    from moderator.cli import output
    from moderator.ingest import scanning
    from moderator.ops import timewindow
    from moderator.policy import classify as classify_mod

    if since and full:
        raise click.UsageError("--since and --full cannot be used together")
    window = timewindow.since(since) if since else None
    config = obj.config()
    engine = obj.engine()
    result = scanning.scan(
        engine,
        config,
        classify_mod.classifier_for(config),
        source_name=source_name,
        since=window,
        full=full,
        progress=None if as_json else output.progress(),
    )
    output.report(result, as_json)


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.pass_obj
@friendly_errors
def classify(obj: Context, file: TextIO) -> None:
    """Score JSONL comments ({"id", "text"}) from FILE or stdin; one JSON line out per line in."""
    from moderator.policy import classify as classify_mod

    config = obj.config()
    if file.isatty():
        click.echo('Reading JSONL lines {"id", "text"}; end with Ctrl-D.', err=True)
    lines = _first_line_then_rest(file)
    if lines is None:  # answer at once: no model to load for nothing
        click.echo("No input: nothing to classify.", err=True)
        return
    failures = classify_mod.stream(lines, sys.stdout, config, classify_mod.classifier_for(config))
    if failures:
        click.echo(
            f'error: {failures} input line(s) could not be classified; see the "error" lines',
            err=True,
        )
        sys.exit(1)


def _first_line_then_rest(file: TextIO) -> Iterable[str] | None:
    """Every line of ``file``, once a line that is not blank has come; ``None`` when none does."""
    blank: list[str] = []
    for line in file:
        if line.strip():
            return itertools.chain(blank, [line], file)
        blank.append(line)
    return None


@main.command()
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", default=8000, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Mark the sign-in cookie Secure always / never. Default: when the request came over "
    "HTTPS (directly or via a proxy's X-Forwarded-Proto).",
)
@click.pass_obj
@friendly_errors
def serve(obj: Context, host: str, port: int, secure_cookies: bool | None) -> None:
    """The moderators' web interface: sign in at /login, the queue at /."""
    from moderator.ops import listening
    from moderator.web import app as web_app

    config = obj.config()
    settings = web_app.Settings(secure_cookies=secure_cookies)
    application = web_app.create_app(obj.engine(), config, settings)
    sock = listening.bind(host, port)  # before saying so: a busy port is one error line
    click.echo(f"Serving {config.name} on {listening.url(host, port)} (Ctrl+C to stop)")
    listening.serve(application, sock, log_level="warning", proxy_headers=True)


@main.group(name="db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command()
@click.pass_obj
@friendly_errors
def upgrade(obj: Context) -> None:
    """Migrate the database to the newest schema (other commands do this themselves)."""
    from moderator.store import db

    engine = obj.engine()
    where = engine.url.render_as_string(hide_password=True)  # as used: postgres:// rewritten
    click.echo(f"{where} is at revision {db.current_revision(engine)}")
