"""Who sees safeguarding material: the one place that decides it.

A comment is *DSL material* when its flag is routed to the Designated Safeguarding Lead
(``Flag.route == Route.DSL``). Only a viewer with the ``safeguarding`` permission sees DSL material:
its text, its author, the people it names, the images drawn from it. Everyone else sees
:data:`PLACEHOLDER` where such a comment would have been, in any thread, capture image, filter,
export or digest.

Every read model asks this module: :func:`flag_conditions` for queries of flags,
:func:`shows` for one flag, :func:`redact` for a snapshot's content (its thread and the
platform's JSON). The stored records are never changed: :func:`redact` derives a copy, marked
with :data:`MARK` so whatever is drawn or written from it says it is a redacted view; the sealed
original stays for the DSL and the police.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from moderator.evidence.capture_sections import REDACTED
from moderator.policy.categories import Route
from moderator.store.models import Comment, Flag, Source, User
from workqueue.errors import NotAllowed, NotFound
from workqueue.roles import Permissions, Role

PLACEHOLDER = "[a comment routed to the safeguarding lead]"
WITHHELD_AUTHOR = "(name withheld)"
WITHHELD_DETAIL = "withheld: about a flag routed to the safeguarding lead"
#: The key a redacted snapshot content carries, saying what was replaced and why (the capture
#: image draws a content that has it as a redacted view).
MARK = REDACTED
NOTE = (
    "A redacted view for staff who are not the Designated Safeguarding Lead: comments routed to "
    "the safeguarding lead are replaced. It is derived from the sealed snapshot, which is kept "
    "unchanged for the DSL and the police."
)
#: Object ids looked up in one query (well under every backend's bound-parameter limit).
_BATCH = 500


@dataclass(frozen=True)
class Viewer:
    """What one reader may see."""

    sees_dsl: bool

    @classmethod
    def of(cls, role: Role, permissions: Permissions) -> Viewer:
        return cls(permissions.allows(role, "safeguarding"))


#: The DSL, or the operator at the command line who holds the database itself.
EVERYTHING = Viewer(sees_dsl=True)
#: Anyone without the safeguarding permission.
STAFF = Viewer(sees_dsl=False)


def is_dsl(flag: Flag) -> bool:
    return flag.route == Route.DSL


def shows(viewer: Viewer, flag: Flag) -> bool:
    """Whether ``viewer`` may see ``flag`` (its page, its evidence, its letters)."""
    return viewer.sees_dsl or not is_dsl(flag)


def flag_for(session: Session, flag_id: int, user: User, permissions: Permissions) -> Flag:
    """Flag ``flag_id`` for ``user`` to see or decide: :class:`NotFound` when there is none,
    :class:`NotAllowed` (``dsl_only``) when it is DSL material ``user`` may not see."""
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(f"there is no flag {flag_id}", code="not_found", subject="flag", id=flag_id)
    if not shows(Viewer.of(user.role, permissions), flag):
        raise NotAllowed(
            f"flag {flag.id} is a safeguarding concern for the Designated Safeguarding Lead; "
            f"{user.username} ({user.role.value}) may not see or decide it",
            code="dsl_only",
            id=flag.id,
            user=user.username,
            role=user.role.value,
        )
    return flag


def flag_conditions(viewer: Viewer) -> list[ColumnElement[bool]]:
    """WHERE conditions on :class:`Flag` leaving out what ``viewer`` may not see."""
    if viewer.sees_dsl:
        return []
    return [or_(Flag.route.is_(None), Flag.route != Route.DSL)]


def hidden_conditions(viewer: Viewer) -> list[ColumnElement[bool]]:
    """WHERE conditions on :class:`Flag` keeping only what ``viewer`` may not see."""
    if viewer.sees_dsl:
        return [false()]
    return [Flag.route == Route.DSL]


@dataclass(frozen=True)
class View:
    """A snapshot's content as one viewer may see it."""

    content: dict[str, Any]
    replaced: int  #: places DSL material was replaced (0: the content is the original)

    @property
    def redacted(self) -> bool:
        return self.replaced > 0


def redact(session: Session, viewer: Viewer, content: dict[str, Any]) -> View:
    """``content`` (a parsed evidence snapshot) as ``viewer`` may see it: every DSL comment
    they may not see replaced by the placeholder (:func:`without`)."""
    if viewer.sees_dsl:
        return View(content, 0)
    source = _dict(content.get("source")).get("name")
    hidden = dsl_comment_ids(
        session, source if isinstance(source, str) else None, mentioned(content)
    )
    return without(content, hidden)


