"""The school configuration: a TOML file, validated against ``schema`` into frozen dataclasses.

Errors name the file, the line where it can be found, the key and what was expected::

    moderator.toml: line 14: [[sources]] #2 'platform': expected one of facebook, instagram, file; got 'twitter'

Secrets never live in the file: a source names the *environment variable* that holds its
token (``access_token_env``), read only when the connector needs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from moderator.errors import ConfigError
from moderator.policy.categories import STEP
from moderator.policy.school_words import Blocked, SchoolWords, tidy
from moderator.settings import schema, tomlcheck
from moderator.settings.values import (
    BACKENDS,
    DEFAULT_COMPLAINTS_PROCEDURE,
    DEFAULT_MEDIA_HOSTS,
    DEFAULT_POLICY_WORDING,
    DETOXIFY_MODELS,
    PLATFORMS,
)
from workqueue.ladder import LadderRule, Step
from workqueue.roles import DEFAULT_PERMISSIONS, Permissions, Role

__all__ = [
    "BACKENDS",
    "DEFAULT_COMPLAINTS_PROCEDURE",
    "DEFAULT_MEDIA_HOSTS",
    "DEFAULT_POLICY_WORDING",
    "DETOXIFY_MODELS",
    "PLATFORMS",
    "SAMPLE_CONFIG",
    "ClassifierConfig",
    "DigestConfig",
    "EscalationConfig",
    "EvidenceConfig",
    "LettersConfig",
    "MailConfig",
    "Person",
    "RetentionConfig",
    "SchoolConfig",
    "SourceConfig",
    "WebhookConfig",
    "WorkerConfig",
    "load",
    "parse",
]

SAMPLE_CONFIG = Path(__file__).parent / "sample" / "school.toml"


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
class EscalationConfig:
    """The ladder a school climbs, who may take each rung, and whether hiding is automatic."""

    rule: LadderRule = field(default_factory=LadderRule)
    #: what one comment in each category recommends on its own (the severity floor)
    floors: dict[str, Step] = field(default_factory=lambda: dict(STEP))
    auto_hide: bool = True  #: hide at once when the policy says so (a moderator can unhide)
    permissions: Permissions = field(default_factory=Permissions)
    claim_timeout_minutes: int = 30  #: a claimed flag goes back to the queue after this


@dataclass(frozen=True)
class LettersConfig:
    """Letters generated for cases; any template can be replaced by a school's own."""

    templates_dir: Path | None = None  #: a folder of ``<kind>.txt.j2`` files overriding ours
    policy_wording: str = DEFAULT_POLICY_WORDING
    complaints_procedure: str = DEFAULT_COMPLAINTS_PROCEDURE
    signatory: str = ""  #: who signs; default the headteacher


@dataclass(frozen=True)
class EvidenceConfig:
    """Evidence bundles: an optional RFC 3161 time-stamping authority for the manifest."""

    tsa_url: str | None = None  #: e.g. https://freetsa.org/tsr; every export is then time-stamped
    tsa_timeout: float = 15.0
    #: hosts attachments may be downloaded from (a host or any subdomain of it)
    media_hosts: tuple[str, ...] = DEFAULT_MEDIA_HOSTS


@dataclass(frozen=True)
class WorkerConfig:
    """``moderator worker``: the nightly scan and how the worker shares out the sources."""

    nightly_at: str = "02:00"  #: local time (``timezone``) of the nightly scan
    nightly_days: int = 7  #: the nightly scan re-reads this many days of every source
    timezone: str = "Europe/London"
    tick_seconds: float = 5.0  #: how often the worker looks for due work
    #: a worker renews its hold on a source after every batch; one that stops renewing (it died)
    #: loses the source after this long
    lease_seconds: int = 120
    in_doubt_after_seconds: int = 300  #: a platform action left "sending" is read back after


@dataclass(frozen=True)
class MailConfig:
    """The SMTP server digests are sent through; the password is named by environment variable."""

    host: str = ""  #: empty: no mail is configured
    port: int = 587
    starttls: bool = True  #: upgrade a plain connection with STARTTLS (port 587)
    ssl: bool = False  #: TLS from the first byte (port 465); then starttls is off
    username: str = ""  #: log in when set
    password_env: str | None = None  #: the environment variable holding the password
    from_address: str = ""
    timeout_seconds: float = 30.0  #: each SMTP operation

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def password(self) -> str:
        """The password from the environment; a clear error (naming the variable) when unset."""
        value = os.environ.get(self.password_env, "") if self.password_env else ""
        if not self.password_env or not value:
            raise ConfigError(
                "[mail] password_env: "
                + (
                    f"environment variable {self.password_env} is not set"
                    if self.password_env
                    else "not configured"
                )
            )
        return value


