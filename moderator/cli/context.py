"""What every ``moderator`` command shares: the context object and the one-line error wrapper."""

from __future__ import annotations

import getpass
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from moderator.cli import words as cli_words
from moderator.errors import ModeratorError
from workqueue.errors import QueueError

if TYPE_CHECKING:  # the database is imported by the commands that use it, not by `classify`
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from moderator.settings.config import SchoolConfig

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every command shares: where the config and the database are."""

    def __init__(self, config_path: Path | None, database_url: str) -> None:
        self.config_path = config_path
        self.database_url = database_url
        self._engine: Engine | None = None

    def config(self) -> SchoolConfig:
        from moderator.settings import config as config_mod

        return config_mod.load(self.config_path)

    def engine(self) -> Engine:
        """An engine on the migrated database (connected and migrated once per command)."""
        from moderator.store import db

        if self._engine is None:
            self._engine = db.connect(self.database_url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success (``db.session_scope``) on :meth:`engine`."""
        from moderator.store import db

        with db.session_scope(self.engine()) as session:
            yield session


def friendly_errors(command: F) -> F:
    """Turn :class:`ModeratorError` and the queue's refusals into one ``error:`` line and exit
    status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ModeratorError, QueueError) as exc:
            click.echo(f"error: {cli_words.refusal(exc)}", err=True)
            sys.exit(1)
        except Exception as exc:
            if not _integrity_error(exc):
                raise
            # a race with someone else's identical change; no SQL echoed
            click.echo(
                "error: the database refused the change because someone else made the same "
                "change at the same moment; look again and retry",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _integrity_error(exc: Exception) -> bool:
    """Whether ``exc`` is the database refusing a duplicate (imported only when one is raised)."""
    if not type(exc).__module__.startswith("sqlalchemy"):
        return False
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)


def operator() -> str:
    """Who is at the command line when no ``--as`` is given, for the custody log."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"{name}@{socket.gethostname()} (command line)"
