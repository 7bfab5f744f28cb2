"""The school's TOML file as pydantic models: one model per table, shaped like the file.

This is the one place that says which tables and keys exist, their types, defaults and limits,
and what each means (the attribute docstrings): ``config`` validates a file against it and
turns the result into the dataclasses the application reads, ``tomlcheck`` turns pydantic's
errors into one-line messages with file, line and key, and ``reference`` writes
docs/configuration.md from it.

The kinds of value and the checks pydantic cannot say by type are in ``values``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from moderator.policy.categories import CATEGORIES, DEFAULT_THRESHOLDS, STEP
from moderator.settings.values import (
    DEFAULT_COMPLAINTS_PROCEDURE,
    DEFAULT_MEDIA_HOSTS,
    DEFAULT_POLICY_WORDING,
    Backend,
    Blank,
    Category,
    DetoxifyModel,
    Email,
    EnvName,
    Kind,
    Platform,
    RoleName,
    Shown,
    StepName,
    Text,
    clock,
    email_address,
    fail,
    folder,
    port_number,
    some_rung,
    url_path,
    web_address,
    zone,
)
from workqueue.ladder import DEFAULT_INCIDENT_CATEGORIES, DEFAULT_RUNGS
from workqueue.roles import DEFAULT_PERMISSIONS, WHAT, Role


class Table(BaseModel):
    """A TOML table: unknown keys are mistakes, and values are taken as TOML typed them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class School(Table):
    """The school."""

    name: Text
    """The school's name, as letters and the web interface give it."""
    headteacher: str = ""
    """Who signs letters; empty: the member of `[[staff]]` whose role is Headteacher."""


class PersonEntry(Table):
    """Someone the school protects (`[[staff]]` and `[[pupils]]`, one table each)."""

    name: Text
    """Their full name."""
    role: str = ""
    """Their role at the school, e.g. Headteacher or PE teacher."""
    aliases: list[Text] = []
    """How comments name them: "Mrs Holloway", "the head", a nickname."""


class Source(Table):
    """One channel the school moderates (`[[sources]]`, one table each)."""

    name: Text
    """A name for the channel, unique among the sources (`moderator scan --source NAME`)."""
    platform: Platform
    """Where the comments come from; `file` reads JSONL reports and can hide nothing."""
    page_id: str | None = None
    """The Facebook Page's id (required for `facebook`)."""
    account_id: str | None = None
    """The Instagram professional account's id (required for `instagram`)."""
    path: str | None = None
    """The JSONL file, relative to this config file (required for `file`)."""
    access_token_env: EnvName = None
    """The environment variable holding the access token (required for facebook and
    instagram); the token itself is never written in the file."""
    graph_url: Annotated[str, Blank] = "https://graph.facebook.com"
    """The Graph API's base address (another Graph-compatible server for tests)."""
    api_version: Annotated[str, Blank] = "v21.0"
    """The Graph API version."""
    poll_interval_seconds: Annotated[int, Field(ge=10)] = 300
    """How often `moderator worker` polls this source, in seconds."""
    lookback_days: Annotated[int, Field(ge=1)] = 90
    """Incremental polls open posts and media this recent, in days."""
    timeout_seconds: Annotated[float, Field(ge=0.1)] = 30.0
    """The limit on one Graph call, in seconds."""
    rate_limit_backoff_seconds: Annotated[float, Field(ge=0)] = 10.0
    """The first pause after a rate limit that gives no hint, in seconds."""
    max_rate_limit_wait_seconds: Annotated[float, Field(ge=0)] = 1800.0
    """The most one scan waits on rate limits, in seconds."""

    @model_validator(mode="before")
    @classmethod
    def _no_token(cls, data: Any) -> Any:
        if isinstance(data, dict) and "access_token" in data:
            fail(
                "tokens must not be written in the config; put it in an environment "
                "variable and name that variable with access_token_env",
                "access_token",
            )
        return data

    @model_validator(mode="after")
    def _needs(self) -> Source:
        needs = {"facebook": "page_id", "instagram": "account_id", "file": "path"}[self.platform]
        value = getattr(self, needs)
        if value is None:
            fail("missing; expected a string", needs)
        if not value.strip():
            fail("must not be empty", needs)
        if self.platform != "file" and not self.access_token_env:
            fail(f"required for platform {self.platform!r}", "access_token_env")
        return self


