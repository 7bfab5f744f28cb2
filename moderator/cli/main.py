"""The ``moderator`` command (its options, words and exit codes are a contract: docs/commands.md).

Every option that has an environment variable shows it in ``--help``. Errors the user can fix
print one line, ``error: ...``, and exit 1; no traceback reaches the user for those.
"""

from __future__ import annotations

import itertools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import click

from moderator.cli import data as cli_data
from moderator.cli import digest as cli_digest
from moderator.cli import evidence as cli_evidence
from moderator.cli import ops as cli_ops
from moderator.cli import report as cli_report
from moderator.cli import respond as cli_respond
from moderator.cli.context import Context, friendly_errors, operator
from moderator.errors import ModeratorError
from moderator.evidence import custody
from moderator.ingest import scanning
from moderator.ops import timewindow
from moderator.policy import classify as classify_mod
from moderator.review import flags
from moderator.settings import config as config_mod
from moderator.store import db
from workqueue.ladder import Step
from workqueue.roles import Role
from workqueue.states import FlagStatus


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
    config = config_mod.load(config_mod.SAMPLE_CONFIG)
    engine = obj.engine()
    click.echo(
        f"Demo: {config.name} (a fictional school), database {db.safe_url(obj.database_url)}"
    )
    result = scanning.scan(
        engine, config, classify_mod.classifier_for(config), full=True, progress=_progress()
    )
    _print_summary(result)
    with obj.session() as session:
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
    engine = obj.engine()
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


@main.group(name="queue")
def queue_group() -> None:
    """The moderators' flag queue."""


@queue_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in FlagStatus]),
    help="Only flags in this status (repeatable).",
)
@click.option("--open", "open_only", is_flag=True, help="Only flags still to act on.")
@click.option(
    "--route", type=click.Choice(["moderators", "dsl", "complaints"]), help="Only this route."
)
@click.option("--as", "username", help="Only what this user may see (DSL flags need the dsl role).")
@click.pass_obj
@friendly_errors
def queue_list(
    obj: Context,
    as_json: bool,
    statuses: tuple[str, ...],
    open_only: bool,
    route: str | None,
    username: str | None,
) -> None:
    """List flags, most severe first."""
    from moderator.review import users
    from workqueue.states import OPEN

    config = obj.config()
    wanted = {FlagStatus(s) for s in statuses} | (set(OPEN) if open_only else set())
    with obj.session() as session:
        hide_dsl = False
        if username:
            user = users.acting(session, username)
            hide_dsl = not config.escalation.permissions.allows(user.role, "safeguarding")
        items = flags.queue(
            session,
            statuses=wanted,
            route=route,
            hide_dsl=hide_dsl,
            counted=config.escalation.rule.incident_categories,
        )
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        _print_queue(items)


