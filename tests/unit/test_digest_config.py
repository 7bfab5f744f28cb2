"""``[mail]`` and ``[digest]``: defaults, and one-line errors naming file, line and key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from moderator.errors import ConfigError
from moderator.ops import digest
from moderator.settings import config as config_mod
from tests.factories import MINIMAL_CONFIG
from workqueue.ladder import Step

MAIL = """
[mail]
host = "smtp.school.example"
username = "digest"
password_env = "DIGEST_SMTP_PASSWORD"
from_address = "moderation@school.example"

[digest]
to = ["moderators@school.example", "head@school.example"]
"""

WriteConfig = Callable[..., Path]


def test_defaults_without_the_tables(write_config: WriteConfig) -> None:
    config = config_mod.load(write_config(MINIMAL_CONFIG))
    assert not config.mail.configured and config.digest.to == ()
    assert config.digest.at == dt.time(7, 30) and config.digest.include_text is True
    assert config.digest.high_severity == (Step.POLICE, Step.LEGAL)


def test_mail_and_digest_defaults(write_config: WriteConfig) -> None:
    config = config_mod.load(write_config(MINIMAL_CONFIG + MAIL))
    mail = config.mail
    assert (mail.host, mail.port, mail.starttls, mail.ssl) == (
        "smtp.school.example",
        587,
        True,
        False,
    )
    assert mail.username == "digest" and mail.password_env == "DIGEST_SMTP_PASSWORD"
    assert mail.timeout_seconds == 30.0
    assert config.digest.to == ("moderators@school.example", "head@school.example")


def test_ssl_defaults_to_port_465_without_starttls(write_config: WriteConfig) -> None:
    text = MINIMAL_CONFIG + MAIL.replace("from_address", "ssl = true\nfrom_address")
    mail = config_mod.load(write_config(text)).mail
    assert (mail.port, mail.ssl, mail.starttls) == (465, True, False)


def test_the_password_comes_from_the_environment(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail = config_mod.load(write_config(MINIMAL_CONFIG + MAIL)).mail
    monkeypatch.delenv("DIGEST_SMTP_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="environment variable DIGEST_SMTP_PASSWORD is not set"):
        mail.password()
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "pw")
    assert mail.password() == "pw"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('to = ["moderators@school.example"', 'to = ["moderators.school.example"'),
            r"line \d+: \[digest\] 'to': expected an email address .*; got 'moderators.school.example'",
        ),
        (
            ('from_address = "moderation@school.example"', 'from_address = "Mod <m@s.example>"'),
            r"\[mail\] 'from_address': expected an email address",
        ),
        (
            ("[digest]\n", '[digest]\nat = "7.30am"\n'),
            r"\[digest\] 'at': expected a 24-hour UK time as HH:MM, e.g. 07:30; got '7.30am'",
        ),
        (("[digest]\n", '[digest]\nat = "24:00"\n'), r"\[digest\] 'at': expected a 24-hour"),
        (
            ("[digest]\n", '[digest]\nhigh_severity = ["police", "prison"]\n'),
            r"\[digest\] 'high_severity': expected each of review, hide, .*got 'prison'",
        ),
        (
            ('password_env = "DIGEST_SMTP_PASSWORD"', 'password = "hunter2"'),
            r"\[mail\] 'password': passwords must not be written in the config",
        ),
        (
            ('password_env = "DIGEST_SMTP_PASSWORD"\n', ""),
            r"\[mail\] 'password_env': required when username is set",
        ),
        (
            ('password_env = "DIGEST_SMTP_PASSWORD"', 'password_env = "my password"'),
            r"\[mail\] 'password_env': expected an environment variable name",
        ),
        (
            ('host = "smtp.school.example"\n', ""),
            r"\[mail\] 'host': missing; expected a string",
        ),
        (
            (
                'host = "smtp.school.example"',
                'host = "smtp.school.example"\nssl = true\nstarttls = true',
            ),
            r"\[mail\] 'starttls': choose one: ssl \(port 465\) or starttls \(port 587\)",
        ),
        (
            ('host = "smtp.school.example"', 'host = "smtp.school.example"\nport = 70000'),
            r"\[mail\] 'port': expected a port from 1 to 65535; got 70000",
        ),
        (
            (
                'host = "smtp.school.example"',
                'host = "smtp.school.example"\nsender = "x@y.example"',
            ),
            r"\[mail\] 'sender': unknown key",
        ),
        (
            ("[digest]\n", "[digest]\ninclude_text = 1\n"),
            r"\[digest\] 'include_text': expected true or false; got 1",
        ),
    ],
)
def test_errors_name_file_line_and_key(
    write_config: WriteConfig, change: tuple[str, str], expected: str
) -> None:
    text = MINIMAL_CONFIG + MAIL
    assert change[0] in text
    path = write_config(text.replace(*change))
    with pytest.raises(ConfigError, match=expected) as error:
        config_mod.load(path)
    message = str(error.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert "hunter2" not in message


def test_excerpts_are_one_line_and_capped() -> None:
    assert digest.excerpt("  Two\n lines  ") == "Two lines"
    long = "word " * 100
    cut = digest.excerpt(long)
    assert len(cut) <= digest.EXCERPT_CHARS and cut.endswith("\u2026")
    assert digest.excerpt("x" * 140) == "x" * 140