class Webhooks(Table):
    """The Meta webhook receiver (`moderator serve`); secrets are named, never written."""

    app_secret_env: EnvName = None
    """The environment variable holding the app secret, which checks X-Hub-Signature-256
    (required: webhooks are accepted only when signed)."""
    verify_token_env: EnvName = None
    """The environment variable holding the verify token for the subscription handshake."""
    path: Annotated[str, Blank, AfterValidator(url_path), Kind("a URL path")] = "/webhooks/meta"
    """Where the receiver listens."""

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        for key in ("app_secret", "verify_token"):
            if isinstance(data, dict) and key in data:
                fail(
                    "secrets must not be written in the config; name an environment "
                    f"variable with {key}_env",
                    key,
                )
        known = isinstance(data, dict) and set(data) <= set(cls.model_fields)
        if known and data and not data.get("app_secret_env"):
            fail("required: webhooks are accepted only when signed", "app_secret_env")
        return data


class Classifier(Table):
    """Which backend scores comments, and how."""

    backend: Annotated[Backend, Blank] = "bundled"
    """`bundled` (the offline default), `detoxify` or `lexical` (the word lists alone)."""
    model: Annotated[DetoxifyModel, Blank] = "original"
    """The Detoxify model (backend `detoxify`)."""
    checkpoint: Annotated[str | None, Blank] = None
    """A Detoxify checkpoint file for offline use, relative to this config file."""
    huggingface_config_path: Annotated[str | None, Blank] = None
    """A folder with the Hugging Face model configuration for offline use, relative to this
    config file."""
    device: Annotated[str, Blank] = "cpu"
    """The torch device, e.g. `cpu` or `cuda`."""
    batch_size: Annotated[int, Field(ge=1)] = 32
    """Comments scored at once."""


def _table_of(name: str, doc: str, keys: dict[str, tuple[str, Any]], annotation: Any) -> Any:
    """A table whose keys are a fixed set of names: ``keys`` maps each to (what it means, the
    application's default); a key left out is ``None`` and keeps that default."""
    fields: dict[str, Any] = {
        key: (
            Annotated[annotation, Shown(f"`{json.dumps(default)}`")],
            Field(None, description=meaning),
        )
        for key, (meaning, default) in keys.items()
    }
    return create_model(name, __base__=Table, __doc__=doc, **fields)


if TYPE_CHECKING:
    Thresholds = Table
    Floors = Table
    PermissionTable = Table
else:
    Thresholds = _table_of(
        "Thresholds",
        "The confidence from which each category is raised; a key left out keeps the "
        "calibrated default.",
        {c: (f"The threshold for `{c}`.", DEFAULT_THRESHOLDS[c]) for c in CATEGORIES},
        Annotated[float | None, Field(ge=0, le=1)],
    )
    Floors = _table_of(
        "Floors",
        "The rung one comment in each category recommends on its own (the severity floor); "
        "a key left out keeps the default.",
        {c: (f"The floor for `{c}`.", STEP[c].value) for c in CATEGORIES},
        StepName | None,
    )
    PermissionTable = _table_of(
        "PermissionTable",
        "Which roles may take each decision; a key left out keeps the default.",
        {
            what: (
                f"Who may {WHAT[what]}.",
                [r.value for r in Role if r in roles],
            )
            for what, roles in DEFAULT_PERMISSIONS.items()
        },
        list[RoleName] | None,
    )


#: A word or phrase of the school's own lists.
Phrase = Annotated[str, StringConstraints(pattern=r"\w", max_length=200)]


class Policy(Table):
    """The policy's settings (one table, below)."""

    thresholds: Thresholds = Field(default_factory=Thresholds)
    """Per-category confidence thresholds."""
    blocked_words: list[Phrase] = []
    """The school's blocked words and phrases: a comment that contains one is raised as
    `obscene` and hidden, its reason naming the school's list. The ones saved in the web
    interface apply as well (everywhere but `moderator classify`, which reads no database)."""
    allowed_words: list[Phrase] = []
    """The school's allowed words: a lexicon hit on one of them does not count."""


