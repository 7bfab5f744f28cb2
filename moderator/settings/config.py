"""The school configuration: a TOML file, validated into frozen dataclasses.

Errors name the file, the line where it can be found, the key and what was expected::

    moderator.toml: line 14: [[sources]] #2 'platform': expected one of facebook, instagram, file; got 'twitter'

Secrets never live in the file: a source names the *environment variable* that holds its
token (``access_token_env``), read only when the connector needs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from moderator.errors import ConfigError
from moderator.policy.categories import CATEGORIES, STEP
from moderator.settings import tomlcheck
from workqueue.ladder import DEFAULT_INCIDENT_CATEGORIES, LadderRule, Step
from workqueue.roles import DEFAULT_PERMISSIONS, Permissions, Role

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
class EscalationConfig:
    """The ladder a school climbs, who may take each rung, and whether hiding is automatic."""

    rule: LadderRule = field(default_factory=LadderRule)
    #: what one comment in each category recommends on its own (the severity floor)
    floors: dict[str, Step] = field(default_factory=lambda: dict(STEP))
    auto_hide: bool = True  #: hide at once when the policy says so (a moderator can unhide)
    permissions: Permissions = field(default_factory=Permissions)
    claim_timeout_minutes: int = 30  #: a claimed flag goes back to the queue after this


DEFAULT_POLICY_WORDING = (
    "Our social media policy asks everyone who comments on the school's pages to be respectful. "
    "Comments that are abusive, threatening, hateful or obscene, that make allegations about "
    "members of staff, or that name or identify pupils are not acceptable, and the school will "
    "act on them. Concerns about the school should be raised with us directly, through our "
    "complaints procedure, not on social media."
)
DEFAULT_COMPLAINTS_PROCEDURE = (
    "Please contact the school office so that we can arrange for the right member of staff to "
    "look into your concern. If you are not satisfied with our response, our complaints "
    "procedure (on the school website, or from the office on request) explains the next steps."
)


@dataclass(frozen=True)
class LettersConfig:
    """Letters generated for cases; any template can be replaced by a school's own."""

    templates_dir: Path | None = None  #: a folder of ``<kind>.txt.j2`` files overriding ours
    policy_wording: str = DEFAULT_POLICY_WORDING
    complaints_procedure: str = DEFAULT_COMPLAINTS_PROCEDURE
    signatory: str = ""  #: who signs; default the headteacher


