"""``moderator cases`` (each poster's incidents, across platforms) and ``moderator letters``
(the letters written for them)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from moderator.cli import respond as cli_respond
from moderator.cli.context import Context, friendly_errors
from moderator.errors import ModeratorError

if TYPE_CHECKING:  # the domain is imported command by command
    from moderator.review.cases import CaseView


@click.group(name="cases")
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
        click.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("No cases yet.")
    for item in items:
        accounts = ", ".join(f"{a.platform} {a.name or a.id}" for a in item.accounts)
        click.echo(f"case {item.case:>4}  {item.flags:>3} flag(s)  {item.name}  ({accounts})")


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
        click.echo(json.dumps(item.to_json(), ensure_ascii=False, indent=2))
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


@click.group(name="letters")
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


def _print_case(item: CaseView) -> None:
    from moderator.review import removals

    click.echo(f"Case {item.case}: {item.name}")
    for account in item.accounts:
        click.echo(f"  account: {account.platform} {account.name or ''} ({account.id})")
    click.echo(
        f"  incidents: {item.incidents}; highest rung taken: {item.highest_step_taken or '-'}"
    )
    click.echo(
        f"  a further incident would recommend: {item.next_incident_would_recommend or '-'}"
        f" ({item.next_incident_reason})"
    )
    for course in item.possible_harassment:
        ids = ", ".join(str(i) for i in course.flags)
        click.echo(f"  POSSIBLE HARASSMENT of {course.target}: flags {ids}")
    for platform, blocked in item.blocked.items():
        click.echo(f"  {platform}: {'blocked' if blocked else 'not blocked'}")
    for act in item.block_actions:
        by_hand = f": {act['instructions']}" if act["status"] == "manual" else ""
        click.echo(f"  {act['kind']} {act['id']} ({act['platform']}): {act['status']}{by_hand}")
    if item.awaiting_second_person:
        click.echo(
            f"  police referral awaiting a second person: flags {list(item.awaiting_second_person)}"
        )
    click.echo("  flags:")
    for flag in item.flags:
        text = " ".join(flag.text.split())
        text = text if len(text) <= 50 else text[:47] + "..."
        click.echo(
            f"    {flag.id:>4}  {flag.posted.isoformat()[:10]}  {flag.status:<10} "
            f"{flag.step or '-':<15} {','.join(flag.categories):<22} {text}"
            f"{removals.suffix(flag)}"
        )
    for letter in item.letters:
        click.echo(
            f"  letter {letter.id}: {letter.kind}, {letter.created_at.isoformat()[:10]}, "
            f"by {letter.created_by}"
        )
    for line in removals.lines(item.removal_requests):
        click.echo(f"  {line}")


cases_group.add_command(cli_respond.block_command)
cases_group.add_command(cli_respond.unblock_command)
