"""Running the ``moderator`` command as a user does: a real process, with the test's environment
(never the developer's ``MODERATOR_*`` variables), and the school folders the commands read."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.factories import LEXICAL, MINIMAL_CONFIG, write_school

MODERATOR = [sys.executable, "-m", "moderator"]


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODERATOR_")}
    environment.update(env or {})
    return subprocess.run(
        [*MODERATOR, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def cli_school(
    folder: Path,
    database_url: str,
    rows: Iterable[dict[str, Any]] = (),
    *,
    config: str = MINIMAL_CONFIG + LEXICAL,
    users: Mapping[str, str] | None = None,
    password: str = "",
    scan: bool = True,
    env: Mapping[str, str] | None = None,
) -> tuple[Path, dict[str, str]]:
    """A school folder for the command line: ``config`` and ``rows`` written into ``folder``,
    ``users`` (name -> role, all with ``password``) added and the comments scanned, each by the
    command itself; the folder and the environment that points the commands at the database."""
    write_school(folder, config, rows)
    environment = {"MODERATOR_DATABASE_URL": database_url, **(env or {})}
    for name, role in (users or {}).items():
        added = run(
            "users",
            "add",
            name,
            "--name",
            f"{name.title()} Person",
            "--role",
            role,
            "--password-stdin",
            cwd=folder,
            env=environment,
            stdin=password,
        )
        assert added.returncode == 0, added.stderr
    if scan:
        scanned = run("scan", "--json", cwd=folder, env=environment)
        assert scanned.returncode == 0, scanned.stderr
    return folder, environment
