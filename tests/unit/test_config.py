"""Config validation: every mistake is one line naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderator.errors import ConfigError
from moderator.settings import config as config_mod
from tests.factories import MINIMAL_CONFIG


def test_sample_school_loads(sample_config: config_mod.SchoolConfig) -> None:
    assert sample_config.name
    assert sample_config.staff and sample_config.pupils
    (source,) = sample_config.sources
    assert source.platform == "file"
    assert source.path is not None and source.path.is_file()


def test_relative_paths_resolve_against_the_config_file(write_config) -> None:  # type: ignore[no-untyped-def]
    path: Path = write_config(MINIMAL_CONFIG)
    config = config_mod.load(path)
    assert config.sources[0].path == path.parent / "comments.jsonl"
    assert config.staff[0].aliases == ("Mrs Holloway", "the head")
    assert len(config.sha256) == 64


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('platform = "file"', 'platform = "twitter"'),
            r"line 15: \[\[sources\]\] #1 'platform': expected one of facebook, instagram, file; got 'twitter'",
        ),
        (
            ('name = "Test School"', "name = 42"),
            r"line 2: \[school\] 'name': expected a string; got 42",
        ),
        (
            ('aliases = ["Oliver B"]', 'aliasses = ["Oliver B"]'),
            r"\[\[pupils\]\] #1 'aliasses': unknown key \(did you mean 'aliases'\?\)",
        ),
        (
            ('path = "comments.jsonl"', 'path = "comments.jsonl"\naccess_token = "EAAB..."'),
            r"'access_token': tokens must not be written in the config",
        ),
        (("[school]", "[school"), r"invalid TOML: .*line 1"),
    ],
)
def test_errors_name_file_line_and_key(write_config, change, expected) -> None:  # type: ignore[no-untyped-def]
    path = write_config(MINIMAL_CONFIG.replace(*change))
    with pytest.raises(ConfigError, match=expected) as error:
        config_mod.load(path)
    message = str(error.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_facebook_source_needs_a_token_variable(write_config) -> None:  # type: ignore[no-untyped-def]
    body = MINIMAL_CONFIG + '\n[[sources]]\nname = "fb"\nplatform = "facebook"\npage_id = "1"\n'
    with pytest.raises(ConfigError, match=r"\[\[sources\]\] #2 'access_token_env': required"):
        config_mod.load(write_config(body))


def test_token_comes_from_the_named_environment_variable(
    write_config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    body = MINIMAL_CONFIG + (
        '\n[[sources]]\nname = "fb"\nplatform = "facebook"\npage_id = "1"\naccess_token_env = "FB_TOKEN"\n'
    )
    source = config_mod.load(write_config(body)).source("fb")
    monkeypatch.delenv("FB_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="source 'fb': environment variable FB_TOKEN is not set"):
        source.access_token()
    monkeypatch.setenv("FB_TOKEN", "secret")
    assert source.access_token() == "secret"


def test_thresholds_are_validated(write_config) -> None:  # type: ignore[no-untyped-def]
    good = config_mod.load(write_config(MINIMAL_CONFIG + "\n[policy.thresholds]\nabuse = 0.7\n"))
    assert good.thresholds == {"abuse": 0.7}
    with pytest.raises(ConfigError, match=r"'abuse': expected a number from 0 to 1; got 7"):
        config_mod.load(write_config(MINIMAL_CONFIG + "\n[policy.thresholds]\nabuse = 7\n"))
    with pytest.raises(ConfigError, match=r"unknown key \(did you mean 'threat'\?\)"):
        config_mod.load(write_config(MINIMAL_CONFIG + "\n[policy.thresholds]\nthreats = 0.5\n"))


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: config file not found"):
        config_mod.load(tmp_path / "nowhere.toml")


def test_no_config_means_local_file_else_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert config_mod.load(None).path == config_mod.SAMPLE_CONFIG
    (tmp_path / "moderator.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    assert config_mod.load(None).name == "Test School"


FACEBOOK_SOURCE = """
[[sources]]
name = "fb"
platform = "facebook"
page_id = "1"
access_token_env = "FB_TOKEN"
"""


def test_platform_source_settings_have_defaults_and_are_validated(write_config) -> None:  # type: ignore[no-untyped-def]
    source = config_mod.load(write_config(MINIMAL_CONFIG + FACEBOOK_SOURCE)).source("fb")
    assert (source.graph_url, source.api_version, source.lookback_days) == (
        "https://graph.facebook.com",
        "v21.0",
        90,
    )
    assert source.rate_limit_backoff_seconds == 10 and source.max_rate_limit_wait_seconds == 1800
    tuned = config_mod.load(
        write_config(
            MINIMAL_CONFIG + FACEBOOK_SOURCE + "timeout_seconds = 2.5\nlookback_days = 7\n"
        )
    ).source("fb")
    assert (tuned.timeout_seconds, tuned.lookback_days) == (2.5, 7)
    with pytest.raises(
        ConfigError, match=r"'timeout_seconds': expected a number of at least 0.1; got 'soon'"
    ):
        config_mod.load(
            write_config(MINIMAL_CONFIG + FACEBOOK_SOURCE + 'timeout_seconds = "soon"\n')
        )


def test_webhooks_section(write_config, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert not config_mod.load(write_config(MINIMAL_CONFIG)).webhooks.enabled
    text = (
        MINIMAL_CONFIG
        + '\n[webhooks]\napp_secret_env = "APP_SECRET"\nverify_token_env = "VERIFY"\n'
    )
    webhooks = config_mod.load(write_config(text)).webhooks
    assert webhooks.enabled and webhooks.path == "/webhooks/meta"
    with pytest.raises(ConfigError, match="environment variable APP_SECRET is not set"):
        webhooks.secret("app_secret")
    monkeypatch.setenv("APP_SECRET", "s3cret")
    assert webhooks.secret("app_secret") == "s3cret"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ('app_secret = "abc"', r"'app_secret': secrets must not be written in the config"),
        (
            'verify_token_env = "V"',
            r"'app_secret_env': required: webhooks are accepted only when signed",
        ),
        ('app_secret_env = "A"\npath = "hooks"', r"'path': expected a URL path starting with '/'"),
        (
            'app_secret_env = "not a name"',
            r"'app_secret_env': expected an environment variable name",
        ),
    ],
)
def test_webhooks_mistakes(write_config, section: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=expected):
        config_mod.load(write_config(MINIMAL_CONFIG + f"\n[webhooks]\n{section}\n"))


def test_escalation_and_letters_sections(write_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "letters").mkdir()
    config = config_mod.load(
        write_config(
            MINIMAL_CONFIG
            + """
