"""Config validation: every mistake is one line naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderator import config as config_mod
from moderator.exceptions import ConfigError
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
