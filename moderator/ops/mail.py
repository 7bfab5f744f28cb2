"""Handing an email to the school's SMTP server (``[mail]``): TLS or STARTTLS, an optional
login, and one line naming the server and what it said when anything fails (never the
password). The daily digest (``ops.digest``) sends through it."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from moderator.errors import ConfigError, ModeratorError
from moderator.settings.config import MailConfig


class MailError(ModeratorError):
    """An email could not be sent."""


def send(
    mail: MailConfig,
    recipients: list[str],
    message: EmailMessage,
    *,
    kind: str,
    error: type[ModeratorError] = MailError,
) -> list[str]:
    """Hand ``message`` to the ``[mail]`` server for ``recipients``; the addresses it refused
    (when it accepted others). From, To and a Message-ID (naming ``kind``) are added when
    missing. Failures raise ``error`` naming the server."""
    server = f"SMTP server {mail.host}:{mail.port}"
    try:
        password = mail.password() if mail.username else ""
    except ConfigError as exc:
        raise error(f"{server}: cannot log in: {exc}") from None
    for header, value in (("From", mail.from_address), ("To", ", ".join(recipients))):
        if header not in message:
            message[header] = value
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(kind, domain=mail.from_address.rpartition("@")[2])
    try:
        client: smtplib.SMTP
        if mail.ssl:
            client = smtplib.SMTP_SSL(
                mail.host,
                mail.port,
                timeout=mail.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds)
        with client:
            if mail.starttls and not mail.ssl:
                client.starttls(context=ssl.create_default_context())
            if mail.username:
                client.login(mail.username, password)
            refused = client.send_message(message, from_addr=mail.from_address, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise error(f"{server}: {_problem(exc, mail.username, mail.timeout_seconds)}") from exc
    return sorted(refused)


def _problem(exc: BaseException, username: str, timeout: float) -> str:
    """One line saying what went wrong (the server's words, never the password)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        said = "; ".join(
            f"{to} ({_reply(code, why)})" for to, (code, why) in exc.recipients.items()
        )
        return f"refused every recipient: {said}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"refused the login for {username!r} ({_reply(exc.smtp_code, exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"refused the sender {exc.sender!r} ({_reply(exc.smtp_code, exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPDataError):
        return f"refused the message ({_reply(exc.smtp_code, exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"does not support it: {_one_line(str(exc))} (check starttls, ssl and username)"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"refused ({_reply(exc.smtp_code, exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"closed the connection: {_one_line(str(exc)) or 'no reason given'}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {_one_line(getattr(exc, 'reason', None) or str(exc))}"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} seconds"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the host and port right?)"
    if isinstance(exc, OSError):
        return f"cannot connect: {_one_line(exc.strerror or str(exc))}"
    return f"{exc.__class__.__name__}: {_one_line(str(exc))}"


def _reply(code: int, message: bytes | str) -> str:
    said = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {_one_line(said)}".strip()


def _one_line(words: str) -> str:
    return " ".join(str(words).split())