DEFAULT_MEDIA_HOSTS = ("fbcdn.net", "cdninstagram.com", "facebook.com", "instagram.com")


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
    for key in ("database", "database_url"):  # where a newcomer looks for it first
        if key in data:
            check.fail(
                "",
                key,
                "the database is not set in the config: give --database-url or "
                "MODERATOR_DATABASE_URL (sqlite:///path or postgresql+psycopg://user@host/db)",
            )
    check.keys(
        data,
        "",
        {
            "school",
            "staff",
            "pupils",
            "sources",
            "classifier",
            "policy",
            "webhooks",
            "escalation",
            "letters",
            "evidence",
            "retention",
            "mail",
            "digest",
            "worker",
        },
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
        escalation=_escalation(check, check.table(data, "escalation")),
        letters=_letters(check, check.table(data, "letters"), path),
        evidence=_evidence(check, check.table(data, "evidence")),
        retention=_retention(check, check.table(data, "retention")),
        mail=_mail(check, check.table(data, "mail")),
        digest=_digest(check, check.table(data, "digest")),
        worker=_worker(check, check.table(data, "worker")),
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
    check.keys(policy, "[policy]", {"thresholds"})
    table = check.table(policy, "thresholds")
    check.keys(table, "[policy.thresholds]", set(CATEGORIES))
    return {key: check.probability(table, key, "[policy.thresholds]") for key in table}


_STEPS = tuple(s.value for s in Step)
_ROLES = tuple(r.value for r in Role)


def _escalation(check: tomlcheck.Checker, table: dict[str, Any]) -> EscalationConfig:
    where = "[escalation]"
    check.keys(
        table,
        where,
        {
            "rungs",
            "window_days",
            "incident_categories",
            "auto_hide",
            "claim_timeout_minutes",
            "floors",
            "permissions",
        },
    )
    rungs = tuple(
        Step(_one_of(check, table, "rungs", where, _STEPS, v))
        for v in _list(
            check, table, "rungs", where, ["meeting", "written_warning", "legal", "police"]
        )
    )
    if not rungs:
        check.fail(where, "rungs", "expected at least one rung")
    counted = _list(check, table, "incident_categories", where, sorted(DEFAULT_INCIDENT_CATEGORIES))
    for value in counted:
        _one_of(check, table, "incident_categories", where, CATEGORIES, value)
    window_days = check.integer(table, "window_days", where, default=365, minimum=0)
    floors_table = check.table(table, "floors")
    check.keys(floors_table, "[escalation.floors]", set(CATEGORIES))
    floors = dict(STEP)
    for category in floors_table:
        floors[category] = Step(check.choice(floors_table, category, "[escalation.floors]", _STEPS))
    permissions_table = check.table(table, "permissions")
    check.keys(permissions_table, "[escalation.permissions]", set(DEFAULT_PERMISSIONS))
    permissions = dict(DEFAULT_PERMISSIONS)
    for what in permissions_table:
        roles = _list(check, permissions_table, what, "[escalation.permissions]", [])
        permissions[what] = frozenset(
            Role(_one_of(check, permissions_table, what, "[escalation.permissions]", _ROLES, r))
            for r in roles
        )
    return EscalationConfig(
        rule=LadderRule(
            rungs=rungs,
            window=dt.timedelta(days=window_days) if window_days else None,
            incident_categories=frozenset(counted),
        ),
        floors=floors,
        auto_hide=check.boolean(table, "auto_hide", where, default=True),
        permissions=Permissions(permissions),
        claim_timeout_minutes=check.integer(
            table, "claim_timeout_minutes", where, default=30, minimum=1
        ),
    )


def _list(
    check: tomlcheck.Checker, table: dict[str, Any], key: str, where: str, default: list[str]
) -> list[str]:
    return check.strings(table, key, where) if key in table else default


def _one_of(
    check: tomlcheck.Checker,
    table: dict[str, Any],
    key: str,
    where: str,
    options: tuple[str, ...],
    value: str,
) -> str:
    if value not in options:
        check.fail(where, key, f"expected each of {', '.join(options)}; got {value!r}")
    return value


def _letters(check: tomlcheck.Checker, table: dict[str, Any], path: Path) -> LettersConfig:
    where = "[letters]"
    check.keys(
        table, where, {"templates_dir", "policy_wording", "complaints_procedure", "signatory"}
    )
    folder = check.string(table, "templates_dir", where)
    templates_dir = (path.parent / folder) if folder else None
    if templates_dir is not None and not templates_dir.is_dir():
        check.fail(where, "templates_dir", f"no such folder: {templates_dir}")
    return LettersConfig(
        templates_dir=templates_dir,
        policy_wording=check.string(table, "policy_wording", where) or DEFAULT_POLICY_WORDING,
        complaints_procedure=check.string(table, "complaints_procedure", where)
        or DEFAULT_COMPLAINTS_PROCEDURE,
        signatory=check.string(table, "signatory", where),
    )


def _evidence(check: tomlcheck.Checker, table: dict[str, Any]) -> EvidenceConfig:
    where = "[evidence]"
    check.keys(table, where, {"tsa_url", "tsa_timeout", "media_hosts"})
    url = check.string(table, "tsa_url", where) or None
    if url is not None and urlsplit(url).scheme not in {"http", "https"}:
        check.fail(where, "tsa_url", f"expected an http or https address; got {url!r}")
    timeout = check.number(table, "tsa_timeout", where, default=15.0, minimum=1.0)
    hosts = tuple(_list(check, table, "media_hosts", where, list(DEFAULT_MEDIA_HOSTS)))
    return EvidenceConfig(tsa_url=url, tsa_timeout=timeout, media_hosts=hosts)


def _retention(check: tomlcheck.Checker, table: dict[str, Any]) -> RetentionConfig:
    where = "[retention]"
    defaults = RetentionConfig()
    keys = ("unflagged_days", "dismissed_days", "closed_days", "audit_days")
    check.keys(table, where, keys)
    days = {
        k: check.integer(table, k, where, default=getattr(defaults, k), minimum=0) for k in keys
    }
    return RetentionConfig(**days)


#: One address, no display name: no spaces, commas, angle brackets or line breaks.
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MAIL_KEYS = {
    "host",
    "port",
    "starttls",
    "ssl",
    "username",
    "password_env",
    "from_address",
    "timeout_seconds",
}


def _email(check: tomlcheck.Checker, where: str, key: str, value: str) -> str:
    if not _EMAIL.match(value):
        check.fail(
            where, key, f"expected an email address such as office@school.example; got {value!r}"
        )
    return value


def _mail(check: tomlcheck.Checker, table: dict[str, Any]) -> MailConfig:
    where = "[mail]"
    if "password" in table:
        check.fail(
            where,
            "password",
            "passwords must not be written in the config; put it in an environment variable "
            "and name that variable with password_env",
        )
    check.keys(table, where, _MAIL_KEYS)
    if not table:
        return MailConfig()
    ssl = check.boolean(table, "ssl", where, default=False)
    starttls = check.boolean(table, "starttls", where, default=not ssl)
    if ssl and starttls:
        check.fail(where, "starttls", "choose one: ssl (port 465) or starttls (port 587)")
    port = check.integer(table, "port", where, default=465 if ssl else 587, minimum=1)
    if port > 65535:
        check.fail(where, "port", f"expected a port from 1 to 65535; got {port}")
    username = check.string(table, "username", where)
    password_env = check.string(table, "password_env", where) or None
    if password_env and not _ENV_NAME.match(password_env):
        check.fail(
            where, "password_env", f"expected an environment variable name; got {password_env!r}"
        )
    if username and not password_env:
        check.fail(where, "password_env", "required when username is set")
    sender = check.string(table, "from_address", where, required=True)
    return MailConfig(
        host=check.string(table, "host", where, required=True).strip(),
        port=port,
        starttls=starttls,
        ssl=ssl,
        username=username,
        password_env=password_env,
        from_address=_email(check, where, "from_address", sender),
        timeout_seconds=check.number(table, "timeout_seconds", where, default=30, minimum=1),
    )


def _digest(check: tomlcheck.Checker, table: dict[str, Any]) -> DigestConfig:
    where = "[digest]"
    check.keys(table, where, {"to", "at", "high_severity", "include_text"})
    to = tuple(_email(check, where, "to", v) for v in _list(check, table, "to", where, []))
    at = check.string(table, "at", where) or "07:30"
    clock = _CLOCK.match(at)
    if not clock:
        check.fail(where, "at", f"expected a 24-hour UK time as HH:MM, e.g. 07:30; got {at!r}")
    rungs = _list(check, table, "high_severity", where, ["police", "legal"])
    return DigestConfig(
        to=to,
        at=dt.time(int(clock.group(1)), int(clock.group(2))),
        high_severity=tuple(
            Step(_one_of(check, table, "high_severity", where, _STEPS, v)) for v in rungs
        ),
        include_text=check.boolean(table, "include_text", where, default=True),
    )


def _worker(check: tomlcheck.Checker, table: dict[str, Any]) -> WorkerConfig:
    where = "[worker]"
    keys = {"nightly_at", "nightly_days", "timezone", "tick_seconds", "lease_seconds"}
    check.keys(table, where, keys | {"in_doubt_after_seconds"})
    at = check.string(table, "nightly_at", where) or "02:00"
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        check.fail(where, "nightly_at", f"expected a time as HH:MM; got {at!r}")
    zone = check.string(table, "timezone", where) or "Europe/London"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        check.fail(where, "timezone", f"unknown time zone {zone!r}")
    return WorkerConfig(
        nightly_at=at,
        nightly_days=check.integer(table, "nightly_days", where, default=7, minimum=1),
        timezone=zone,
        tick_seconds=check.number(table, "tick_seconds", where, default=5.0, minimum=0.1),
        lease_seconds=check.integer(table, "lease_seconds", where, default=120, minimum=5),
        in_doubt_after_seconds=check.integer(
            table, "in_doubt_after_seconds", where, default=300, minimum=1
        ),
    )