[escalation]
rungs = ["meeting", "police"]
window_days = 0
auto_hide = false
[escalation.floors]
obscene = "meeting"
[escalation.permissions]
legal = ["headteacher"]
safeguarding = ["dsl", "headteacher"]

[letters]
templates_dir = "letters"
signatory = "Mrs J Holloway, Headteacher"
"""
        )
    )
    escalation = config.escalation
    assert [s.value for s in escalation.rule.rungs] == ["meeting", "police"]
    assert escalation.rule.window is None and escalation.auto_hide is False
    assert escalation.floors["obscene"].value == "meeting"
    assert escalation.floors["threat"].value == "police"  # the rest keep their defaults
    assert {r.value for r in escalation.permissions.table["safeguarding"]} == {"dsl", "headteacher"}
    assert config.letters.templates_dir == tmp_path / "letters"
    assert config.letters.signatory.startswith("Mrs J Holloway")
    default = config_mod.load(write_config(MINIMAL_CONFIG)).escalation
    assert default.auto_hide and default.rule.window is not None


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            '[escalation]\nrungs = ["meeting", "prison"]',
            r"\[escalation\] 'rungs': expected each of",
        ),
        ("[escalation]\nwindow_days = -1", r"'window_days': expected a whole number of at least 0"),
        ('[escalation]\nauto_hide = "yes"', r"'auto_hide': expected true or false"),
        (
            '[escalation.floors]\nrudeness = "police"',
            r"\[escalation.floors\] 'rudeness': unknown key",
        ),
        (
            '[escalation.permissions]\npolice = ["governor"]',
            r"'police': expected each of moderator",
        ),
        ('[letters]\ntemplates_dir = "nowhere"', r"\[letters\] 'templates_dir': no such folder"),
    ],
)
def test_escalation_mistakes(write_config, section: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=expected):
        config_mod.load(write_config(MINIMAL_CONFIG + f"\n{section}\n"))
