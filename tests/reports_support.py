"""What the reporting tests share: the demo school scanned and decided on by real users, the
text a PDF holds, and a signed-in web client."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import decisions, users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Comment, Flag
from moderator.web.app import Settings, create_app
from tests.web_client import PASSWORD, login
from workqueue.ladder import Step


def pdf_text(data: bytes) -> str:
    """Every page's extracted text, with whitespace runs as one space."""
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def squeezed(text: str) -> str:
    """Text without any whitespace: a word the PDF wraps across lines still matches."""
    return re.sub(r"\s+", "", text)


def assert_nothing_personal(data: bytes, texts: list[str], names: list[str]) -> None:
    extracted = squeezed(pdf_text(data)).casefold()
    assert "breaches" in extracted  # the extraction works: the PDF's own words are there
    for comment in texts:
        assert squeezed(comment).casefold() not in extracted, "a comment's text is in the PDF"
    for name in names:
        for part in [name, *name.split()]:
            if len(part) > 3:
                assert squeezed(part).casefold() not in extracted, f"{part!r} is in the PDF"


@pytest.fixture
def demo(engine: Engine, sample_config: config_mod.SchoolConfig) -> Engine:
    """The sample school scanned, as ``moderator demo`` does, then decisions by real users: a
    meeting, legal advice, a police referral (proposed and confirmed) and a dismissal."""
    result = scanning.scan(engine, sample_config, classifier_for(sample_config), full=True)
    assert result.errors == []
    with db.session_scope(engine) as session:
        for name, role in [("mod", "moderator"), ("head", "headteacher"), ("dsl", "dsl")]:
            users.add(session, name, name.title(), role, "a long passphrase here")
        flags = {
            cid: (fid, cats, route)
            for cid, fid, cats, route in session.execute(
                select(Comment.platform_comment_id, Flag.id, Flag.categories, Flag.route).join(
                    Flag.comment
                )
            )
        }

    def first(category: str) -> int:
        return next(
            fid
            for fid, cats, route in sorted(flags.values())
            if category in cats and route == "moderators"
        )

    cfg = sample_config
    decisions.decide(engine, cfg, first("abuse"), "mod", "escalate", step=Step.MEETING)
    decisions.decide(engine, cfg, first("defamation"), "head", "escalate", step=Step.LEGAL)
    decisions.decide(engine, cfg, first("threat"), "mod", "escalate", step=Step.POLICE)
    decisions.decide(engine, cfg, first("threat"), "head", "escalate", step=Step.POLICE)
    decisions.decide(engine, cfg, first("privacy"), "mod", "dismiss")
    return engine


def demo_texts_and_names(
    engine: Engine, config: config_mod.SchoolConfig
) -> tuple[list[str], list[str]]:
    with db.session_scope(engine) as session:
        texts = list(session.scalars(select(Comment.text)))
        authors = [a for a in session.scalars(select(Comment.author_name)) if a]
    pupils = [p.name for p in config.pupils] + [alias for p in config.pupils for alias in p.aliases]
    return texts, pupils + authors


def signed_in(engine: Engine, config: config_mod.SchoolConfig, username: str) -> TestClient:
    with db.session_scope(engine) as session:
        users.set_password(session, username, PASSWORD)
    client = TestClient(
        create_app(engine, config, Settings(secure_cookies=False)), follow_redirects=False
    )
    assert login(client, username, PASSWORD).status_code == 303
    return client
