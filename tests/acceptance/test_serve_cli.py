"""``moderator serve``, ``moderator webhooks serve`` and the worker's webhook receiver bind their
address before they say they are serving: a port something else holds is one ``error:`` line
naming the address, and "Serving ..." is printed only once connections are accepted. Real
processes and real sockets, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli import MODERATOR, cli_school, run
from tests.factories import MINIMAL_CONFIG

WEBHOOKS = """
[webhooks]
app_secret_env = "TEST_APP_SECRET"
verify_token_env = "TEST_VERIFY_TOKEN"

[classifier]
backend = "lexical"
"""


def in_use(port: int) -> str:
    return (
        f"error: cannot listen on http://127.0.0.1:{port}: the address is already in use "
        "(another program listens there; stop it or choose another --port)"
    )


@pytest.fixture
def school(tmp_path: Path, database_url: str) -> tuple[Path, dict[str, str]]:
    env = {"TEST_APP_SECRET": "s3cret", "TEST_VERIFY_TOKEN": "tok"}
    return cli_school(
        tmp_path, database_url, [], config=MINIMAL_CONFIG + WEBHOOKS, scan=False, env=env
    )


@pytest.fixture
def busy() -> Iterator[int]:
    """A port another program listens on (a plain socket, not ours)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_line(process: subprocess.Popen[str], seconds: float = 240) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, "no line within the time limit"
    return process.stdout.readline().rstrip("\n")


def start(folder: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODERATOR_")}
    return subprocess.Popen(
        [*MODERATOR, *args],
        cwd=folder,
        env={**environment, **env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def answer(url: str, seconds: float = 120) -> httpx.Response:
    """The first answer from ``url`` once something serves it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.2)


def test_serve_listens_before_it_says_so_and_a_second_one_is_one_line(
    school: tuple[Path, dict[str, str]],
) -> None:
    folder, env = school
    port = free_port()
    first = start(folder, env, "serve", "--port", str(port))
    try:
        line = first_line(first)
        assert line == f"Serving Test School on http://127.0.0.1:{port} (Ctrl+C to stop)"
        # Said only once listening: the connection is accepted at once, before uvicorn is up.
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        assert answer(f"http://127.0.0.1:{port}/login").status_code == 200
        second = run("serve", "--port", str(port), cwd=folder, env=env)
        assert second.returncode == 1
        assert second.stdout == ""  # no "Serving ..." for a server that is not
        assert second.stderr.splitlines() == [in_use(port)]
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)


def test_serve_on_a_port_another_program_holds_is_one_line(
    school: tuple[Path, dict[str, str]], busy: int
) -> None:
    folder, env = school
    result = run("serve", "--port", str(busy), cwd=folder, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [in_use(busy)]


def test_serve_on_an_address_not_this_machines_is_one_line(
    school: tuple[Path, dict[str, str]],
) -> None:
    folder, env = school
    result = run("serve", "--host", "192.0.2.1", "--port", "8000", cwd=folder, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: cannot listen on http://192.0.2.1:8000: that address is not one of this machine's"
    ]


def test_webhooks_serve_on_a_busy_port_is_one_line(
    school: tuple[Path, dict[str, str]], busy: int
) -> None:
    folder, env = school
    result = run("webhooks", "serve", "--port", str(busy), cwd=folder, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [in_use(busy)]  # and no "Receiving webhooks on ..."


def test_a_worker_whose_webhook_port_is_busy_stops_with_one_line(
    school: tuple[Path, dict[str, str]], busy: int
) -> None:
    """Before, the receiver's thread died quietly and the worker ran on without it."""
    folder, env = school
    result = run("worker", "--webhooks-port", str(busy), cwd=folder, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [in_use(busy)]


HANDSHAKE = "/webhooks/meta?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=4321"


@pytest.mark.parametrize("command", [["webhooks", "serve"], ["worker"]])
def test_the_webhook_receiver_answers_on_a_free_port(
    school: tuple[Path, dict[str, str]], command: list[str]
) -> None:
    folder, env = school
    port = free_port()
    option = "--port" if command[0] == "webhooks" else "--webhooks-port"
    process = start(folder, env, *command, option, str(port))
    try:
        reply = answer(f"http://127.0.0.1:{port}{HANDSHAKE}")
        assert reply.status_code == 200 and reply.text == "4321"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=120)
