"""The school configuration: a TOML file, validated into frozen dataclasses.

Errors name the file, the line where it can be found, the key and what was expected::

    moderator.toml: line 14: [[sources]] #2 'platform': expected one of facebook, instagram, file; got 'twitter'

Secrets never live in the file: a source names the *environment variable* that holds its
token (``access_token_env``), read only when the connector needs it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator import tomlcheck
from moderator.exceptions import ConfigError

SAMPLE_CONFIG = Path(__file__).parent / "sample" / "school.toml"
PLATFORMS = ("facebook", "instagram", "file")
BACKENDS = ("bundled", "detoxify", "lexical")
DETOXIFY_MODELS = ("original", "unbiased", "multilingual", "original-small", "unbiased-small")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Person:
    """Someone the school protects; ``aliases`` are how comments name them."""

    name: str
    kind: str  #: "staff" or "pupil"
    role: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class SourceConfig:
    """One channel the school moderates."""

    name: str
    platform: str
    page_id: str | None = None
    account_id: str | None = None
    path: Path | None = None
    access_token_env: str | None = None
    graph_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    poll_interval_seconds: int = 300
    lookback_days: int = 90  #: incremental polls open posts and media this recent
    timeout_seconds: float = 30.0  #: one Graph call
    rate_limit_backoff_seconds: float = 10.0  #: first pause after a rate limit with no hint
    max_rate_limit_wait_seconds: float = 1800.0  #: most one scan waits on rate limits

    def access_token(self) -> str:
        """The token from the environment; a clear error when it is not set."""
        if not self.access_token_env:
            raise ConfigError(f"source {self.name!r}: no access_token_env is configured")
        token = os.environ.get(self.access_token_env, "")
        if not token:
            raise ConfigError(
                f"source {self.name!r}: environment variable {self.access_token_env} is not set"
            )
        return token


@dataclass(frozen=True)
class WebhookConfig:
    """The Meta webhook receiver; secrets are named by environment variable, never written."""

    app_secret_env: str | None = None  #: the app secret: checks X-Hub-Signature-256
    verify_token_env: str | None = None  #: the verify token for the subscription handshake
    path: str = "/webhooks/meta"

    @property
    def enabled(self) -> bool:
        return self.app_secret_env is not None

    def secret(self, which: str) -> str:
        """The value of ``app_secret_env`` or ``verify_token_env``; a clear error when unset."""
        name = self.app_secret_env if which == "app_secret" else self.verify_token_env
        value = os.environ.get(name, "") if name else ""
        if not name or not value:
            raise ConfigError(
                f"[webhooks] {which}_env: "
                + (f"environment variable {name} is not set" if name else "not configured")
            )
        return value


@dataclass(frozen=True)
class ClassifierConfig:
    """Which backend scores comments, and how."""

    backend: str = "bundled"
    model: str = "original"
    checkpoint: Path | None = None
    huggingface_config_path: Path | None = None
    device: str = "cpu"
    batch_size: int = 32


@dataclass(frozen=True)
class SchoolConfig:
    """A validated school configuration."""

    name: str
    headteacher: str = ""
    staff: tuple[Person, ...] = ()
    pupils: tuple[Person, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    thresholds: dict[str, float] = field(default_factory=dict)
    webhooks: WebhookConfig = field(default_factory=WebhookConfig)
    path: Path | None = None
    text: str = ""  #: the file as read, kept for the config snapshot

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def people(self) -> tuple[Person, ...]:
        return self.staff + self.pupils

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {name!r} (configured: {known})")


def load(path: Path | str | None) -> SchoolConfig:
    """Load ``path``; with ``None``, ``./moderator.toml`` if present, else the sample school."""
    if path is None:
        local = Path("moderator.toml")
        path = local if local.is_file() else SAMPLE_CONFIG
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    return parse(text, path)


def parse(text: str, path: Path) -> SchoolConfig:
    """Validate TOML ``text`` read from ``path`` (used for messages and relative paths)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    check = tomlcheck.Checker(path, text)
    check.keys(
        data, "", {"school", "staff", "pupils", "sources", "classifier", "policy", "webhooks"}
    )
    school = check.table(data, "school", required=True)
    check.keys(school, "[school]", {"name", "headteacher"})
    return SchoolConfig(
        name=check.string(school, "name", "[school]", required=True),
        headteacher=check.string(school, "headteacher", "[school]"),
        staff=tuple(
            _person(check, t, "staff", i) for i, t in enumerate(check.array(data, "staff"))
        ),
        pupils=tuple(
            _person(check, t, "pupils", i) for i, t in enumerate(check.array(data, "pupils"))
        ),
        sources=_sources(check, data, path),
        classifier=_classifier(check, check.table(data, "classifier"), path),
        thresholds=_thresholds(check, check.table(data, "policy")),
        webhooks=_webhooks(check, check.table(data, "webhooks")),
        path=path,
        text=text,
    )


def _person(check: tomlcheck.Checker, table: dict[str, Any], kind: str, i: int) -> Person:
    where = f"[[{kind}]] #{i + 1}"
    check.keys(table, where, {"name", "role", "aliases"})
    return Person(
        name=check.string(table, "name", where, required=True),
        kind="staff" if kind == "staff" else "pupil",
        role=check.string(table, "role", where),
        aliases=tuple(check.strings(table, "aliases", where)),
    )


