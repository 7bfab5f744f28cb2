"""``moderator users``: the named accounts that decide (moderator, headteacher, dsl, admin)."""

from __future__ import annotations

import json
import sys

import click

from moderator.cli.context import Context, friendly_errors
from workqueue.roles import Role


@click.group(name="users")
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
