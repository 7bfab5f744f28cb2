"""``moderator digest``: print the moderators' digest, send it now, or send it when it is due."""

from __future__ import annotations

import datetime as dt

import click

from moderator.cli.context import Context, friendly_errors, operator
from moderator.evidence.times import UK
from moderator.ops import digest, timewindow
from moderator.settings.config import SchoolConfig
from moderator.store.models import utcnow


@click.command(name="digest")
@click.option(
    "--send", "send_now", is_flag=True, help="Email it now to [digest] to (recorded in the audit)."
)
@click.option(
    "--due",
    is_flag=True,
    help="Email the day's digest only if due: [digest] at or later (UK time) and not yet sent "
    "today. For a timer or cron job; it covers the time since the last digest.",
)
@click.option("--since", help="The period, e.g. 24h, 7d, or 2026-10-01.  [default: 24h]")
@click.pass_obj
@friendly_errors
def digest_command(obj: Context, send_now: bool, due: bool, since: str | None) -> None:
    """Print the digest of new flags, high-severity ones and sources needing attention
    (safeguarding concerns never show comment text); --send emails it."""
    if due and (send_now or since):
        raise click.UsageError(
            "--due decides the period and when to send: leave out --send/--since"
        )
    config, engine, now = obj.config(), obj.engine(), utcnow()
    if due:
        if digest.send_due(engine, config, now):
            click.echo(f"Sent the digest to {len(config.digest.to)} recipient(s).")
        else:
            click.echo(_why_not(config, now))
        return
    start = timewindow.since(since or "24h", now)
    with obj.session() as session:
        built = digest.build(session, config, start, now)
    if not send_now:
        click.echo(digest.plain_text(built), nl=False)
        return
    sent = digest.send_now(engine, config, built, actor=operator())
    click.echo(f"Sent {built.subject!r} to {sent.recipients} recipient(s) via {config.mail.host}.")
    for address in sent.refused:
        click.echo(f"warning: the SMTP server refused {address}", err=True)


def _why_not(config: SchoolConfig, now: dt.datetime) -> str:
    if not config.digest.to:
        return "Not sent: [digest] to lists no recipients."
    at = config.digest.at.strftime("%H:%M")
    if now.astimezone(UK).time() < config.digest.at:
        return f"Not sent: the digest is due at {at} UK time."
    return "Not sent: today's digest has already been sent."