class Escalation(Table):
    """The ladder a school climbs, who may take each rung, and whether hiding is automatic."""

    rungs: Annotated[list[StepName], AfterValidator(some_rung)] = cast(
        "list[StepName]", list(DEFAULT_RUNGS)
    )
    """What a poster's 1st, 2nd, 3rd... incident recommends (the last for every later one):
    by default a meeting, then a written warning, then the police (a course of conduct); legal
    advice is the floor for defamation, not a rung."""
    window_days: Annotated[int, Field(ge=0)] = 365
    """Incidents count towards the ladder this many days back; 0: for ever."""
    incident_categories: list[Category] = cast(
        "list[Category]", sorted(DEFAULT_INCIDENT_CATEGORIES)
    )
    """The categories whose flags count as incidents on the ladder."""
    auto_hide: bool = True
    """Hide at once when the policy says so (a moderator can unhide)."""
    claim_timeout_minutes: Annotated[int, Field(ge=1)] = 30
    """A claimed flag goes back to the queue after this many minutes."""
    floors: Floors = Field(default_factory=Floors)
    """Per-category severity floors."""
    permissions: PermissionTable = Field(default_factory=PermissionTable)
    """Per-decision roles."""


class Letters(Table):
    """Letters generated for cases; any template can be replaced by a school's own."""

    templates_dir: Annotated[str | None, Blank, AfterValidator(folder)] = None
    """A folder of `<kind>.txt.j2` files overriding the bundled templates, relative to this
    config file."""
    policy_wording: Annotated[str, Blank, Shown("the bundled wording")] = DEFAULT_POLICY_WORDING
    """The school's social media policy, as letters quote it."""
    complaints_procedure: Annotated[str, Blank, Shown("the bundled wording")] = (
        DEFAULT_COMPLAINTS_PROCEDURE
    )
    """How to complain, as letters and the complaint reply give it."""
    signatory: str = ""
    """Who signs letters; empty: the headteacher."""


class Evidence(Table):
    """Evidence bundles and the attachments kept with a snapshot."""

    tsa_url: Annotated[
        str | None, Blank, AfterValidator(web_address), Kind("an http or https address")
    ] = None
    """An RFC 3161 time-stamping authority, e.g. https://freetsa.org/tsr; every export is then
    time-stamped."""
    tsa_timeout: Annotated[float, Field(ge=1.0)] = 15.0
    """The limit on one time-stamp request, in seconds."""
    media_hosts: list[Text] = list(DEFAULT_MEDIA_HOSTS)
    """Hosts attachments may be downloaded from (a host or any subdomain of it)."""


class Retention(Table):
    """How long personal data is kept (`moderator purge`); 0 means never purge that kind."""

    unflagged_days: Annotated[int, Field(ge=0)] = 30
    """Comments never flagged and their classifications; old webhook deliveries."""
    dismissed_days: Annotated[int, Field(ge=0)] = 30
    """Flags judged not a breach, from the decision (once the case is finished)."""
    closed_days: Annotated[int, Field(ge=0)] = 365
    """A finished case with a breach: everything, from its last decision."""
    audit_days: Annotated[int, Field(ge=0)] = 0
    """The audit log (0: kept for ever); a live flag's events are always kept."""


