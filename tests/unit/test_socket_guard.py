"""The socket guard: tests reach loopback and unix sockets, nothing else."""

from __future__ import annotations

import socket
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from pytest_socket import SocketConnectBlockedError

from tests.socket_guard import NameLookupRefused


def refused(host: str) -> AbstractContextManager[object]:
    """pytest-socket's error naming ``host`` (it also warns: callers catch that with pytest.warns,
    or the suite's warning filter would raise the warning instead)."""
    return pytest.raises(SocketConnectBlockedError, match=f'host "{host}"')


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "192.168.1.1"])
def test_a_connection_beyond_loopback_is_refused(host: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.warns(UserWarning, match=host), refused(host):
            sock.connect((host, 53))


def test_an_http_client_cannot_reach_8_8_8_8() -> None:
    with pytest.warns(UserWarning, match="8.8.8.8"), refused("8.8.8.8"):
        httpx.get("http://8.8.8.8/", timeout=1)


@pytest.mark.parametrize("name", ["dns.google", "graph.facebook.com"])
def test_a_name_lookup_is_refused(name: str) -> None:
    with pytest.raises(NameLookupRefused, match=name):
        socket.getaddrinfo(name, 443)
    with pytest.raises(NameLookupRefused, match=name):
        socket.gethostbyname(name)
    with pytest.raises(NameLookupRefused, match=name):
        httpx.get(f"https://{name}/", timeout=1)


def test_loopback_still_connects() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("localhost", port), timeout=1) as client:
            accepted, _ = server.accept()
            with accepted:
                client.sendall(b"ping")
                assert accepted.recv(4) == b"ping"


def test_a_unix_socket_still_connects(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
            accepted, _ = server.accept()
            with accepted:
                client.sendall(b"ping")
                assert accepted.recv(4) == b"ping"
