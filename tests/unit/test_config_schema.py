"""The schema (pydantic, shaped like the file) agrees with the dataclasses the application reads,
and the mistakes it catches by type or by check read as one line with file, line and key."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import get_args

import pytest

from moderator.errors import ConfigError
from moderator.policy.categories import CATEGORIES
from moderator.settings import config as config_mod
from moderator.settings import values
from tests.factories import MINIMAL_CONFIG
from workqueue.ladder import Step
from workqueue.roles import Role

TABLE_DEFAULTS = [
    ("classifier", config_mod.ClassifierConfig()),
    ("webhooks", config_mod.WebhookConfig()),
    ("escalation", config_mod.EscalationConfig()),
    ("letters", config_mod.LettersConfig()),
    ("evidence", config_mod.EvidenceConfig()),
    ("retention", config_mod.RetentionConfig()),
    ("mail", config_mod.MailConfig()),
    ("digest", config_mod.DigestConfig()),
    ("worker", config_mod.WorkerConfig()),
]


def parse(text: str) -> config_mod.SchoolConfig:
    return config_mod.parse(text, Path("moderator.toml"))


@pytest.mark.parametrize(("table", "default"), TABLE_DEFAULTS)
def test_a_missing_table_gives_the_dataclass_defaults(table: str, default: object) -> None:
    assert getattr(parse(MINIMAL_CONFIG), table) == default
    assert getattr(parse(MINIMAL_CONFIG + f"\n[{table}]\n"), table) == default


def test_the_schema_names_the_application_s_choices() -> None:
    assert get_args(values.StepName) == tuple(s.value for s in Step)
    assert get_args(values.RoleName) == tuple(r.value for r in Role if r is not Role.STAFF)
    assert get_args(values.Category) == CATEGORIES


def test_empty_strings_keep_the_default() -> None:
    config = parse(
        MINIMAL_CONFIG
        + '\n[classifier]\nbackend = ""\ndevice = ""\n[worker]\nnightly_at = ""\ntimezone = ""\n'
        + '[digest]\nat = ""\n[letters]\npolicy_wording = ""\n'
    )
    assert (config.classifier.backend, config.classifier.device) == ("bundled", "cpu")
    assert config.worker == config_mod.WorkerConfig()
    assert config.digest.at.isoformat() == "07:30:00"
    assert config.letters.policy_wording == config_mod.DEFAULT_POLICY_WORDING


def test_every_value_reaches_its_dataclass(tmp_path: Path) -> None:
    (tmp_path / "letters").mkdir()
    text = MINIMAL_CONFIG + (
        '\n[[sources]]\nname = "ig"\nplatform = "instagram"\naccount_id = "9"\n'
        'access_token_env = "IG"\npoll_interval_seconds = 60\n'
        '[classifier]\nbackend = "detoxify"\nmodel = "unbiased"\ncheckpoint = "m.ckpt"\n'
        "[policy.thresholds]\ncomplaint = 0\nabuse = 1\n"
        '[escalation]\nincident_categories = ["abuse"]\nclaim_timeout_minutes = 5\n'
        '[escalation.permissions]\nlegal = []\n[letters]\ntemplates_dir = "letters"\n'
        '[evidence]\ntsa_url = "https://tsa.example/tsr"\nmedia_hosts = ["cdn.example"]\n'
        '[mail]\nhost = " smtp.example "\nfrom_address = "a@b.example"\nssl = true\n'
        '[digest]\nat = "06:05"\nhigh_severity = ["review"]\n[worker]\ntimezone = "UTC"\n'
    )
    config = config_mod.parse(text, tmp_path / "moderator.toml")
    source = config.source("ig")
    assert (source.account_id, source.poll_interval_seconds, source.path) == ("9", 60, None)
    assert config.classifier.checkpoint == tmp_path / "m.ckpt"
    assert config.thresholds == {"complaint": 0.0, "abuse": 1.0}
    assert config.escalation.rule.incident_categories == {"abuse"}
    assert config.escalation.permissions.who("legal") == "no role"
    assert config.escalation.permissions.who("police") == "headteacher, dsl, admin"
    assert config.letters.templates_dir == tmp_path / "letters"
    assert config.evidence.media_hosts == ("cdn.example",)
    assert (config.mail.host, config.mail.port, config.mail.starttls) == (
        "smtp.example",
        465,
        False,
    )
    assert config.digest.high_severity == (Step.REVIEW,)
    assert config.worker.timezone == "UTC"
    assert dataclasses.replace(config, name="Other").source("ig") == source


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("[school]", 'database_url = "sqlite:///x.db"\n[school]'),
            r"line 1: 'database_url': the database is not set in the config: give --database-url",
        ),
        (
            ('platform = "file"', 'platform = ""'),
            r"line 15: \[\[sources\]\] #1 'platform': must not be empty$",
        ),
        (
            (
                'path = "comments.jsonl"',
                'path = "a.jsonl"\n[[sources]]\nname = "reports"\nplatform = "file"\npath = "b"',
            ),
            r"\[\[sources\]\] #2 'name': duplicate source name 'reports'$",
        ),
        (
            ('path = "comments.jsonl"\n', ""),
            r"line 13: \[\[sources\]\] #1 'path': missing; expected a string$",
        ),
        (("[school]\n", "[school]\nmotto = 1\n"), r"\[school\] 'motto': unknown key; expected"),
        (
            ('name = "Test School"\n', ""),
            r"line 1: \[school\] 'name': missing; expected a string$",
        ),
        (
            ('name = "Test School"', 'name = "  "'),
            r"line 2: \[school\] 'name': must not be empty$",
        ),
        (
            ('aliases = ["Oliver B"]', 'aliases = ["Oliver B", ""]'),
            r"line 11: \[\[pupils\]\] #1 'aliases': expected a list of non-empty strings; got \[",
        ),
        (
            ('[school]\nname = "Test School"', "school = 3"),
            r"line 1: 'school': expected a table \[school\]; got int$",
        ),
        (("[[sources]]", "[sources]"), r"'sources': expected an array of tables \[\[sources\]\]$"),
        (
            ("[school]", "[worker]\ntimezone = 'Mars/Olympus'\n[school]"),
            r"line 2: \[worker\] 'timezone': unknown time zone 'Mars/Olympus'$",
        ),
    ],
)
def test_mistakes_are_one_line(write_config, change: tuple[str, str], expected: str) -> None:  # type: ignore[no-untyped-def]
    assert change[0] in MINIMAL_CONFIG
    path = write_config(MINIMAL_CONFIG.replace(*change, 1))
    with pytest.raises(ConfigError, match=expected) as error:
        config_mod.load(path)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)


def test_an_unknown_key_is_reported_before_what_it_hides(write_config) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_CONFIG + '\n[mail]\nhots = "smtp.example"\nfrom_address = "a@b.example"\n'
    with pytest.raises(
        ConfigError, match=r"\[mail\] 'hots': unknown key \(did you mean 'host'\?\)"
    ):
        config_mod.load(write_config(text))
