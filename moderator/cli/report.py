"""``moderator report governors``: the governors' report as a PDF, or its figures as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from moderator.cli.context import Context, friendly_errors
from moderator.reporting import governors, pdf
from moderator.reporting.periods import Period


@click.group(name="report")
def report_group() -> None:
    """Reports for the people around the moderators (docs/reporting.md)."""


@report_group.command(name="governors")
@click.option("--from", "first", required=True, metavar="DATE", help="First day, YYYY-MM-DD.")
@click.option("--to", "last", required=True, metavar="DATE", help="Last day, YYYY-MM-DD.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--name-staff", is_flag=True, help="Name the members of staff comments were about.")
@click.pass_obj
@friendly_errors
def governors_command(
    obj: Context, first: str, last: str, out: Path | None, as_json: bool, name_staff: bool
) -> None:
    """Breaches of the social media policy by the comments' posted time (UK dates, inclusive):
    counts only, no comment text, no pupil or poster names."""
    if out is None and not as_json:
        raise click.UsageError("say where to write the PDF (--out report.pdf), or ask for --json")
    period = Period.parse(first, last)
    config = obj.config()
    with obj.session() as session:
        figures = governors.build(session, config.name, period, name_staff=name_staff)
    if out is not None:
        out.write_bytes(pdf.render(figures))
        if not as_json:
            click.echo(
                f"Wrote {out}: {figures.breaches} breaches in comments posted "
                f"{period.first} to {period.last}, per {period.unit}."
            )
    if as_json:
        click.echo(json.dumps(figures.as_json(), indent=2, ensure_ascii=False))