def without(content: dict[str, Any], hidden: set[str]) -> View:
    """``content`` with the comments whose platform ids are ``hidden`` replaced: in the thread,
    in the flagged comment's place, and anywhere in the platform's JSON (an Instagram comment
    carries its replies). ``content`` is untouched; a redacted copy carries :data:`MARK`."""
    if not hidden:
        return View(content, 0)
    derived = dict(content)  # a new top level; what is changed below is new, never written into
    replaced = 0
    thread = derived.get("thread")
    if isinstance(thread, dict):
        thread = derived["thread"] = dict(thread)
        for key in ("before", "after"):
            entries = thread.get(key)
            if isinstance(entries, list):
                thread[key] = [_entry(e, hidden) for e in entries]
                replaced += sum(_replaced(e) for e in thread[key])
        parent = thread.get("parent")
        if isinstance(parent, dict):
            thread["parent"] = _entry(parent, hidden)
            replaced += _replaced(thread["parent"])
    comment = derived.get("comment")
    if isinstance(comment, dict) and _id(comment) in hidden:
        derived["comment"] = {
            **comment,
            "text": PLACEHOLDER,
            "author": {"id": None, "name": WITHHELD_AUTHOR},
        }
        derived["classification"] = {}
        derived["media"] = []
        replaced += 1
    for key in ("raw", "post"):
        if key in derived:
            derived[key], count = scrub(derived[key], hidden)
            replaced += count
    if not replaced:
        return View(content, 0)
    derived[MARK] = {"placeholder": PLACEHOLDER, "replaced": replaced, "note": NOTE}
    return View(derived, replaced)


def redact_json(session: Session, viewer: Viewer, value: Any, source: str | None) -> Any:
    """Platform JSON (a comment's ``raw``) with every DSL comment inside it that ``viewer`` may
    not see replaced; ``value`` itself is untouched."""
    if viewer.sees_dsl:
        return value
    hidden = dsl_comment_ids(session, source, set(_object_ids(value)))
    return scrub(value, hidden)[0] if hidden else value


def dsl_comment_ids(session: Session, source: str | None, ids: set[str]) -> set[str]:
    """Which of the platform comment ids ``ids`` (in the source named ``source``; any source
    when None) are DSL material."""
    wanted = sorted(ids)
    found: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        query = (
            select(Comment.platform_comment_id)
            .join(Flag, Flag.comment_id == Comment.id)
            .where(
                Flag.route == Route.DSL,
                Comment.platform_comment_id.in_(wanted[start : start + _BATCH]),
            )
        )
        if source is not None:
            query = query.join(Source, Source.id == Comment.source_id).where(Source.name == source)
        found.update(session.scalars(query))
    return found


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def mentioned(content: dict[str, Any]) -> set[str]:
    """Every platform id in a snapshot's content that could name a comment."""
    thread = _dict(content.get("thread"))
    entries = [thread.get("parent"), *_list(thread.get("before")), *_list(thread.get("after"))]
    found = {i for e in entries if (i := _id(e)) is not None}
    if (comment := _id(content.get("comment"))) is not None:
        found.add(comment)
    found.update(_object_ids(content.get("raw")))
    found.update(_object_ids(content.get("post")))
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _id(value: Any) -> str | None:
    """An object's ``id`` as the database keeps platform ids (text), or None."""
    if not isinstance(value, dict):
        return None
    found = value.get("id")
    if isinstance(found, bool) or not isinstance(found, str | int):
        return None
    return str(found)


def _object_ids(value: Any) -> Iterator[str]:
    """The ``id`` of every object inside ``value``, however deep (without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if (found := _id(item)) is not None:
                yield found
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _entry(entry: Any, hidden: set[str]) -> Any:
    if not isinstance(entry, dict) or _id(entry) not in hidden:
        return entry
    return {
        "id": None,
        "parent_id": entry.get("parent_id"),
        "author": WITHHELD_AUTHOR,
        "created_time": entry.get("created_time"),
        "text": PLACEHOLDER,
        "by_owner": False,
        "redacted": True,
    }


def _replaced(entry: Any) -> int:
    return 1 if isinstance(entry, dict) and entry.get("redacted") is True else 0


def scrub(value: Any, hidden: set[str]) -> tuple[Any, int]:
    """A copy of ``value`` with every object whose ``id`` is hidden replaced, and how many were
    (iteratively: platform JSON can be nested deep)."""
    placeholders: set[int] = set()

    def swap(item: Any) -> Any:
        if isinstance(item, dict) and _id(item) in hidden:
            placeholder = {"redacted": True, "text": PLACEHOLDER}
            placeholders.add(id(placeholder))
            return placeholder
        if isinstance(item, dict):
            return dict(item)
        if isinstance(item, list):
            return list(item)
        return item

    root = swap(value)
    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, dict) and id(item) not in placeholders:
            for key, child in item.items():
                item[key] = swap(child)
                stack.append(item[key])
        elif isinstance(item, list):
            for index, child in enumerate(item):
                item[index] = swap(child)
                stack.append(item[index])
    return root, len(placeholders)
