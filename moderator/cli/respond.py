"""``cases block``, ``cases unblock``, ``queue reply`` and ``queue report``: what the school
does beyond the queue's decisions (``moderator.review.responses``)."""

from __future__ import annotations

import dataclasses
import json

import click

from moderator.cli.context import Context, friendly_errors

#: Each outbox status, as a line about one account (or the reply) says it.
STANDS = {
    "confirmed": "{done}, confirmed by the platform",
    "manual": "{kind} it by hand: {detail}",
    "failed": "not done ({detail}); do it on the platform by hand",
    "pending": "waiting: it is sent on the next scan (or by the worker)",
    "sending": "sent, not yet confirmed: it is read back from the platform before any resend",
    "cancelled": "cancelled",
}
DONE = {"block": "blocked", "unblock": "block lifted", "reply": "reply posted"}


def _print(done: object, as_json: bool) -> None:
    from moderator.review.responses import Responded

    assert isinstance(done, Responded)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(done), ensure_ascii=False, indent=2))
        return
    click.echo(f"{done.subject}: approved by {done.actor} ({done.role}).")
    for item in done.requested:
        who = f" {item.account}" if item.account else ""
        line = STANDS[item.status].format(done=DONE[item.kind], kind=item.kind, detail=item.detail)
        if item.status == "confirmed" and item.kind == "reply" and item.detail:
            line += f" (reply {item.detail})"
        click.echo(f"  {item.platform} ({item.source}){who}: {line}")
    for why in done.skipped:
        click.echo(f"  {why}")


def _blocking(name: str, lift: bool, doc: str) -> click.Command:
    """``block`` or ``unblock``: the same options, the same call, ``lift`` apart."""

    @click.command(name=name, help=doc)
    @click.argument("poster")
    @click.option("--as", "username", required=True, help="Who approves it (a headteacher).")
    @click.option("--note", help="Why (kept in the audit trail).")
    @click.option("--json", "as_json", is_flag=True, help="Print what was asked for as JSON.")
    @click.pass_obj
    @friendly_errors
    def command(obj: Context, poster: str, username: str, note: str | None, as_json: bool) -> None:
        from moderator.review import responses

        done = responses.block(obj.engine(), obj.config(), poster, username, note, lift=lift)
        _print(done, as_json)

    return command


block_command = _blocking(
    "block",
    lift=False,
    doc="""Block POSTER on the school's channels: each Facebook account through the Page, each
    Instagram account by hand (the instructions are printed). POSTER as `cases show` takes it.""",
)
unblock_command = _blocking(
    "unblock", lift=True, doc="Lift a block on POSTER (POSTER as `cases show` takes it)."
)


@click.command(name="reply")
@click.argument("flag_id", type=int)
@click.option("--as", "username", required=True, help="Who approves it (a headteacher).")
@click.option("--note", help="Why (kept in the audit trail).")
@click.option("--json", "as_json", is_flag=True, help="Print what was asked for as JSON.")
@click.pass_obj
@friendly_errors
def reply_command(
    obj: Context, flag_id: int, username: str, note: str | None, as_json: bool
) -> None:
    """Post a confirmed complaint's reply (its complaint_reply letter) in public under the
    comment, once."""
    from moderator.review import responses

    done = responses.reply(obj.engine(), obj.config(), flag_id, username, note)
    _print(done, as_json)


@click.command(name="report")
@click.argument("flag_id", type=int)
@click.option("--as", "username", required=True, help="Who reported it.")
@click.option(
    "--host",
    "to",
    flag_value="host",
    default="platform",
    help="The host was asked to remove it (default: reported through the platform's own flow).",
)
@click.option("--reference", help="The reference the platform or host gave.")
@click.option("--note", help="Anything else to keep with it.")
@click.pass_obj
@friendly_errors
def report_command(
    obj: Context, flag_id: int, username: str, to: str, reference: str | None, note: str | None
) -> None:
    """Record that a flagged comment was reported to the platform (from the comment itself:
    its permalink in `queue show`), or with --host that the host was asked to remove it."""
    from moderator.review import responses

    row = responses.report(
        obj.engine(), obj.config(), flag_id, username, to=to, reference=reference, note=note
    )
    where = "reported to the platform" if to == "platform" else "host asked to remove it"
    ref = f" (reference {row.reference})" if row.reference else ""
    click.echo(f"flag {flag_id}: {where} by {row.reported_by}{ref}; recorded.")
