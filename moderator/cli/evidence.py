"""``moderator evidence``: show a snapshot (access logged), export a bundle, verify a bundle,
write a member of staff's record.

``verify`` needs neither the database nor the config: a recipient has only the zip.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from moderator.cli.context import Context, friendly_errors, operator
from moderator.evidence import bundle, custody, verify, victim_record, viewing


@click.group(name="evidence")
def evidence_group() -> None:
    """Evidence snapshots and bundles for the police or legal advisers."""


@evidence_group.command(name="export")
@click.argument("ref", metavar="ID")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="FILE.zip"
)
@click.option("--case", is_flag=True, help="ID is a case (a poster): export every flag of it.")
@click.option(
    "--as", "username", help="Who exports (checked: DSL flags need the dsl role). Default: you."
)
@click.option("--no-timestamp", is_flag=True, help="Skip the [evidence] tsa_url time-stamp.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def export(
    obj: Context,
    ref: str,
    out: Path,
    case: bool,
    username: str | None,
    no_timestamp: bool,
    as_json: bool,
) -> None:
    """Write the evidence bundle for flag ID (or `case:N`, or a case with --case) to FILE.zip."""
    if ref.lower().startswith("case:"):
        ref, case = ref[5:], True
    done = bundle.export(
        obj.engine(),
        obj.config(),
        ref,
        out,
        actor=operator(),
        username=username,
        case=case,
        use_tsa=not no_timestamp,
    )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "path": str(done.path),
                    "bundle_id": done.bundle_id,
                    "subject": done.subject,
                    "manifest_sha256": done.manifest_sha256,
                    "members": done.members,
                    "exhibits": done.exhibits,
                    "timestamped": done.timestamped,
                    "left_out": list(done.left_out),
                }
            )
        )
        return
    click.echo(
        f"Wrote {done.path}: {done.subject}, {done.exhibits} exhibit(s), {done.members} files."
    )
    click.echo(f"Fingerprint (SHA-256 of manifest.json): {done.manifest_sha256}")
    click.echo("Give the recipient this fingerprint separately (e.g. in your covering email).")
    if done.timestamped:
        click.echo("The manifest was time-stamped by the configured authority (timestamp.tsr).")
    for why in done.left_out:
        click.echo(f"Not included: {why}")


@evidence_group.command(name="verify")
@click.argument("bundle_path", metavar="FILE.zip", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def verify_command(bundle_path: Path, as_json: bool) -> None:
    """Check every hash and custody chain in a bundle: exit 0 when intact, 1 naming the first
    broken member. Needs no database; reads the zip as a stream in bounded memory and refuses
    what is not a regular file (a FIFO, a device, a folder)."""
    try:
        result = verify.verify(str(bundle_path))
    except verify.Broken as exc:
        if as_json:
            click.echo(json.dumps({"intact": False, "member": exc.member, "problem": str(exc)}))
        else:
            click.echo(f"BROKEN: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "intact": True,
                    "manifest_sha256": result.manifest_sha256,
                    "checked": result.checked,
                    "timestamp": result.timestamp,
                }
            )
        )
        return
    for line in result.checked:
        click.echo(f"ok  {line}")
    if result.timestamp:
        click.echo(f"ok  timestamp.tsr: {result.timestamp}")
    click.echo(f"intact: manifest SHA-256 {result.manifest_sha256}")


@evidence_group.command(name="show")
@click.argument("flag_id", type=int)
@click.option("--as", "username", help="Who is looking (recorded in the custody log).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def show(obj: Context, flag_id: int, username: str | None, as_json: bool) -> None:
    """A flag's snapshots, artefacts and custody logs (the viewing is recorded in the log)."""
    engine, config = obj.engine(), obj.config()
    with obj.session() as session:
        who = viewing.viewer(session, config, flag_id, username) or operator()
    shots = viewing.snapshot_ids(engine, flag_id)
    custody.viewed(engine, shots, who, "evidence show")
    with obj.session() as session:
        item = viewing.describe(session, flag_id)
    if as_json:
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
    else:
        viewing.echo(item, click.echo)


@evidence_group.command(name="victim")
@click.argument("name", metavar="NAME")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="FILE.zip (the record, its letters and custody logs, sealed), or FILE.pdf alone.",
)
@click.option(
    "--as",
    "username",
    help="Who makes it: a headteacher, the DSL or an admin (DSL flags only for the DSL). "
    "Default: you, as the operator.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def victim(obj: Context, name: str, out: Path, username: str | None, as_json: bool) -> None:
    """Write the record of everything that targeted the member of staff NAME (a roster name or
    alias): each comment naming them, the decisions, the letters and each evidence snapshot's
    fingerprint, for them to keep or give to HR. Logged on every snapshot as an export."""
    done = victim_record.make(
        obj.engine(), obj.config(), name, out, actor=operator(), username=username
    )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "path": str(done.path),
                    "record_id": done.record_id,
                    "person": done.person,
                    "fingerprint": done.fingerprint,
                    "comments": done.incidents,
                    "letters": done.letters,
                }
            )
        )
        return
    click.echo(
        f"Wrote {done.path}: the record of {done.person}, {done.incidents} comment(s), "
        f"{done.letters} letter(s)."
    )
    click.echo(f"Fingerprint (SHA-256): {done.fingerprint}")
