"""No test reaches beyond loopback.

Connections are guarded by pytest-socket, switched on in ``pyproject.toml``
(``--allow-hosts=127.0.0.0/8,::1,localhost --allow-unix-socket``): connecting anywhere else
raises ``pytest_socket.SocketConnectBlockedError`` naming the host. That leaves name lookups,
which ask a resolver before any connection is made, so this plugin (loaded with
``-p tests.socket_guard``) refuses to look up any name but ``localhost`` and this machine's own
name (smtplib greets with it): an address written as digits is not looked up, and the
connection guard decides about it.

Only this process is guarded; commands the tests start as subprocesses are pointed at the
loopback servers in ``tests/`` by their configuration.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"", "localhost", "localhost.", "ip6-localhost", "ip6-loopback"})

_true_getaddrinfo = socket.getaddrinfo
_true_gethostbyname = socket.gethostbyname
_true_gethostbyname_ex = socket.gethostbyname_ex


class NameLookupRefused(RuntimeError):
    """A test tried to resolve a name other than localhost."""

    def __init__(self, host: str) -> None:
        super().__init__(
            f"A test tried to look up {host!r}: tests stay on loopback (tests/socket_guard.py). "
            "Point it at a loopback server in tests/ (graph_server, smtp_server, tsa_server)."
        )
        self.host = host


def lookup_allowed(host: object) -> bool:
    """True for no host, localhost, this machine and addresses written as digits."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES or host == socket.gethostname():
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 scope id is not part of it
    except ValueError:
        return False
    return True


def _guard(lookup: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not lookup_allowed(host):
            raise NameLookupRefused(str(host))
        return lookup(host, *args, **kwargs)

    guarded.__wrapped__ = lookup  # type: ignore[attr-defined]
    return guarded


def pytest_configure(config: pytest.Config) -> None:
    socket.getaddrinfo = _guard(_true_getaddrinfo)
    socket.gethostbyname = _guard(_true_gethostbyname)
    socket.gethostbyname_ex = _guard(_true_gethostbyname_ex)


def pytest_unconfigure(config: pytest.Config) -> None:
    socket.getaddrinfo = _true_getaddrinfo
    socket.gethostbyname = _true_gethostbyname
    socket.gethostbyname_ex = _true_gethostbyname_ex
