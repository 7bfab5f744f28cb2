"""The moderators' web interface in-process, on SQLite and PostgreSQL (docs/web.md): nothing for
anyone signed out, sign-in and lock-out, CSRF, roles enforced on the server whatever the browser
sends, DSL flags for the DSL only, the two-person police rule, sessions, headers, custody and the
queue's paging and filters.

Speed: the module signs in with cheap password hashes (tests/web_client.py).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import Engine, func, select, update

from classifiers.base import Scores
from connectors.base import RawComment
from moderator.ingest import recording
from moderator.policy.decide import Decision
from moderator.policy.roster import Roster
from moderator.review import claims, decisions, users
from moderator.store import db
from moderator.store.models import (
    AuditEvent,
    Comment,
    CustodyEvent,
    EvidenceExport,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
    Letter,
    Source,
    User,
    WebSession,
)
from moderator.web import sessions
from moderator.web.app import Settings
from moderator.web.auth import LOGIN_COOKIE, REFUSED
from tests.factories import MINIMAL_CONFIG
from tests.web_client import (
    CSRF_FIELD,
    PASSWORD,
    Browser,
    School,
    cheap_hashes,  # noqa: F401 - autouse: cheap password hashes
    csrf_of,
    login,
    scanned_school,
)
from workqueue.ladder import Step, rank
from workqueue.states import OPEN, FlagStatus

CONFIG = (
    MINIMAL_CONFIG
    + """
[[staff]]
name = "Gareth Evans"
role = "Year 6 teacher"
aliases = ["Mr Evans"]

[classifier]
backend = "lexical"
"""
)
#: The file's comments: id -> (text, author).
COMMENTS = {
    "a1": ("Mrs Holloway is a useless idiot", "Dave Parent"),
    "t1": ("I will smash the head's face in at the gate", "Xan Poster"),
    "c1": ("The uniform is too expensive and nobody asked parents", "Yve Parent"),
    "s1": ("idk who else to tell but ive started cutting again", "Zed Pupil"),
}
#: Words from the comments' texts that appear nowhere else (the flag page may mark single words).
TEXTS = ("useless", "idiot", "smash", "the gate", "uniform", "expensive", "idk who", "cutting")
ROW = re.compile(
    r'<tr class="step-(\w+)">\s*<td><a href="/flags/(\d+)">#\d+</a><br>'
    r'<span class="platform">(\w+)</span>'
)


def assert_no_comment_text(response: Any) -> None:
    body = response.text
    for text in TEXTS:
        assert text not in body, f"comment text {text!r} in a response to a signed-out request"


def state(engine: Engine) -> dict[str, Any]:
    """Everything a refused POST must leave as it was."""
    with db.session_scope(engine) as session:
        flags = session.execute(
            select(
                Flag.id,
                Flag.status,
                Flag.claimed_by,
                Flag.escalated_step,
                Flag.proposed_by,
                Flag.decided_by,
            ).order_by(Flag.id)
        ).all()

        def count(model: Any) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        return {
            "flags": [tuple(row) for row in flags],
            "audit": count(AuditEvent),
            "custody": count(CustodyEvent),
            "letters": count(Letter),
            "sessions": count(WebSession),
            "exports": count(EvidenceExport),
        }


def audit_events(engine: Engine, action: str) -> list[AuditEvent]:
    with db.session_scope(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def flag_row(engine: Engine, flag_id: int) -> Flag:
    with db.session_scope(engine) as session:
        return session.get_one(Flag, flag_id)


STATUS = re.compile(r'<p class="message" role="status">(.*?)</p>', re.DOTALL)


def message_after(browser: Browser, response: Any) -> str:
    """The message a decision leaves for the page it redirects to (kept in the session, never
    in the URL), as that page shows it, once."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert "?" not in location, location
    page = browser.get(location)
    assert page.status_code == 200
    found = STATUS.search(page.text)
    assert found, "no status message on the page"
    assert not STATUS.search(browser.get(location).text), "the message was shown twice"
    return html.unescape(found.group(1))


