"""The command line's lazily loaded groups (moderator/cli/lazy.py): every entry in the table
is a real command under the name it is listed as, and ``--help`` lists them all."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from moderator.cli.lazy import LazyGroup
from moderator.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_lazy_entry_is_the_command_it_names(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command) and command.name == name


def test_help_lists_the_core_and_the_lazy_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for name in [*COMMANDS, "classify", "scan", "demo", "serve", "db"]:
        assert f"  {name} " in result.output


def test_a_wrong_entry_is_refused_by_name() -> None:
    group = LazyGroup(name="g", lazy_commands={"x": "moderator.cli.main:COMMANDS"})
    with pytest.raises(TypeError, match=r"moderator\.cli\.main:COMMANDS is not a click command"):
        group.get_command(click.Context(group), "x")
