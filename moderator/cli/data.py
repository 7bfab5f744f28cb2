"""Data protection commands: ``moderator purge`` (the retention periods in ``[retention]``) and
``moderator sar`` (everything held about one poster, for a subject access request).

docs/data-protection.md explains what is kept, for how long, and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from moderator.cli.context import Context, friendly_errors, operator
from moderator.privacy import retention, sar


@click.command(name="purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def purge_command(obj: Context, dry_run: bool, as_json: bool) -> None:
    """Delete personal data past its retention period ([retention] in the config): old
    unflagged comments, flags judged not a breach, and closed cases' evidence."""
    done = retention.purge(obj.engine(), obj.config(), dry_run=dry_run, actor=operator())
    if as_json:
        click.echo(json.dumps(done.as_json()))
        return
    periods = done.periods
    click.echo(
        "Retention: unflagged comments "
        + _days(periods["unflagged_days"])
        + ", dismissed flags "
        + _days(periods["dismissed_days"])
        + ", closed cases "
        + _days(periods["closed_days"])
        + ", audit log "
        + _days(periods["audit_days"])
    )
    groups = done.groups
    click.echo(
        f"{groups['unflagged_comments']} unflagged comment(s), "
        f"{groups['dismissed_flags']} dismissed flag(s), {groups['closed_cases']} closed "
        f"case(s) ({groups['closed_case_flags']} flag(s)) are past their period."
    )
    verb = "would be deleted" if dry_run else "deleted"
    for kind, count in done.counts.items():
        if count:
            click.echo(f"  {kind:<20} {count:>7} {verb}")
    if not done.total:
        click.echo("Nothing to delete.")
    elif dry_run:
        click.echo("Dry run: nothing was deleted. Run `moderator purge` to delete these.")


def _days(days: int) -> str:
    return f"{days} days" if days else "kept (0: never purged)"


@click.command(name="sar")
@click.argument("poster_ref", metavar="POSTER")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="FILE.zip"
)
@click.option(
    "--as",
    "username",
    help="Who makes it (DSL flags need the dsl role). Default: you, with everything.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def sar_command(
    obj: Context, poster_ref: str, out: Path, username: str | None, as_json: bool
) -> None:
    """Write everything held about POSTER (a case number, account or name) to FILE.zip, for a
    subject access request. Check it before sending: README.txt inside says what is there."""
    with obj.session() as session:
        done = sar.export(
            session, obj.config(), poster_ref, out, actor=operator(), username=username
        )
    if as_json:
        click.echo(json.dumps(done.as_json()))
        return
    click.echo(
        f"Wrote {done.path}: case {done.case} ({done.name}), {done.comments} comment(s), "
        f"{done.flags} flag(s), {done.letters} letter(s), {done.snapshots} evidence snapshot(s)."
    )
    for why in done.withheld:
        click.echo(f"Withheld: {why}")
    click.echo("Check it before sending it: README.txt inside explains each part.")
