"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in a thread), keeping what it receives.

Usage::

    with SMTPServer() as smtp:
        ...  # send to 127.0.0.1:smtp.port
        smtp.messages[0].message["Subject"]

``data_reply`` / ``rcpt_reply`` make it refuse (e.g. ``"554 5.7.1 Rejected"``); with
``users`` it offers AUTH (over the plain connection: loopback only) and checks passwords.
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  #: the message as it came over the wire
    message: EmailMessage


def free_port() -> int:
    """A port nothing listens on just now (also what a closed port test connects to)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SMTPServer:
    data_reply: str | None = None  #: None: accept the message ("250 OK")
    rcpt_reply: str | None = None  #: None: accept every recipient
    users: dict[str, str] = field(default_factory=dict)  #: username -> password; AUTH offered
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _controller: Controller | None = None

    def __enter__(self) -> Self:
        self.port = free_port()
        options: dict[str, Any] = {}
        if self.users:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, **options
        )
        self._controller.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._controller is not None:
            self._controller.stop()

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            if self.users.get(login) == auth_data.password.decode():
                self.logins.append(login)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.server.rcpt_reply:
            return self.server.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.data_reply:
            return self.server.data_reply
        raw = bytes(envelope.original_content or envelope.content)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), raw, message)
        )
        return "250 Message accepted for delivery"
