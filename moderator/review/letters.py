"""Letters for a case, from editable Jinja2 templates: the meeting invitation, the written
warning, and the reply that points a complaint to the complaints procedure.

Templates are rendered in Jinja2's sandbox with strict undefined names, so a school's own
template (``[letters] templates_dir``) cannot reach into the program, and a misspelt name is an
error naming the template (and the line, for a syntax error), not a silent blank. The stored letter keeps its text,
the text's SHA-256 and the template's SHA-256, and is never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.ingest.recording import audit
from moderator.settings.config import SchoolConfig
from moderator.store.models import Flag, Letter

TEMPLATES = Path(__file__).parent / "templates" / "letters"
#: A name a letter can open with ("Dear Dave Parent"); a platform handle ("kayden.x") is not.
_PERSONAL_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)+$")
KINDS = ("meeting", "written_warning", "complaint_reply")
#: The names a template can use.
NAMES = (
    "school",
    "headteacher",
    "signatory",
    "date",
    "reference",
    "poster",
    "meet_with",
    "comments",  # each: text, posted, platform, source, permalink
    "policy_wording",
    "complaints_procedure",
)


class LetterError(ModeratorError):
    """A letter template cannot be read or rendered."""


@dataclass(frozen=True)
class Rendered:
    kind: str
    text: str
    template: str  #: the bundled template's name, or the path of the school's own
    template_sha256: str


def template_path(kind: str, config: SchoolConfig) -> Path:
    """The school's own template for ``kind`` when it has one, else the bundled one."""
    name = f"{kind}.txt.j2"
    folder = config.letters.templates_dir
    if folder is not None and (folder / name).is_file():
        return folder / name
    return TEMPLATES / name


def render(kind: str, config: SchoolConfig, context: dict[str, Any]) -> Rendered:
    path = template_path(kind, config)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterError(f"{path}: cannot read letter template: {exc}") from exc
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        template = env.from_string(source)
    except TemplateSyntaxError as exc:
        raise LetterError(f"{path}: line {exc.lineno}: {exc.message}") from exc
    try:
        text = template.render(**context)
    except UndefinedError as exc:  # names the missing variable, never a comment's text
        raise LetterError(f"{path}: {exc.message}; a template can use {', '.join(NAMES)}") from exc
    except Exception as exc:
        raise LetterError(
            f"{path}: the template failed while rendering ({exc.__class__.__name__})"
        ) from exc
    shown = path.name if path.parent == TEMPLATES else str(path)  # ours by name, a school's by path
    return Rendered(kind, text, shown, hashlib.sha256(source.encode("utf-8")).hexdigest())


def context(
    config: SchoolConfig, flags: Sequence[Flag], poster: str, reference: str
) -> dict[str, Any]:
    """What a letter about ``flags`` (oldest first) knows."""
    headteacher = config.headteacher or next(
        (p.name for p in config.staff if p.role.casefold().replace(" ", "") == "headteacher"), ""
    )
    signatory = config.letters.signatory or headteacher or f"The headteacher, {config.name}"
    return {
        "school": config.name,
        "headteacher": headteacher,
        "signatory": signatory,
        #: who the meeting is with, as the signatory would put it
        "meet_with": "me" if signatory == headteacher else (headteacher or "the headteacher"),
        "date": _day(_local(dt.datetime.now(dt.UTC))),
        "reference": reference,
        "poster": isolated(poster),
        "comments": [_comment(flag) for flag in flags],
        "policy_wording": config.letters.policy_wording,
        "complaints_procedure": config.letters.complaints_procedure,
    }


def write(
    session: Session,
    kind: str,
    config: SchoolConfig,
    flag: Flag,
    quoted: Sequence[Flag],
    actor: str,
) -> Letter:
    """Render and store a ``kind`` letter for ``flag``'s case, quoting ``quoted``."""
    poster = (
        flag.poster.display_name if flag.poster else (flag.comment.author_name or "Sir or Madam")
    )
    reference = f"case {flag.poster_id}, flag {flag.id}" if flag.poster_id else f"flag {flag.id}"
    rendered = render(kind, config, context(config, quoted, poster, reference))
    letter = Letter(
        poster_id=flag.poster_id,
        flag_id=flag.id,
        flag_ids=[f.id for f in quoted],
        kind=kind,
        template=rendered.template,
        template_sha256=rendered.template_sha256,
        text=rendered.text,
        sha256=hashlib.sha256(rendered.text.encode("utf-8")).hexdigest(),
        created_by=actor,
    )
    session.add(letter)
    session.flush()
    audit(session, actor, "letter_written", "letter", letter.id, kind=kind, flag_id=flag.id)
    return letter


def _comment(flag: Flag) -> dict[str, Any]:
    comment = flag.comment
    posted = comment.created_time or comment.first_seen_at
    return {
        "text": isolated(comment.text),
        "posted": _moment(posted),
        "platform": _platform(comment.source.platform, comment.permalink or ""),
        "source": comment.source.name,
        "permalink": comment.permalink or "",
    }


#: Bidirectional classes that can turn the letter's own words round: right-to-left letters,
#: and the explicit embeddings, overrides and isolates.
_TURNING = frozenset({"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"})


def isolated(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds
    right-to-left letters or direction controls, so a quoted right-to-left override cannot
    reverse the rest of the letter's line; other text unchanged."""
    if any(unicodedata.bidirectional(ch) in _TURNING for ch in text):
        return f"\u2068{text}\u2069"
    return text


def _platform(platform: str, permalink: str) -> str:
    """The platform in words; a reported comment's from its address."""
    names = {"facebook": "Facebook", "instagram": "Instagram"}
    if platform in names:
        return names[platform]
    host = urlsplit(permalink).hostname or ""
    for name, words in names.items():
        if host == f"{name}.com" or host.endswith(f".{name}.com"):
            return words
    return "social media"


def _day(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _moment(moment: dt.datetime) -> str:
    local = _local(moment)
    return f"{_day(local)} at {local:%H:%M} {local.tzname() or 'UTC'}"


def _local(moment: dt.datetime) -> dt.datetime:
    """UK time (GMT or BST), as the school and the poster read it."""
    try:
        return moment.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:  # no time zone database: say UTC plainly
        return moment.astimezone(dt.UTC)
