"""Brookside Primary, the school of the escalation queue's tests (and of retention's and
subject access's, which build on the queue): its config, comments by number, users of every
role, and scans that return the queue keyed by comment id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import flags, users
from moderator.settings import config as config_mod
from moderator.store import db
from tests.factories import MINIMAL_CONFIG, load_school

CONFIG = (
    MINIMAL_CONFIG.replace(
        'name = "Test School"', 'name = "Brookside Primary School"\nheadteacher = "Janet Holloway"'
    )
    + """
[[staff]]
name = "Gareth Evans"
role = "Year 6 teacher"
aliases = ["Mr Evans"]

[classifier]
backend = "lexical"
"""
)


PASSWORD = "correct horse battery"


def comment(n: int, text: str, author: str = "Dave Parent", day: int = 1) -> dict[str, Any]:
    return {
        "id": f"c{n}",
        "text": text,
        "author": author,
        "created_time": f"2026-10-{day:02d}T09:{n % 60:02d}:00+00:00",
        "post_id": "p1",
        "permalink_url": f"https://www.facebook.com/brookside/posts/p1?comment_id=c{n}",
    }


def brookside(
    tmp_path: Path, rows: list[dict[str, Any]], extra: str = ""
) -> config_mod.SchoolConfig:
    """Brookside's config (with ``extra``) and ``rows`` in ``tmp_path``, loaded."""
    return load_school(tmp_path, CONFIG + extra, rows)


def scan(engine: Engine, config: config_mod.SchoolConfig) -> dict[str, dict[str, Any]]:
    """Scan, then the queue keyed by platform comment id."""
    result = scanning.scan(engine, config, classifier_for(config), full=True)
    assert result.errors == []
    return queue(engine)


def queue(engine: Engine) -> dict[str, dict[str, Any]]:
    with db.session_scope(engine) as session:
        return {item.comment_id: item.to_json() for item in flags.queue(session)}


def add_users(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        for name, role in [
            ("mod", "moderator"),
            ("mod2", "moderator"),
            ("head", "headteacher"),
            ("dsl", "dsl"),
            ("admin", "admin"),
        ]:
            users.add(session, name, name.title(), role, PASSWORD)
