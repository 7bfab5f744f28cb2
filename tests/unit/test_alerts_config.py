"""``[alerts]``, ``[worker] recheck_hours`` and ``[escalation] removal_deadline_days``: defaults,
quiet hours (across midnight too) and one-line errors naming the key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from moderator.errors import ConfigError
from moderator.evidence.times import UK
from moderator.review import alerts
from moderator.settings import config as config_mod
from tests.factories import MINIMAL_CONFIG

WriteConfig = Callable[..., Path]


def uk(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, 15, hour, minute, tzinfo=UK)  # winter: UK time is UTC


def test_defaults(write_config: WriteConfig) -> None:
    config = config_mod.load(write_config(MINIMAL_CONFIG))
    assert config.alerts == config_mod.AlertsConfig()
    assert config.alerts.to == () and config.alerts.quiet_hours is None
    assert config.worker.recheck_hours == 48
    assert config.escalation.removal_deadline_days == 7
    assert not alerts.quiet(config.alerts, uk(3))


def test_quiet_hours_across_midnight(write_config: WriteConfig) -> None:
    body = (
        MINIMAL_CONFIG
        + '\n[alerts]\nto = ["head@school.example"]\nquiet_hours = "22:00-07:00"\n'
        + "\n[escalation]\nremoval_deadline_days = 3\n\n[worker]\nrecheck_hours = 0\n"
    )
    config = config_mod.load(write_config(body))
    assert config.alerts.quiet_hours == (dt.time(22), dt.time(7))
    assert config.escalation.removal_deadline_days == 3 and config.worker.recheck_hours == 0
    quiet = [h for h in range(24) if alerts.quiet(config.alerts, uk(h))]
    assert quiet == [0, 1, 2, 3, 4, 5, 6, 22, 23]
    assert alerts.quiet(config.alerts, uk(6, 59)) and not alerts.quiet(config.alerts, uk(7))


def test_quiet_hours_within_a_day(write_config: WriteConfig) -> None:
    body = MINIMAL_CONFIG + '\n[alerts]\nquiet_hours = "12:00-13:30"\n'
    config = config_mod.load(write_config(body))
    assert [alerts.quiet(config.alerts, uk(h, m)) for h, m in ((11, 59), (12, 0), (13, 30))] == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('[alerts]\nquiet_hours = "22:00"\n', "quiet_hours"),
        ('[alerts]\nquiet_hours = "22:00-25:00"\n', "quiet_hours"),
        ('[alerts]\nto = ["not an address"]\n', "to"),
        ("[escalation]\nremoval_deadline_days = 0\n", "removal_deadline_days"),
        ("[worker]\nrecheck_hours = -1\n", "recheck_hours"),
    ],
)
def test_errors_name_the_key(write_config: WriteConfig, table: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(write_config(MINIMAL_CONFIG + "\n" + table))
    message = str(caught.value)
    assert key in message and "\n" not in message
