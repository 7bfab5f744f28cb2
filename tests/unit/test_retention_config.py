"""``[retention]``: whole numbers of days, at least 0 (0: never purge that kind)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderator.errors import ConfigError
from moderator.settings import config as config_mod
from tests.factories import MINIMAL_CONFIG


def parse(table: str) -> config_mod.SchoolConfig:
    return config_mod.parse(MINIMAL_CONFIG + "\n[retention]\n" + table, Path("moderator.toml"))


def test_the_defaults_keep_the_audit_log_for_ever() -> None:
    config = config_mod.parse(MINIMAL_CONFIG, Path("moderator.toml"))
    assert config.retention == config_mod.RetentionConfig(30, 30, 365, 0)
    assert parse("").retention == config.retention


def test_every_period_can_be_set_and_zero_means_never() -> None:
    retention = parse(
        "unflagged_days = 7\ndismissed_days = 0\nclosed_days = 2190\naudit_days = 3650\n"
    ).retention
    assert (retention.unflagged_days, retention.dismissed_days) == (7, 0)
    assert (retention.closed_days, retention.audit_days) == (2190, 3650)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "unflagged_days = -1",
            r"line 19: \[retention\] 'unflagged_days': expected a whole number of at least 0; got -1",
        ),
        ("closed_days = 36.5", r"'closed_days': expected a whole number of at least 0; got 36.5"),
        (
            'dismissed_days = "30"',
            r"'dismissed_days': expected a whole number of at least 0; got '30'",
        ),
        ("audit_days = true", r"'audit_days': expected a whole number of at least 0; got True"),
        ("keep_days = 3", r"\[retention\] 'keep_days': unknown key"),
    ],
)
def test_a_bad_period_is_one_line_naming_it(table: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse(table + "\n")
