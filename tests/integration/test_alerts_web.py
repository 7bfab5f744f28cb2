"""The alerts badge and the flag page's edits and removals in the web interface, on SQLite and
PostgreSQL: the headteacher counts the police alerts, the DSL those and the DSL's own; a
moderator has none; opening the alerts page marks them seen, and it shows no comment text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from moderator.store import db
from moderator.store.models import Flag, utcnow
from tests.factories import MINIMAL_CONFIG
from tests.web_client import (
    School,
    cheap_hashes,  # noqa: F401 - autouse: cheap password hashes
    scanned_school,
)

CONFIG = MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n'
#: The file's comments: id -> (text, author): abuse, a threat (police) and a safeguarding plea
#: (the DSL).
COMMENTS = {
    "a1": ("Mrs Holloway is a useless idiot", "Dave Parent"),
    "t1": ("I will smash the head's face in at the gate", "Xan Poster"),
    "s1": ("idk who else to tell but ive started cutting again", "Zed Pupil"),
}
#: The comments as the school's file holds them, a day apart.
ROWS = [
    {"id": key, "text": text, "author": author, "created_time": f"2026-10-0{n}T09:00:00+00:00"}
    for n, (key, (text, author)) in enumerate(COMMENTS.items(), start=1)
]
#: Words from the comments' texts that appear nowhere else.
TEXTS = ("useless", "idiot", "smash", "the gate", "idk who", "cutting")

BADGE = re.compile(r'<span class="badge" id="alerts-badge"[^>]*>(\d+)</span>')


@pytest.fixture
def school(engine: Engine, tmp_path: Path) -> Iterator[School]:
    """The three comments scanned with the lexical classifier, and a moderator, a headteacher
    and a DSL."""
    built = scanned_school(engine, tmp_path, CONFIG, ROWS)
    assert set(built.flags) == set(COMMENTS), built.flags
    yield built
    built.close()


def badge(page: str) -> int:
    found = BADGE.search(page)
    return int(found.group(1)) if found else 0


def test_the_badge_counts_unseen_alerts_for_the_head_and_the_dsl(school: School) -> None:
    head, dsl, mod = (school.sign_in(name) for name in ("head", "dsl", "mod"))
    assert badge(head.get("/").text) == 1  # the threat (police); not the DSL's item
    assert badge(dsl.get("/").text) == 2  # the threat and the safeguarding plea
    assert 'href="/alerts"' not in mod.get("/").text and badge(mod.get("/").text) == 0

    page = head.get("/alerts")
    assert page.status_code == 200
    assert f'href="/flags/{school.flags["t1"]}"' in page.text
    assert f'href="/flags/{school.flags["s1"]}"' not in page.text  # DSL items for the DSL only
    for text in TEXTS:
        assert text not in page.text
    assert badge(head.get("/").text) == 0  # seen
    assert badge(dsl.get("/").text) == 2  # the DSL has not looked yet
    dsl_page = dsl.get("/alerts").text
    assert f'href="/flags/{school.flags["s1"]}"' in dsl_page
    assert badge(dsl.get("/").text) == 0
    assert "<strong>new</strong>" not in head.get("/alerts").text  # seen stays seen


def test_the_flag_page_says_a_comment_was_edited_and_removed(school: School) -> None:
    flag_id = school.flags["a1"]
    head = school.sign_in("head")
    page = head.get(f"/flags/{flag_id}").text
    assert "removed from the platform" not in page and "edited on the platform" not in page
    with db.session_scope(school.engine) as session:  # as a webhook remove and an edit leave it
        comment = session.get_one(Flag, flag_id).comment
        comment.removed_at = comment.edited_at = utcnow()
    page = head.get(f"/flags/{flag_id}").text
    assert "removed from the platform" in page and "edited on the platform" in page


def test_dsl_alerts_follow_who_may_see_dsl_flags_when_a_school_changes_it(
    engine: Engine, tmp_path: Path
) -> None:
    """A school whose headteacher is its safeguarding lead (``safeguarding = ["headteacher"]``):
    the alerts follow the one visibility rule, as the flag pages do, not the role's name."""
    config = CONFIG + '\n[escalation.permissions]\nsafeguarding = ["headteacher"]\n'
    school = scanned_school(engine, tmp_path, config, ROWS)
    try:
        head, dsl, mod = (school.sign_in(name) for name in ("head", "dsl", "mod"))
        assert badge(head.get("/").text) == 2  # the threat and the safeguarding plea
        assert badge(dsl.get("/").text) == 1  # the threat only: this role may not see DSL flags
        assert 'href="/alerts"' not in mod.get("/").text
        safeguarding = f'href="/flags/{school.flags["s1"]}"'
        assert safeguarding in head.get("/alerts").text
        assert safeguarding not in dsl.get("/alerts").text
        assert dsl.get(f"/flags/{school.flags['s1']}").status_code == 404  # as its page says
    finally:
        school.close()