@dataclass(frozen=True)
class DigestConfig:
    """The daily digest email to moderators."""

    to: tuple[str, ...] = ()  #: recipients; none: no digest is sent
    at: dt.time = dt.time(7, 30)  #: UK local time from which the day's digest is due
    #: rungs whose new flags the digest lists one by one (safeguarding concerns always are)
    high_severity: tuple[Step, ...] = (Step.POLICE, Step.LEGAL)
    #: quote a short excerpt of high-severity comments (never of safeguarding ones)
    include_text: bool = True


@dataclass(frozen=True)
class RetentionConfig:
    """How long personal data is kept (``moderator purge``); 0 means never purge that kind.

    docs/data-protection.md says what each period covers and why evidence waits for its case.
    """

    unflagged_days: int = 30  #: comments never flagged, their classifications; old webhooks
    dismissed_days: int = 30  #: flags judged not a breach, from the decision (case finished)
    closed_days: int = 365  #: a finished case with a breach: everything, from its last decision
    audit_days: int = 0  #: the audit log (0: kept for ever); a live flag's events are kept


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
    escalation: EscalationConfig = field(default_factory=EscalationConfig)
    letters: LettersConfig = field(default_factory=LettersConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    worker: WorkerConfig = field(default_factory=WorkerConfig)
    words: SchoolWords = field(default_factory=SchoolWords)  #: the config's own word lists
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
    try:
        file = schema.SchoolFile.model_validate(data, context={"base": path.parent})
    except ValidationError as exc:
        raise tomlcheck.explain(exc, schema.SchoolFile, data, tomlcheck.Lines(path, text)) from None
    return _school(file, path, text)


def _school(file: schema.SchoolFile, path: Path, text: str) -> SchoolConfig:
    def relative(name: str | None) -> Path | None:
        return path.parent / name if name else None

    def people(entries: list[schema.PersonEntry], kind: str) -> tuple[Person, ...]:
        return tuple(Person(p.name, kind, p.role, tuple(p.aliases)) for p in entries)

    classifier, letters = file.classifier, file.letters
    return SchoolConfig(
        name=file.school.name,
        headteacher=file.school.headteacher,
        staff=people(file.staff, "staff"),
        pupils=people(file.pupils, "pupil"),
        sources=tuple(
            SourceConfig(
                **s.model_dump(exclude={"page_id", "account_id", "path"}),
                page_id=s.page_id or None,
                account_id=s.account_id or None,
                path=relative(s.path),
            )
            for s in file.sources
        ),
        classifier=ClassifierConfig(
            **classifier.model_dump(exclude={"checkpoint", "huggingface_config_path"}),
            checkpoint=relative(classifier.checkpoint),
            huggingface_config_path=relative(classifier.huggingface_config_path),
        ),
        thresholds=file.policy.thresholds.model_dump(exclude_none=True),
        words=SchoolWords(
            tuple(Blocked(tidy(p)) for p in file.policy.blocked_words),
            tuple(tidy(p) for p in file.policy.allowed_words),
        ),
        webhooks=WebhookConfig(**file.webhooks.model_dump()),
        escalation=_escalation(file.escalation),
        letters=LettersConfig(
            **letters.model_dump(exclude={"templates_dir"}),
            templates_dir=relative(letters.templates_dir),
        ),
        evidence=EvidenceConfig(
            file.evidence.tsa_url, file.evidence.tsa_timeout, tuple(file.evidence.media_hosts)
        ),
        retention=RetentionConfig(**file.retention.model_dump()),
        mail=_mail(file.mail),
        digest=DigestConfig(
            to=tuple(file.digest.to),
            at=dt.time.fromisoformat(file.digest.at),
            high_severity=tuple(Step(s) for s in file.digest.high_severity),
            include_text=file.digest.include_text,
        ),
        worker=WorkerConfig(**file.worker.model_dump()),
        path=path,
        text=text,
    )


def _escalation(table: schema.Escalation) -> EscalationConfig:
    floors = {c: Step(s) for c, s in table.floors.model_dump(exclude_none=True).items()}
    roles = table.permissions.model_dump(exclude_none=True).items()
    return EscalationConfig(
        rule=LadderRule(
            rungs=tuple(Step(s) for s in table.rungs),
            window=dt.timedelta(days=table.window_days) if table.window_days else None,
            incident_categories=frozenset(table.incident_categories),
        ),
        floors={**STEP, **floors},
        auto_hide=table.auto_hide,
        permissions=Permissions(
            {**DEFAULT_PERMISSIONS, **{w: frozenset(map(Role, r)) for w, r in roles}}
        ),
        claim_timeout_minutes=table.claim_timeout_minutes,
    )


def _mail(table: schema.Mail) -> MailConfig:
    return MailConfig(
        **table.model_dump(exclude={"host", "port", "starttls"}),
        host=table.host.strip(),
        port=table.port or (465 if table.ssl else 587),
        starttls=(not table.ssl) if table.starttls is None else table.starttls,
    )
