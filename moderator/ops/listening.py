"""Listening sockets for ``moderator serve``, ``moderator webhooks serve`` and the worker's webhook
receiver: the address is bound (and listened on) before anything says it is serving, so a busy
port or an address that is not this machine's is one ``error:`` line naming it."""

from __future__ import annotations

import errno
import socket
from typing import Any

from moderator.errors import ModeratorError

_WHY = {
    errno.EADDRINUSE: "the address is already in use (another program listens there; "
    "stop it or choose another --port)",
    errno.EADDRNOTAVAIL: "that address is not one of this machine's",
    errno.EACCES: "permission denied (ports below 1024 need privileges; choose another --port)",
}


def url(host: str, port: int) -> str:
    """``http://host:port`` (an IPv6 address in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (a name, an IPv4 or an IPv6 address), as uvicorn
    would bind it; :class:`ModeratorError` naming the address when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Like uvicorn: a restart need not wait for old connections in TIME_WAIT. A port another
        # socket listens on is still refused (by bind, or by listen when both set this flag).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        why = _WHY.get(exc.errno or 0) or exc.strerror or str(exc)
        raise ModeratorError(f"cannot listen on {url(host, port)}: {why}") from exc
    return sock


def serve(app: Any, sock: socket.socket, **options: Any) -> None:
    """Run ``app`` with uvicorn on the already bound ``sock`` until stopped."""
    import uvicorn

    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
    server.run(sockets=[sock])