@pytest.fixture
def school(engine: Engine, tmp_path: Path) -> Iterator[School]:
    """Four comments scanned with the lexical classifier (abuse, a threat, a complaint, a
    safeguarding plea routed to the DSL) and a moderator, a headteacher and a DSL."""
    rows = [
        {
            "id": key,
            "text": text,
            "author": author,
            "created_time": f"2026-10-0{n}T09:00:00+00:00",
        }
        for n, (key, (text, author)) in enumerate(COMMENTS.items(), start=1)
    ]
    built = scanned_school(engine, tmp_path, CONFIG, rows)
    ids = built.flags
    assert set(ids) == set(COMMENTS), ids
    with db.session_scope(engine) as session:
        assert session.get_one(Flag, ids["s1"]).route == "dsl"
        assert session.get_one(Flag, ids["t1"]).step is Step.POLICE
    yield built
    built.close()


# -- signed out -------------------------------------------------------------------------------


def test_signed_out_pages_redirect_to_login_without_comment_text(school: School) -> None:
    client = school.client()
    flag = school.flags["a1"]
    dsl = school.flags["s1"]
    paths = [
        "/",
        "/?status=all&category=abuse&page=1",
        f"/flags/{flag}",
        f"/flags/{dsl}",
        f"/flags/{flag}/capture.png",
        "/dashboard",
        "/audit",
        "/safeguarding",
        "/letters/1",
    ]
    for path in paths:
        for cookie in (None, "forged-session-token"):
            client.cookies.clear()
            if cookie:
                client.cookies.set(sessions.COOKIE, cookie)
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
            assert unquote(response.headers["location"].partition("next=")[2]) == path
            assert_no_comment_text(response)
    client.cookies.clear()
    page = client.get("/login")
    assert page.status_code == 200 and "Sign in" in page.text
    assert_no_comment_text(page)
    assert client.get("/healthz").text == "ok"


def test_signed_out_posts_are_refused_without_comment_text(school: School) -> None:
    client = school.client()
    flag = school.flags["a1"]
    before = state(school.engine)
    for path, data in [
        (f"/flags/{flag}/decide", {"verb": "dismiss"}),
        (f"/flags/{flag}/decide", {"verb": "escalate:police"}),
        (f"/flags/{flag}/export", {}),
        ("/claim", {}),
        (f"/flags/{flag}/release", {}),
    ]:
        for token in ("", "0" * 64):
            response = client.post(path, data={**data, "csrf_token": token})
            assert response.status_code == 403, path
            assert_no_comment_text(response)
    assert state(school.engine) == before


# -- signing in -------------------------------------------------------------------------------


def test_a_wrong_password_is_refused(school: School) -> None:
    client = school.client()
    response = login(client, "mod", "not the password")
    assert response.status_code == 401
    assert REFUSED in response.text
    assert "not the password" not in response.text
    assert not any(
        c.startswith(f"{sessions.COOKIE}=") for c in response.headers.get_list("set-cookie")
    )
    assert sessions.COOKIE not in client.cookies
    assert client.get("/").status_code == 303
    assert state(school.engine)["sessions"] == 0
    (failed,) = audit_events(school.engine, "sign_in_failed")
    assert failed.actor == "mod" and failed.detail["why"] == "wrong password"


def test_five_wrong_passwords_lock_the_account(school: School) -> None:
    client = school.client()
    for _ in range(users.LOCK_AFTER):
        response = login(client, "mod", "not the password")
        assert response.status_code == 401 and REFUSED in response.text
    right = login(client, "mod", PASSWORD)
    assert right.status_code == 401 and REFUSED in right.text
    assert sessions.COOKIE not in client.cookies
    assert state(school.engine)["sessions"] == 0
    failed = audit_events(school.engine, "sign_in_failed")
    assert len(failed) == users.LOCK_AFTER
    assert "locked" in failed[-1].detail["why"]
    assert all("locked" not in event.detail["why"] for event in failed[:-1])
    (refused,) = audit_events(school.engine, "sign_in_refused")
    assert refused.actor == "mod" and refused.detail["why"] == "locked"
    # other accounts are unaffected; the lock ends after LOCK_FOR
    school.sign_in("head")
    with db.session_scope(school.engine) as session:
        user = users.get(session, "mod")
        user.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert login(client, "mod", PASSWORD).status_code == 303


