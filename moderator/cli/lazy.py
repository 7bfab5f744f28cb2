"""A click group whose subcommands live in other modules and are imported only when used.

This is the pattern click's documentation gives for large command lines ("lazily loading
subcommands"): ``moderator classify`` starts without importing the database, the web server or
the PDF libraries that other commands need. ``--help`` still lists every command (it imports
them all to read their one-line help).
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyGroup(click.Group):
    """A :class:`click.Group` with ``lazy_commands``: name -> ``"module:attribute"``."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, name: str) -> click.Command:
        module_name, attribute = self.lazy_commands[name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # a wrong table entry, caught by the tests
            raise TypeError(f"{self.lazy_commands[name]} is not a click command")
        return command