@queue_group.command(name="show")
@click.argument("flag_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def queue_show(obj: Context, flag_id: int, as_json: bool) -> None:
    """One flag in full: the comment, why it was flagged, the recommendation, its history."""
    config = obj.config()
    with obj.session() as session:
        item = flags.show(session, flag_id, config.escalation.rule.incident_categories)
    if item is None:
        raise ModeratorError(f"there is no flag {flag_id}")
    shots = [snapshot["id"] for snapshot in item["evidence"]]
    custody.viewed(obj.engine(), shots, operator(), "queue show")
    if as_json:
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
    else:
        _print_flag(item)


@queue_group.command(name="decide")
@click.argument("flag_id", type=int)
@click.option("--as", "username", required=True, help="Who decides (a user from `users add`).")
@click.option("--confirm", "verb", flag_value="confirm", help="It breaches the policy.")
@click.option("--dismiss", "verb", flag_value="dismiss", help="It does not (unhides it).")
@click.option(
    "--escalate",
    "step",
    type=click.Choice([s.value for s in Step if s is not Step.REVIEW]),
    help="Take this rung (police needs a second person to confirm).",
)
@click.option("--close", "verb", flag_value="close", help="The matter is finished.")
@click.option(
    "--reopen",
    "verb",
    flag_value="reopen",
    help="Review a dismissed flag again (a confirmed one: a headteacher, with --note).",
)
@click.option("--note", help="Why (kept in the audit trail).")
@click.option(
    "--target", "targets", multiple=True, help="A person the comment targets (repeatable)."
)
@click.pass_obj
@friendly_errors
def queue_decide(
    obj: Context,
    flag_id: int,
    username: str,
    verb: str | None,
    step: str | None,
    note: str | None,
    targets: tuple[str, ...],
) -> None:
    """Decide on a flag: --confirm, --dismiss, --escalate STEP, --close or --reopen."""
    from moderator.cli import words as cli_words
    from moderator.review import decisions

    if step and verb:
        raise click.UsageError(f"--escalate cannot be combined with --{verb}")
    if step:
        verb = "escalate"
    if not verb and not targets:
        raise click.UsageError(
            "say what to decide: --confirm, --dismiss, --escalate STEP, --close or --reopen"
        )
    config = obj.config()
    engine = obj.engine()
    outcome = decisions.decide(
        engine,
        config,
        flag_id,
        username,
        verb,
        step=Step(step) if step else None,
        note=note,
        targets=targets,
    )
    click.echo(cli_words.outcome(outcome))


@queue_group.command(name="claim")
@click.option("--as", "username", required=True, help="Who takes the flags.")
@click.option("--limit", default=1, type=click.IntRange(1, 500), help="How many flags to take.")
@click.option("--json", "as_json", is_flag=True, help="Print the claimed ids as JSON.")
@click.pass_obj
@friendly_errors
def queue_claim(obj: Context, username: str, limit: int, as_json: bool) -> None:
    """Take the next flags for review (most severe first); nobody else gets them meanwhile."""
    from moderator.review import decisions

    config = obj.config()
    engine = obj.engine()
    ids = decisions.claim(engine, config, username, limit)
    if as_json:
        click.echo(json.dumps(ids))
    elif ids:
        click.echo(f"Claimed for {username}: " + ", ".join(str(i) for i in ids))
    else:
        click.echo("Nothing to claim: the queue has no new or hidden flags you may see.")


@queue_group.command(name="release")
@click.argument("flag_id", type=int)
@click.option("--as", "username", required=True, help="Who releases it.")
@click.option("--note", help="Why.")
@click.pass_obj
@friendly_errors
def queue_release(obj: Context, flag_id: int, username: str, note: str | None) -> None:
    """Put a claimed flag back in the queue, undecided."""
    from moderator.review import decisions

    config = obj.config()
    engine = obj.engine()
    status = decisions.release(engine, config, flag_id, username, note)
    click.echo(f"flag {flag_id}: back in the queue ({status.value}).")


@main.group(name="cases")
def cases_group() -> None:
    """Cases: each poster's incidents, across platforms."""


@cases_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@friendly_errors
def cases_list(obj: Context, as_json: bool) -> None:
    """Every poster with flags, most recently flagged first."""
    from moderator.review import cases

    with obj.session() as session:
        items = cases.summaries(session)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("No cases yet.")
    for item in items:
        accounts = ", ".join(f"{a['platform']} {a['name'] or a['id']}" for a in item["accounts"])
        click.echo(
            f"case {item['case']:>4}  {item['flags']:>3} flag(s)  {item['name']}  ({accounts})"
        )


@cases_group.command(name="show")
@click.argument("poster")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def cases_show(obj: Context, poster: str, as_json: bool) -> None:
    """A poster's case: accounts, incidents, the ladder so far, harassment, letters.

    POSTER is a case number, an account id or username, or a name."""
    from moderator.review import cases

    config = obj.config()
    with obj.session() as session:
        item = cases.view(session, config, cases.resolve(session, poster))
    if as_json:
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
    else:
        _print_case(item)


@cases_group.command(name="link")
@click.argument("poster")
@click.argument("other")
@click.option("--as", "username", required=True, help="Who links them.")
@click.option("--note", default="", help="Why they are the same person.")
@click.pass_obj
@friendly_errors
def cases_link(obj: Context, poster: str, other: str, username: str, note: str) -> None:
    """Make OTHER's accounts part of POSTER's case (the same person on several platforms)."""
    from moderator.review import cases

    config = obj.config()
    with obj.session() as session:
        kept = cases.link(session, config, poster, other, username, note)
        message = f"case {kept.id}: now {len(kept.accounts)} account(s); recommendations updated."
    click.echo(message)


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


@main.group(name="letters")
def letters_group() -> None:
    """Letters generated for cases."""


@letters_group.command(name="show")
@click.argument("letter_id", type=int)
@click.pass_obj
@friendly_errors
def letters_show(obj: Context, letter_id: int) -> None:
    """Print a letter as generated."""
    from moderator.store.models import Letter

    with obj.session() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise ModeratorError(f"there is no letter {letter_id}")
        click.echo(letter.text, nl=not letter.text.endswith("\n"))


@main.group(name="users")
def users_group() -> None:
    """Named user accounts (moderator, headteacher, dsl, admin)."""


@users_group.command(name="add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may do."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
@friendly_errors
def users_add(obj: Context, username: str, full_name: str, role: str, password_stdin: bool) -> None:
    """Add a named account."""
    from moderator.review import users

    password = _password(password_stdin)
    with obj.session() as session:
        user = users.add(session, username, full_name, role, password)
    click.echo(f"Added {user.username} ({user.full_name}, {user.role.value}).")


@users_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@friendly_errors
def users_list(obj: Context, as_json: bool) -> None:
    """Every account, with its role."""
    from moderator.review import users

    with obj.session() as session:
        items = [
            {
                "username": u.username,
                "name": u.full_name,
                "role": u.role.value,
                "active": u.active,
            }
            for u in users.all_users(session)
        ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        state = "" if item["active"] else "  (disabled)"
        click.echo(f"{item['username']:<20} {item['role']:<12} {item['name']}{state}")


@users_group.command(name="disable")
@click.argument("username")
@click.pass_obj
@friendly_errors
def users_disable(obj: Context, username: str) -> None:
    """Stop an account signing in or deciding (its decisions stay on record)."""
    _set_active(obj, username, False)


@users_group.command(name="enable")
@click.argument("username")
@click.pass_obj
@friendly_errors
def users_enable(obj: Context, username: str) -> None:
    """Let a disabled account sign in and decide again."""
    _set_active(obj, username, True)


def _set_active(obj: Context, username: str, active: bool) -> None:
    from moderator.review import users

    with obj.session() as session:
        users.set_active(session, username, active)
    click.echo(f"{username} is {'enabled' if active else 'disabled'}.")


@users_group.command(name="password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
@friendly_errors
def users_password(obj: Context, username: str, password_stdin: bool) -> None:
    """Set a new password."""
    from moderator.review import users

    password = _password(password_stdin)
    with obj.session() as session:
        users.set_password(session, username, password)
    click.echo(f"Password changed for {username}.")


def _password(from_stdin: bool) -> str:
    """The password: the first line of stdin, or asked twice at a terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n")
        password = password.removesuffix("\r")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        raise click.UsageError("pass --password-stdin and the password on standard input")
    if not password:
        raise click.UsageError("the password is empty")
    return password


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
    engine = obj.engine()
    where = engine.url.render_as_string(hide_password=True)  # as used: postgres:// rewritten
    click.echo(f"{where} is at revision {db.current_revision(engine)}")


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
        f"{result.hidden} hidden on the platform, {result.rejected} rejected, "
        f"{len(result.errors)} errors."
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


def _print_flag(item: dict[str, Any]) -> None:
    click.echo(f"Flag {item['id']}  [{item['status']}]  {item['platform']} / {item['source']}")
    click.echo(
        f"  by:          {item['author'] or '(unknown)'}"
        + (f"  (case {item['case']})" if item["case"] else "")
    )
    click.echo(f"  posted:      {item['created_time'] or '-'}  {item['permalink'] or ''}")
    click.echo(f"  text:        {item['text']}")
    click.echo(f"  categories:  {', '.join(item['categories'])}")
    for reason in item["reasons"]:
        click.echo(f"  reason:      {reason}")
    click.echo(f"  recommended: {item['step'] or '-'}  ({item['step_reason'] or '-'})")
    click.echo(f"  route:       {item['route'] or '-'}")
    click.echo(
        f"  hidden:      {'yes' if item['hidden'] else 'no'}"
        + ("  [hide by hand]" if item["hide_by_hand"] else "")
    )
    if item["targets"]:
        click.echo(f"  targets:     {', '.join(item['targets'])}")
    for name in item["possible_harassment"]:
        click.echo(f"  POSSIBLE HARASSMENT: two or more incidents against {name} by this poster")
    if item["escalated_step"]:
        click.echo(f"  escalated:   {item['escalated_step']}")
    for platform, blocked in item["blocked"].items():
        click.echo(f"  {platform}: {'blocked' if blocked else 'not blocked'}")
    for act in item["block_actions"]:
        by_hand = f": {act['instructions']}" if act["status"] == "manual" else ""
        click.echo(f"  {act['kind']} {act['id']} ({act['platform']}): {act['status']}{by_hand}")
    if item["awaiting_second_person"]:
        click.echo(
            f"  AWAITING A SECOND PERSON: {item['awaiting_second_person']} referral proposed by {item['proposed_by']}"
        )
    for letter in item["letters"]:
        click.echo(f"  letter {letter['id']}:    {letter['kind']} by {letter['created_by']}")
    for action in item["actions"]:
        click.echo(
            f"  platform:    {action['kind']} {action['status']}"
            + (f" ({action['last_error']})" if action["last_error"] else "")
        )
    click.echo("  history:")
    for event in item["history"]:
        why = f": {event['why']}" if event["why"] else ""
        click.echo(f"    {event['at']}  {event['who']}  {event['what']}{why}")


def _print_case(item: dict[str, Any]) -> None:
    click.echo(f"Case {item['case']}: {item['name']}")
    for account in item["accounts"]:
        click.echo(f"  account: {account['platform']} {account['name'] or ''} ({account['id']})")
    click.echo(
        f"  incidents: {item['incidents']}; highest rung taken: {item['highest_step_taken'] or '-'}"
    )
    click.echo(
        f"  a further incident would recommend: {item['next_incident_would_recommend'] or '-'}"
        f" ({item['next_incident_reason']})"
    )
    for course in item["possible_harassment"]:
        ids = ", ".join(str(i) for i in course["flags"])
        click.echo(f"  POSSIBLE HARASSMENT of {course['target']}: flags {ids}")
    for platform, blocked in item["blocked"].items():
        click.echo(f"  {platform}: {'blocked' if blocked else 'not blocked'}")
    for act in item["block_actions"]:
        by_hand = f": {act['instructions']}" if act["status"] == "manual" else ""
        click.echo(f"  {act['kind']} {act['id']} ({act['platform']}): {act['status']}{by_hand}")
    if item["awaiting_second_person"]:
        click.echo(
            f"  police referral awaiting a second person: flags {item['awaiting_second_person']}"
        )
    click.echo("  flags:")
    for flag in item["flags"]:
        text = " ".join(flag["text"].split())
        text = text if len(text) <= 50 else text[:47] + "..."
        click.echo(
            f"    {flag['id']:>4}  {flag['posted'][:10]}  {flag['status']:<10} {flag['step'] or '-':<15} "
            f"{','.join(flag['categories']):<22} {text}"
        )
    for letter in item["letters"]:
        click.echo(
            f"  letter {letter['id']}: {letter['kind']}, {letter['created_at'][:10]}, by {letter['created_by']}"
        )


main.add_command(cli_evidence.evidence_group)
main.add_command(cli_ops.worker_command)
main.add_command(cli_ops.nightly_command)
main.add_command(cli_ops.status_command)
main.add_command(cli_ops.rejected_command)
main.add_command(cli_digest.digest_command)
main.add_command(cli_data.purge_command)
main.add_command(cli_data.sar_command)
main.add_command(cli_report.report_group)
for _command in (cli_respond.block_command, cli_respond.unblock_command):
    cases_group.add_command(_command)
for _command in (cli_respond.reply_command, cli_respond.report_command):
    queue_group.add_command(_command)