def test_an_unknown_username_is_refused_the_same_way(school: School) -> None:
    client = school.client()
    known = login(client, "mod", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert unknown.status_code == known.status_code == 401
    assert REFUSED in unknown.text
    same = [CSRF_FIELD.sub("", page.text) for page in (known, unknown)]
    assert same[1].replace("nobody", "mod") == same[0]  # only the username differs
    assert sessions.COOKIE not in client.cookies
    events = audit_events(school.engine, "sign_in_failed")
    assert [(e.actor, e.detail.get("username")) for e in events] == [
        ("mod", None),
        ("anonymous", "nobody"),
    ]


# -- CSRF -------------------------------------------------------------------------------------


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(school: School) -> None:
    head = school.sign_in("head")
    (claimed,) = claims.claim(school.engine, school.config, "head", 1)
    flag = school.flags["a1"]
    before = state(school.engine)
    wrong = [None, "", "0" * 64, head.csrf[:-1] + ("0" if head.csrf[-1] != "0" else "1"), "é" * 64]
    for path, data in [
        (f"/flags/{flag}/decide", {"verb": "dismiss"}),
        (f"/flags/{claimed}/decide", {"verb": "escalate:legal"}),
        ("/claim", {}),
        (f"/flags/{claimed}/release", {}),
        (f"/flags/{flag}/export", {}),
        ("/logout", {}),
    ]:
        for token in wrong:
            form = dict(data) if token is None else {**data, "csrf_token": token}
            response = head.client.post(path, data=form)
            assert response.status_code == 403, (path, token)
            assert state(school.engine) == before, (path, token)
    # still signed in: the refused sign-out signed nobody out
    assert head.get("/").status_code == 200
    assert head.post("/claim").status_code == 303  # and the right token works


def test_sign_in_without_the_double_submit_cookie_is_refused(school: School) -> None:
    client = school.client()
    token = csrf_of(client.get("/login").text)
    assert client.cookies.get(LOGIN_COOKIE) == token
    before = state(school.engine)
    form = {"username": "head", "password": PASSWORD, "next": "/"}
    for sent in [{}, {"csrf_token": ""}, {"csrf_token": "0" * 64}]:
        response = client.post("/login", data={**form, **sent})
        assert response.status_code == 403
        assert sessions.COOKIE not in client.cookies
    client.cookies.delete(LOGIN_COOKIE)
    response = client.post("/login", data={**form, "csrf_token": token})
    assert response.status_code == 403 and sessions.COOKIE not in client.cookies
    after = state(school.engine)
    assert after == before  # no session, no audit event: the password was never checked
    assert login(client, "head", PASSWORD).status_code == 303


# -- roles ------------------------------------------------------------------------------------


def test_a_moderator_cannot_take_a_headteacher_decision(school: School) -> None:
    mod = school.sign_in("mod")
    flag = school.flags["a1"]
    page = mod.get(f"/flags/{flag}").text
    assert "escalate:meeting" in page
    assert "escalate:written_warning" not in page and "escalate:legal" not in page
    before = state(school.engine)
    for verb, words in [
        ("escalate:written_warning", "may not send a written warning"),
        ("escalate:legal", "may not take legal advice"),
    ]:
        message = message_after(mod, mod.post(f"/flags/{flag}/decide", verb=verb))
        assert message.startswith("Refused") and words in message
        assert flag_row(school.engine, flag).escalated_step is None
        assert state(school.engine)["letters"] == 0
    assert state(school.engine)["flags"] == before["flags"]
    head = school.sign_in("head")
    assert "escalate:written_warning" in head.get(f"/flags/{flag}").text
    message = message_after(
        head, head.post(f"/flags/{flag}/decide", verb="escalate:written_warning")
    )
    assert "escalated to written warning by head" in message
    assert flag_row(school.engine, flag).escalated_step is Step.WRITTEN_WARNING
    with db.session_scope(school.engine) as session:
        (letter,) = session.scalars(select(Letter)).all()
        assert (letter.kind, letter.flag_id, letter.created_by) == ("written_warning", flag, "head")
    message = message_after(head, head.post(f"/flags/{flag}/decide", verb="escalate:legal"))
    assert "escalated to legal by head" in message
    assert flag_row(school.engine, flag).escalated_step is Step.LEGAL


def test_dsl_flags_are_for_the_dsl_only(school: School) -> None:
    dsl_flag = school.flags["s1"]
    mod = school.sign_in("mod")
    for path in (f"/flags/{dsl_flag}", f"/flags/{dsl_flag}/capture.png"):
        response = mod.get(path)
        assert response.status_code == 404, path
        assert "cutting" not in response.text
        assert response.headers["content-type"].startswith("text/html")
    for query in ("", "?status=all", "?category=safeguarding&status=all"):
        listing = mod.get(f"/{query}").text
        assert f'href="/flags/{dsl_flag}"' not in listing and "cutting" not in listing
    assert f'href="/flags/{school.flags["a1"]}"' in mod.get("/").text
    refused = mod.get("/safeguarding")
    assert refused.status_code == 403 and "cutting" not in refused.text
    assert "safeguarding: 1" not in mod.get("/dashboard").text
    before = flag_row(school.engine, dsl_flag)
    refused = mod.post(f"/flags/{dsl_flag}/decide", verb="dismiss")
    assert refused.status_code == 404 and "cutting" not in refused.text
    claims = [mod.post("/claim").headers["location"] for _ in range(len(COMMENTS))]
    assert claims[-1] == "/"  # the moderator claimed all they may
    assert "Nothing to claim" in message_after(mod, mod.post("/claim"))
    after = flag_row(school.engine, dsl_flag)
    assert (after.status, after.claimed_by) == (before.status, None) == (FlagStatus.NEW, None)

    dsl = school.sign_in("dsl")
    page = dsl.get(f"/flags/{dsl_flag}")
    assert page.status_code == 200 and "started cutting again" in page.text
    image = dsl.get(f"/flags/{dsl_flag}/capture.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert f'href="/flags/{dsl_flag}"' in dsl.get("/safeguarding").text
    assert f'href="/flags/{dsl_flag}"' in dsl.get("/").text
    assert "safeguarding: 1" in dsl.get("/dashboard").text


def test_a_police_referral_needs_a_second_person(school: School) -> None:
    flag = school.flags["t1"]
    head = school.sign_in("head")
    message = message_after(head, head.post(f"/flags/{flag}/decide", verb="escalate:police"))
    assert "police referral proposed" in message
    row = flag_row(school.engine, flag)
    assert (row.proposed_by, row.escalated_step) == ("head", None)
    again = message_after(head, head.post(f"/flags/{flag}/decide", verb="escalate:police"))
    assert again.startswith("Refused") and "second person" in again
    row = flag_row(school.engine, flag)
    assert (row.proposed_by, row.escalated_step) == ("head", None)
    dsl = school.sign_in("dsl")
    assert "proposed by head" in dsl.get(f"/flags/{flag}").text
    message = message_after(dsl, dsl.post(f"/flags/{flag}/decide", verb="escalate:police"))
    assert "police referral proposed by head, confirmed" in message
    row = flag_row(school.engine, flag)
    assert (row.escalated_step, row.proposed_by, row.status) == (
        Step.POLICE,
        None,
        FlagStatus.ESCALATED,
    )
    (confirmed,) = audit_events(school.engine, "police_referral_confirmed")
    assert confirmed.actor == "dsl" and confirmed.detail["proposed_by"] == "head"


# -- sessions ---------------------------------------------------------------------------------


def test_signing_out_deletes_the_session(school: School) -> None:
    mod = school.sign_in("mod")
    cookie = mod.client.cookies[sessions.COOKIE]
    response = mod.post("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert state(school.engine)["sessions"] == 0
    replay = school.client()
    replay.cookies.set(sessions.COOKIE, cookie)
    assert replay.get("/").status_code == 303
    assert replay.post("/claim", data={"csrf_token": mod.csrf}).status_code == 403


def test_an_idle_or_expired_session_is_refused(school: School) -> None:
    idle, old, recent = (school.sign_in(name) for name in ("mod", "head", "dsl"))
    now = dt.datetime.now(dt.UTC)
    with db.session_scope(school.engine) as session:
        rows = {row.user.username: row for row in session.scalars(select(WebSession)).all()}
        rows["mod"].last_seen_at = now - sessions.IDLE - dt.timedelta(minutes=1)
        rows["head"].created_at = now - sessions.LIFETIME - dt.timedelta(minutes=1)
        rows["dsl"].last_seen_at = now - sessions.IDLE + dt.timedelta(minutes=2)
    for browser in (idle, old):
        assert browser.get("/").status_code == 303
        assert browser.post("/claim").status_code == 403
    assert recent.get("/").status_code == 200
    with db.session_scope(school.engine) as session:
        (left,) = session.scalars(select(WebSession)).all()
        assert left.user.username == "dsl"
        assert now - left.last_seen_at < dt.timedelta(minutes=1)  # touched when used


def test_disabling_a_user_ends_their_access(school: School) -> None:
    mod, head = school.sign_in("mod"), school.sign_in("head")
    with db.session_scope(school.engine) as session:
        users.set_active(session, "mod", False)
        # a session row left behind (or made before) is still refused for a disabled user
        session.execute(update(User).where(User.username == "head").values(active=False))
    for browser in (mod, head):
        assert browser.get("/").status_code == 303
        assert browser.post("/claim").status_code == 403
    assert login(school.client(), "mod", PASSWORD).status_code == 401


# -- headers, cookies, redirects --------------------------------------------------------------


def test_pages_carry_the_security_headers(school: School) -> None:
    head = school.sign_in("head")
    anonymous = school.client()
    flag = school.flags["a1"]
    responses = [head.get(path) for path in ("/", f"/flags/{flag}", "/dashboard", "/audit")]
    responses += [anonymous.get("/login"), anonymous.get("/"), head.post("/claim")]
    for response in responses:
        headers = response.headers
        csp = headers["content-security-policy"]
        for part in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'"):
            assert part in csp, response.url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in headers  # not over plain http
    static = anonymous.get("/static/style.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"


def test_the_session_cookie_is_http_only_strict_and_secure(school: School) -> None:
    # Secure always, never, or (the default) when the request came over HTTPS
    for setting, https, secure in [
        (False, False, False),
        (True, True, True),
        (None, False, False),
        (None, True, True),
    ]:
        client = school.client(Settings(secure_cookies=setting), https=https)
        form = client.get("/login")
        response = login(client, "mod", PASSWORD)
        assert response.status_code == 303
        for name, sent in [(LOGIN_COOKIE, form), (sessions.COOKIE, response)]:
            (cookie,) = [c for c in sent.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
            attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "samesite=strict", "path=/"} <= attributes, cookie
            assert ("secure" in attributes) is secure, cookie
        assert ("strict-transport-security" in response.headers) is secure
        assert client.get("/").status_code == 200


def test_sign_in_never_redirects_off_the_site(school: School) -> None:
    client = school.client()
    for target in ("https://evil.example", "//evil.example", "https:/evil.example", "", "x"):
        response = login(client, "mod", PASSWORD, next=target)
        assert response.status_code == 303 and response.headers["location"] == "/", target
    response = login(client, "mod", PASSWORD, next="/\\evil.example")
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    flag = school.flags["a1"]
    assert login(client, "mod", PASSWORD, next=f"/flags/{flag}").headers["location"] == (
        f"/flags/{flag}"
    )
    form = school.client().get("/login?next=https://evil.example").text
    assert 'name="next" value="/"' in form


# -- evidence and the queue -------------------------------------------------------------------


def test_viewing_a_flag_adds_a_custody_entry_naming_the_user(school: School) -> None:
    flag = school.flags["a1"]

    def viewed() -> list[CustodyEvent]:
        with db.session_scope(school.engine) as session:
            return list(
                session.scalars(
                    select(CustodyEvent)
                    .join(EvidenceSnapshot, EvidenceSnapshot.id == CustodyEvent.snapshot_id)
                    .join(Flag, Flag.comment_id == EvidenceSnapshot.comment_id)
                    .where(Flag.id == flag, CustodyEvent.action == "viewed")
                )
            )

    assert viewed() == []
    mod = school.sign_in("mod")
    page = mod.get(f"/flags/{flag}")
    assert page.status_code == 200 and "idiot" in page.text
    (entry,) = viewed()
    assert entry.actor.startswith("mod (Mod Person, moderator)")
    assert entry.detail == {"via": "web flag page"}
    assert mod.get(f"/flags/{flag}").status_code == 200
    assert len(viewed()) == 2
    shown = re.sub("</?bdi>", "", mod.get(f"/flags/{flag}").text)
    assert "viewed by mod" in shown  # the custody log on the page (names isolated in <bdi>)


#: For the paging test: (categories, step, route, targets), in turn.
KINDS: list[tuple[tuple[str, ...], Step, str, tuple[str, ...]]] = [
    (("abuse",), Step.MEETING, "moderators", ("Janet Holloway",)),
    (("threat",), Step.POLICE, "moderators", ("Gareth Evans",)),
    (("abuse", "defamation"), Step.LEGAL, "moderators", ("Gareth Evans", "Janet Holloway")),
    (("obscene",), Step.HIDE, "moderators", ()),
    (("complaint",), Step.REVIEW, "complaints", ()),
]


class Fixed:
    """Stands in for a classifier: only its name and version are recorded."""

    name = "fixed"
    version = "1"


def add_flags(school: School, count: int) -> None:
    """``count`` more flags, recorded as a scan records them (without the classifier and the
    evidence), half on a Facebook source and half on an Instagram one."""
    roster = Roster(school.config.people)
    classifier: Any = Fixed()
    base = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    with db.session_scope(school.engine) as session:
        for platform in ("facebook", "instagram"):
            source = recording.source_row(session, f"page-{platform}", platform)
            raws = [
                RawComment(
                    platform_comment_id=f"{platform}-{n}",
                    text=f"queue comment {platform} {n}",
                    raw={"id": n},
                    created_time=base + dt.timedelta(hours=n),
                    author_id=f"{platform}-poster-{n % 7}",
                    author_name=f"Poster {n % 7}",
                )
                for n in range(count // 2)
            ]
            rows = recording.comment_rows(session, source, raws)
            session.flush()
            for n, row in enumerate(rows):
                categories, step, route, targets = KINDS[n % len(KINDS)]
                decision = Decision(categories, True, step, ("test",), (), route, targets)
                classification = recording.classification_row(
                    session, row, classifier, Scores({}), decision
                )
                recording.flag_row(session, row, classification, decision, roster)


def listed(browser: Browser, query: str) -> tuple[int, list[tuple[int, str, str]]]:
    """The queue page's total and its rows: (flag id, step, platform)."""
    page = browser.get(f"/?{query}")
    assert page.status_code == 200, query
    total = re.search(r'<span class="count">(\d+) flags?</span>', page.text)
    assert total, query
    rows = [(int(i), step, platform) for step, i, platform in ROW.findall(page.text)]
    return int(total.group(1)), rows


def test_the_queue_pages_filters_and_puts_the_most_severe_first(school: School) -> None:
    add_flags(school, 70)
    head = school.sign_in("head")
    with db.session_scope(school.engine) as session:
        flags = {
            f.id: f
            for f in session.scalars(select(Flag)).all()
            if f.route != "dsl"  # the head may not see the DSL's flags
        }
        platforms: dict[int, str] = {
            flag_id: platform
            for flag_id, platform in session.execute(
                select(Flag.id, Source.platform).join(Flag.comment).join(Comment.source)
            )
        }
        about_gareth = set(
            session.scalars(select(FlagTarget.flag_id).where(FlagTarget.name == "Gareth Evans"))
        )
    assert len(flags) == 73

    total, first = listed(head, "")
    assert total == 73 and len(first) == 50
    again, second = listed(head, "page=2")
    assert again == 73 and len(second) == 23
    assert listed(head, "page=3")[1] == []
    page_one = head.get("/").text
    assert "Page 1 of 2" in page_one and 'rel="next"' in page_one and "page=2" in page_one
    order = [row[0] for row in first + second]
    assert sorted(order) == sorted(flags)
    ranks = [rank(flags[i].step) for i in order]
    assert ranks == sorted(ranks, reverse=True)  # most severe first
    assert flags[order[0]].step is Step.POLICE
    assert all(step == (flags[i].step or "none") for i, step, _ in first + second)

    count, threats = listed(head, "category=threat")
    assert count == len(threats) == sum("threat" in f.categories for f in flags.values())
    assert all("threat" in flags[i].categories for i, _, _ in threats)
    count = listed(head, "category=abuse&page=1")[0]
    assert count == sum("abuse" in f.categories for f in flags.values()) > len(threats)

    count, instagram = listed(head, "platform=instagram")
    assert count == len(instagram) == 35
    assert {p for _, _, p in instagram} == {"instagram"} == {platforms[i] for i, _, _ in instagram}

    count, gareth = listed(head, "target=gareth+evans")
    assert count == len(gareth) == len(about_gareth & set(flags))
    assert {i for i, _, _ in gareth} <= about_gareth
    assert '<option value="Gareth Evans"' in page_one

    decisions.decide(school.engine, school.config, order[0], "head", "dismiss", note="test")
    assert listed(head, "page=99999999999999999999")[1] == []
    assert head.get("/audit?page=99999999999999999999").status_code == 200
    count, dismissed = listed(head, "status=dismissed")
    assert count == 1 and [i for i, _, _ in dismissed] == [order[0]]
    assert listed(head, "")[0] == 72  # open only, by default
    assert listed(head, "status=all")[0] == 73
    open_ids = {i for i, f in flags.items() if f.status in OPEN} - {order[0]}
    count, combined = listed(head, "category=threat&platform=facebook&status=open")
    assert {i for i, _, _ in combined} == {
        i for i in open_ids if "threat" in flags[i].categories and platforms[i] == "facebook"
    }
    assert count == len(combined) > 0


def test_the_safeguarding_view_lists_every_dsl_flag(school: School) -> None:
    add_flags(school, 120)  # more flags than a page, all more severe than the DSL's
    dsl = school.sign_in("dsl")
    page = dsl.get("/safeguarding").text
    assert f'href="/flags/{school.flags["s1"]}"' in page
    assert page.count('<a href="/flags/') == 1  # only the DSL's


def test_the_flag_page_records_reports_posts_the_reply_and_reopens_for_a_head(
    school: School,
) -> None:
    mod = school.sign_in("mod")
    abuse, complaint = school.flags["a1"], school.flags["c1"]
    page = mod.get(f"/flags/{abuse}").text
    assert "take reports from the comment itself" in page
    message = message_after(
        mod, mod.post(f"/flags/{abuse}/report", to="platform", reference="FB-REF-9")
    )
    assert message == "Recorded: reported to the platform."
    assert "Reported to the platform by <bdi>mod</bdi>" in mod.get(f"/flags/{abuse}").text
    assert "FB-REF-9" in mod.get(f"/flags/{abuse}").text
    message_after(mod, mod.post(f"/flags/{abuse}/decide", verb="confirm"))
    assert 'value="reopen"' not in mod.get(f"/flags/{abuse}").text
    message_after(mod, mod.post(f"/flags/{complaint}/decide", verb="confirm"))
    assert f'action="/flags/{complaint}/reply"' not in mod.get(f"/flags/{complaint}").text
    refused = message_after(mod, mod.post(f"/flags/{complaint}/reply"))
    assert refused.startswith("Refused") and "may not post a complaint reply" in refused

    head = school.sign_in("head")
    assert f'action="/flags/{complaint}/reply"' in head.get(f"/flags/{complaint}").text
    posted = message_after(head, head.post(f"/flags/{complaint}/reply"))
    assert posted == "This source cannot post: post the reply under the comment by hand."
    assert 'value="reopen"' in head.get(f"/flags/{abuse}").text
    reopened = message_after(
        head, head.post(f"/flags/{abuse}/decide", verb="reopen", note="the wrong parent")
    )
    assert "reopened by head" in reopened
    assert flag_row(school.engine, abuse).status is FlagStatus.IN_REVIEW
