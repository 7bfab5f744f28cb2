"""``moderator queue``: the moderators' flag queue (list, show, decide, claim, release)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from moderator.cli import respond as cli_respond
from moderator.cli.context import Context, friendly_errors, operator
from moderator.errors import ModeratorError
from moderator.evidence import custody
from moderator.policy.categories import Route
from moderator.review import flags
from workqueue.ladder import Step
from workqueue.states import FlagStatus


@click.group(name="queue")
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
@click.option("--route", type=click.Choice([r.value for r in Route]), help="Only this route.")
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
        click.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
    else:
        print_queue(items)


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
    shots = [snapshot.id for snapshot in item.evidence]
    custody.viewed(obj.engine(), shots, operator(), "queue show")
    if as_json:
        click.echo(json.dumps(item.to_json(), ensure_ascii=False, indent=2))
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
    from moderator.review import claims

    config = obj.config()
    engine = obj.engine()
    ids = claims.claim(engine, config, username, limit)
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


def print_queue(items: Sequence[flags.FlagItem]) -> None:
    """The queue as a table, most severe first (``demo`` and ``queue list``)."""
    if not items:
        click.echo("The flag queue is empty.")
        return
    click.echo(f"\nFlag queue ({len(items)}), most severe first:\n")
    click.echo(f"{'ID':>4}  {'STEP':<15} {'STATUS':<9} {'ROUTE':<11} {'CATEGORIES':<28} TEXT")
    for item in items:
        text = " ".join(item.text.split())
        text = text if len(text) <= 60 else text[:57] + "..."
        hide = " [hide by hand]" if item.hide_by_hand else ""
        click.echo(
            f"{item.id:>4}  {item.step or '-':<15} {item.status:<9} {item.route or '-':<11} "
            f"{','.join(item.categories):<28} {text}{hide}"
        )
    if any(item.hide_by_hand for item in items):
        click.echo(
            "\n[hide by hand] = policy says hide, but it could not be hidden automatically "
            "(a source that cannot act, or the platform refused)."
        )


def _print_flag(item: flags.FlagDetail) -> None:
    click.echo(f"Flag {item.id}  [{item.status}]  {item.platform} / {item.source}")
    click.echo(
        f"  by:          {item.author or '(unknown)'}"
        + (f"  (case {item.case})" if item.case else "")
    )
    posted = item.created_time.isoformat() if item.created_time else "-"
    click.echo(f"  posted:      {posted}  {item.permalink or ''}")
    click.echo(f"  text:        {item.text}")
    click.echo(f"  categories:  {', '.join(item.categories)}")
    for reason in item.reasons:
        click.echo(f"  reason:      {reason}")
    click.echo(f"  recommended: {item.step or '-'}  ({item.step_reason or '-'})")
    click.echo(f"  route:       {item.route or '-'}")
    click.echo(
        f"  hidden:      {'yes' if item.hidden else 'no'}"
        + ("  [hide by hand]" if item.hide_by_hand else "")
    )
    if item.targets:
        click.echo(f"  targets:     {', '.join(item.targets)}")
    for name in item.possible_harassment:
        click.echo(f"  POSSIBLE HARASSMENT: two or more incidents against {name} by this poster")
    if item.escalated_step:
        click.echo(f"  escalated:   {item.escalated_step}")
    if item.awaiting_second_person:
        click.echo(
            f"  AWAITING A SECOND PERSON: {item.awaiting_second_person} referral proposed by "
            f"{item.proposed_by}"
        )
    for letter in item.letters:
        click.echo(f"  letter {letter.id}:    {letter.kind} by {letter.created_by}")
    for action in item.actions:
        click.echo(
            f"  platform:    {action.kind} {action.status}"
            + (f" ({action.last_error})" if action.last_error else "")
        )
    click.echo("  history:")
    for event in item.history:
        why = f": {event.why}" if event.why else ""
        click.echo(f"    {event.at.isoformat()}  {event.who}  {event.what}{why}")


queue_group.add_command(cli_respond.reply_command)
queue_group.add_command(cli_respond.report_command)