class Mail(Table):
    """The SMTP server digests are sent through; leave the table out for no mail."""

    host: str = ""
    """The SMTP server (required in a `[mail]` table)."""
    port: Annotated[
        int | None, Field(ge=1), AfterValidator(port_number), Shown("587; 465 with ssl")
    ] = None
    """The SMTP port."""
    starttls: Annotated[bool | None, Shown("true; false with ssl")] = None
    """Upgrade a plain connection with STARTTLS (port 587)."""
    ssl: bool = False
    """TLS from the first byte (port 465); then starttls is off."""
    username: str = ""
    """Log in as this user when set."""
    password_env: EnvName = None
    """The environment variable holding the password (required with a username); the
    password itself is never written in the file."""
    from_address: Annotated[str, Kind("an email address")] = ""
    """The sender's address (required in a `[mail]` table)."""
    timeout_seconds: Annotated[float, Field(ge=1)] = 30.0
    """The limit on each SMTP operation, in seconds."""

    @model_validator(mode="before")
    @classmethod
    def _required(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            fail(
                "passwords must not be written in the config; put it in an environment "
                "variable and name that variable with password_env",
                "password",
            )
        if isinstance(data, dict) and data and set(data) <= set(cls.model_fields):
            for key in ("from_address", "host"):
                if key not in data:
                    fail("missing; expected a string", key)
        return data

    @field_validator("host", "from_address")
    @classmethod
    def _filled(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            fail("must not be empty")
        return email_address(value) if info.field_name == "from_address" else value

    @model_validator(mode="after")
    def _consistent(self) -> Mail:
        if self.ssl and self.starttls:
            fail("choose one: ssl (port 465) or starttls (port 587)", "starttls")
        if self.username and not self.password_env:
            fail("required when username is set", "password_env")
        return self


class Digest(Table):
    """The daily digest email to moderators."""

    to: Annotated[list[Email], Kind("a list of email addresses")] = []
    """Recipients' email addresses; none: no digest is sent."""
    at: Annotated[
        str,
        Blank,
        clock("expected a 24-hour UK time as HH:MM, e.g. 07:30"),
        Kind("a time as HH:MM"),
    ] = "07:30"
    """UK local time from which the day's digest is due."""
    high_severity: list[StepName] = ["police", "legal"]
    """Rungs whose new flags the digest lists one by one (safeguarding concerns always are)."""
    include_text: bool = True
    """Quote a short excerpt of high-severity comments (never of safeguarding ones)."""


class Worker(Table):
    """`moderator worker`: the nightly scan and how workers share out the sources."""

    nightly_at: Annotated[
        str, Blank, clock("expected a time as HH:MM"), Kind("a time as HH:MM")
    ] = "02:00"
    """Local time (`timezone`) of the nightly scan."""
    nightly_days: Annotated[int, Field(ge=1)] = 7
    """The nightly scan re-reads this many days of every source."""
    timezone: Annotated[str, Blank, AfterValidator(zone), Kind("an IANA time zone")] = (
        "Europe/London"
    )
    """The time zone of `nightly_at`."""
    tick_seconds: Annotated[float, Field(ge=0.1)] = 5.0
    """How often the worker looks for due work, in seconds."""
    lease_seconds: Annotated[int, Field(ge=5)] = 120
    """A worker renews its hold on a source after every batch; one that stops renewing (it
    died) loses the source after this many seconds."""
    in_doubt_after_seconds: Annotated[int, Field(ge=1)] = 300
    """A platform action left "sending" this many seconds is read back from the platform."""


class SchoolFile(Table):
    """The whole file. The database is not set here (`--database-url`)."""

    school: School
    """The school."""
    staff: list[PersonEntry] = []
    """Staff the school protects."""
    pupils: list[PersonEntry] = []
    """Pupils the school protects."""
    sources: list[Source] = []
    """The channels moderated."""
    classifier: Classifier = Field(default_factory=Classifier)
    """The classifier."""
    policy: Policy = Field(default_factory=Policy)
    """The policy."""
    webhooks: Webhooks = Field(default_factory=Webhooks)
    """The webhook receiver."""
    escalation: Escalation = Field(default_factory=Escalation)
    """The escalation ladder."""
    letters: Letters = Field(default_factory=Letters)
    """Letters."""
    evidence: Evidence = Field(default_factory=Evidence)
    """Evidence."""
    retention: Retention = Field(default_factory=Retention)
    """Retention periods."""
    mail: Mail = Field(default_factory=Mail)
    """Outgoing mail."""
    digest: Digest = Field(default_factory=Digest)
    """The daily digest."""
    worker: Worker = Field(default_factory=Worker)
    """The worker."""

    @model_validator(mode="before")
    @classmethod
    def _no_database(cls, data: Any) -> Any:
        for key in ("database", "database_url"):  # where a newcomer looks for it first
            if isinstance(data, dict) and key in data:
                fail(
                    "the database is not set in the config: give --database-url or "
                    "MODERATOR_DATABASE_URL (sqlite:///path or postgresql+psycopg://user@host/db)",
                    key,
                )
        return data

    @model_validator(mode="after")
    def _unique_sources(self) -> SchoolFile:
        seen: set[str] = set()
        for i, source in enumerate(self.sources):
            if source.name in seen:
                fail(f"duplicate source name {source.name!r}", "sources", i, "name")
            seen.add(source.name)
        return self
