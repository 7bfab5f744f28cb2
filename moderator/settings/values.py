"""The kinds of value the school's TOML file holds, and the checks pydantic cannot say by type.

Each check rejects a value with :func:`fail`, whose message ``tomlcheck`` prints as it stands
after the file, line and key. :class:`Kind` and :class:`Shown` say in words what a key holds
and its default, where its type alone does not (for docs/configuration.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, NoReturn, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError, PydanticUseDefault

Platform = Literal["facebook", "instagram", "file"]
Backend = Literal["bundled", "detoxify", "lexical"]
DetoxifyModel = Literal["original", "unbiased", "multilingual", "original-small", "unbiased-small"]
PLATFORMS: tuple[str, ...] = get_args(Platform)
BACKENDS: tuple[str, ...] = get_args(Backend)
DETOXIFY_MODELS: tuple[str, ...] = get_args(DetoxifyModel)
DEFAULT_MEDIA_HOSTS = ("fbcdn.net", "cdninstagram.com", "facebook.com", "instagram.com")
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

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: One address, no display name: no spaces, commas, angle brackets or line breaks.
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def fail(message: str, *at: str | int) -> NoReturn:
    """Reject a value with ``message``; ``at`` names the key below the failing table."""
    raise PydanticCustomError("config", message, {"at": at})


def show(value: object) -> str:
    """``value`` as the messages quote it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Kind:
    """What a key holds, in words, where its type alone does not say (for the reference)."""

    def __init__(self, words: str) -> None:
        self.words = words


class Shown:
    """The default as the reference shows it, where the model's default is a placeholder."""

    def __init__(self, words: str) -> None:
        self.words = words


def _blank_is_default(value: object) -> object:
    if value == "":  # an empty string leaves the key at its default, as if it were not set
        raise PydanticUseDefault()
    return value


def env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        fail(f"expected an environment variable name; got {value!r}")
    return value


def email_address(value: str) -> str:
    if not _EMAIL.match(value):
        fail(f"expected an email address such as office@school.example; got {value!r}")
    return value


def clock(message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not _CLOCK.match(value):
            fail(f"{message}; got {value!r}")
        return value

    return AfterValidator(check)


def zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"unknown time zone {value!r}")
    return value


Blank = BeforeValidator(_blank_is_default)
Text = Annotated[str, StringConstraints(pattern=r"\S")]  #: a string with something in it
EnvName = Annotated[
    str | None, Blank, AfterValidator(env_name), Kind("an environment variable name")
]
Email = Annotated[str, StringConstraints(pattern=r"\S"), AfterValidator(email_address)]
StepName = Literal["review", "hide", "meeting", "written_warning", "legal", "police"]
#: Roles a permission may be given to; ``staff`` (report a comment, see one's own reports) never
#: holds a decision permission.
RoleName = Literal["moderator", "headteacher", "dsl", "admin"]
Category = Literal[
    "abuse",
    "threat",
    "hate",
    "defamation",
    "obscene",
    "sexual",
    "privacy",
    "safeguarding",
    "complaint",
]


def url_path(value: str) -> str:
    if not value.startswith("/"):
        fail(f"expected a URL path starting with '/'; got {value!r}")
    return value


def web_address(value: str | None) -> str | None:
    if value is not None and urlsplit(value).scheme not in {"http", "https"}:
        fail(f"expected an http or https address; got {value!r}")
    return value


def port_number(value: int | None) -> int | None:
    if value is not None and value > 65535:
        fail(f"expected a port from 1 to 65535; got {value}")
    return value


def folder(value: str | None, info: ValidationInfo) -> str | None:
    """A folder named relative to the config file (``base`` in the validation context)."""
    base: Path = (info.context or {}).get("base", Path("."))
    if value is not None and not (base / value).is_dir():
        fail(f"no such folder: {base / value}")
    return value


def some_rung(value: list[str]) -> list[str]:
    if not value:
        fail("expected at least one rung")
    return value
