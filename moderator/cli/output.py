"""What the scanning commands print (``demo``, ``scan``, ``webhooks process``): progress on a
terminal, the summary line or its JSON, then one ``error:`` line per problem."""

from __future__ import annotations

import json
import sys

import click

from moderator.ingest import scanning


def report(result: scanning.ScanResult, as_json: bool) -> None:
    """The summary (or JSON), then one ``error:`` line per problem; exit 1 if there were any."""
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        print_summary(result)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.errors:
        sys.exit(1)


def progress() -> scanning.Progress | None:
    """A running count per source, on a terminal only."""
    if not sys.stderr.isatty():
        return None

    def say(source: str, fetched: int) -> None:
        click.echo(f"\r  {source}: {fetched} comments read", err=True, nl=False)

    return say


def print_summary(result: scanning.ScanResult) -> None:
    """One line: what a scan read, recorded, flagged and hid."""
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(
        f"Scanned: {result.fetched} fetched, {result.new} new, {result.flagged} flagged, "
        f"{result.hidden} hidden on the platform, {result.rejected} rejected, "
        f"{len(result.errors)} errors."
    )