_SOURCE_KEYS = {
    "name",
    "platform",
    "page_id",
    "account_id",
    "path",
    "access_token_env",
    "graph_url",
    "api_version",
    "poll_interval_seconds",
    "lookback_days",
    "timeout_seconds",
    "rate_limit_backoff_seconds",
    "max_rate_limit_wait_seconds",
}


def _sources(
    check: tomlcheck.Checker, data: dict[str, Any], path: Path
) -> tuple[SourceConfig, ...]:
    sources: list[SourceConfig] = []
    for i, table in enumerate(check.array(data, "sources")):
        where = f"[[sources]] #{i + 1}"
        if "access_token" in table:
            check.fail(
                where,
                "access_token",
                "tokens must not be written in the config; put it in an environment "
                "variable and name that variable with access_token_env",
            )
        check.keys(table, where, _SOURCE_KEYS)
        source = _source(check, table, where, path)
        if any(s.name == source.name for s in sources):
            check.fail(where, "name", f"duplicate source name {source.name!r}")
        sources.append(source)
    return tuple(sources)


def _source(
    check: tomlcheck.Checker, table: dict[str, Any], where: str, path: Path
) -> SourceConfig:
    platform = check.choice(table, "platform", where, PLATFORMS, required=True)
    needs = {"facebook": "page_id", "instagram": "account_id", "file": "path"}[platform]
    check.string(table, needs, where, required=True)
    token_env = check.string(table, "access_token_env", where) or None
    if token_env and not _ENV_NAME.match(token_env):
        check.fail(
            where, "access_token_env", f"expected an environment variable name; got {token_env!r}"
        )
    if platform != "file" and not token_env:
        check.fail(where, "access_token_env", f"required for platform {platform!r}")
    file_path = check.string(table, "path", where)
    return SourceConfig(
        name=check.string(table, "name", where, required=True),
        platform=platform,
        page_id=check.string(table, "page_id", where) or None,
        account_id=check.string(table, "account_id", where) or None,
        path=(path.parent / file_path) if file_path else None,
        access_token_env=token_env,
        graph_url=check.string(table, "graph_url", where) or "https://graph.facebook.com",
        api_version=check.string(table, "api_version", where) or "v21.0",
        poll_interval_seconds=check.integer(
            table, "poll_interval_seconds", where, default=300, minimum=10
        ),
        lookback_days=check.integer(table, "lookback_days", where, default=90, minimum=1),
        timeout_seconds=check.number(table, "timeout_seconds", where, default=30, minimum=0.1),
        rate_limit_backoff_seconds=check.number(
            table, "rate_limit_backoff_seconds", where, default=10, minimum=0
        ),
        max_rate_limit_wait_seconds=check.number(
            table, "max_rate_limit_wait_seconds", where, default=1800, minimum=0
        ),
    )


def _webhooks(check: tomlcheck.Checker, table: dict[str, Any]) -> WebhookConfig:
    where = "[webhooks]"
    for key in ("app_secret", "verify_token"):
        if key in table:
            check.fail(
                where,
                key,
                f"secrets must not be written in the config; name an environment "
                f"variable with {key}_env",
            )
    check.keys(table, where, {"app_secret_env", "verify_token_env", "path"})
    names = {}
    for key in ("app_secret_env", "verify_token_env"):
        value = check.string(table, key, where) or None
        if value and not _ENV_NAME.match(value):
            check.fail(where, key, f"expected an environment variable name; got {value!r}")
        names[key] = value
    if table and not names["app_secret_env"]:
        check.fail(where, "app_secret_env", "required: webhooks are accepted only when signed")
    path = check.string(table, "path", where) or "/webhooks/meta"
    if not path.startswith("/"):
        check.fail(where, "path", f"expected a URL path starting with '/'; got {path!r}")
    return WebhookConfig(names["app_secret_env"], names["verify_token_env"], path)


def _classifier(check: tomlcheck.Checker, table: dict[str, Any], path: Path) -> ClassifierConfig:
    where = "[classifier]"
    check.keys(
        table,
        where,
        {"backend", "model", "checkpoint", "huggingface_config_path", "device", "batch_size"},
    )
    checkpoint = check.string(table, "checkpoint", where)
    hf_config = check.string(table, "huggingface_config_path", where)
    return ClassifierConfig(
        backend=check.choice(table, "backend", where, BACKENDS, default="bundled"),
        model=check.choice(table, "model", where, DETOXIFY_MODELS, default="original"),
        checkpoint=(path.parent / checkpoint) if checkpoint else None,
        huggingface_config_path=(path.parent / hf_config) if hf_config else None,
        device=check.string(table, "device", where) or "cpu",
        batch_size=check.integer(table, "batch_size", where, default=32, minimum=1),
    )


def _thresholds(check: tomlcheck.Checker, policy: dict[str, Any]) -> dict[str, float]:
    from moderator.categories import CATEGORIES

    check.keys(policy, "[policy]", {"thresholds"})
    table = check.table(policy, "thresholds")
    check.keys(table, "[policy.thresholds]", set(CATEGORIES))
    return {key: check.probability(table, key, "[policy.thresholds]") for key in table}
