"""The web interface against hostile input and hostile links, on SQLite and PostgreSQL (issue 16):
ids too long for the databases, POSTs on a flag the user may not see, status messages planted
in a URL, a source's javascript: permalink, right-to-left overrides in names and text, the
command line's syntax in web messages, and concurrent sign-ins over real HTTP to the real server.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import claims, decisions, users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import AuditEvent, Comment, CustodyEvent, Flag, Letter, User, WebSession
from moderator.web import sessions, untrusted
from moderator.web.app import MAX_ID, RowId, Settings, create_app
from moderator.web.auth import REFUSED
from tests import browser
from tests.factories import MINIMAL_CONFIG, jsonl
from tests.web_client import Browser as Signed
from workqueue.ladder import Step

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
PASSWORD = "correct horse battery"
CONFIG = MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n'
#: id -> (text, author, permalink_url)
COMMENTS = {
    "a1": (
        "Mrs Holloway is a useless idiot",
        f"{RLO}Dave Parent",
        "javascript:alert(document.cookie)",
    ),
    "a2": (
        f"Mrs Holloway is a useless idiot {RLO}and a liar",
        "Eve Parent",
        "https://www.facebook.com/school/posts/1?comment_id=a2",
    ),
    "a3": ("Mrs Holloway is a useless idiot, honestly", "Fay Parent", "https://evil.example/a3"),
    "t1": ("I will smash the head's face in at the gate", "Xan Poster", None),
    "s1": ("idk who else to tell but ive started cutting again", "Zed Pupil", None),
}
USERS = {"mod": "moderator", "head": "headteacher", "dsl": "dsl"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
STATUS = re.compile(r'<p class="message" role="status">(.*?)</p>', re.DOTALL)
#: Command-line syntax: an option, a backquoted command, a config table.
CLI_SYNTAX = re.compile(r"(^|\s)--[a-z]|`|\bmoderator [a-z]+ [a-z]|\[[a-z_]+\.[a-z_]+\]")


@dataclass
class Site:
    engine: Engine
    config: config_mod.SchoolConfig
    flags: dict[str, int]
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        app = create_app(self.engine, self.config, Settings(secure_cookies=False))
        client = TestClient(app, follow_redirects=False)
        self.clients.append(client)
        return client

    def sign_in(self, username: str) -> Signed:
        client = self.client()
        response = login(client, username, PASSWORD)
        assert response.status_code == 303, response.text
        return Signed(client, csrf(client.get("/").text))


def csrf(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found and found.group(1), "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str, next: str = "/") -> Any:
    token = csrf(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": next},
    )


def status_message(page: str) -> str | None:
    found = STATUS.search(page)
    return html.unescape(found.group(1)) if found else None


def state(engine: Engine) -> tuple[Any, ...]:
    with db.session_scope(engine) as session:
        flags = session.execute(
            select(Flag.id, Flag.status, Flag.claimed_by, Flag.escalated_step).order_by(Flag.id)
        ).all()

        def count(model: Any) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        return tuple(flags), count(AuditEvent), count(CustodyEvent), count(Letter)


@pytest.fixture
def cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    dummy = hasher.hash("not anybody's password")
    monkeypatch.setattr(users, "_HASHER", hasher)
    monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)


@pytest.fixture
def site(engine: Engine, tmp_path: Path, cheap: None) -> Iterator[Site]:
    (tmp_path / "moderator.toml").write_text(CONFIG, encoding="utf-8")
    rows = [
        {
            "id": key,
            "text": text,
            "author": author,
            "created_time": f"2026-10-0{n}T09:00:00+00:00",
            **({"permalink_url": link} if link else {}),
        }
        for n, (key, (text, author, link)) in enumerate(COMMENTS.items(), start=1)
    ]
    (tmp_path / "comments.jsonl").write_text(jsonl(rows), encoding="utf-8")
    config = config_mod.load(tmp_path / "moderator.toml")
    assert scanning.scan(engine, config, classifier_for(config), full=True).errors == []
    with db.session_scope(engine) as session:
        for name, role in USERS.items():
            users.add(session, name, f"{name.title()} {RLO}Person", role, PASSWORD)
        ids = dict(
            session.execute(select(Comment.platform_comment_id, Flag.id).join(Flag.comment)).all()
        )
    assert set(ids) == set(COMMENTS), ids
    with db.session_scope(engine) as session:
        assert session.get_one(Flag, ids["s1"]).route == "dsl"
    built = Site(engine, config, ids)
    yield built
    for client in built.clients:
        client.close()


# -- ids the databases cannot hold ------------------------------------------------------------


def test_ids_that_are_too_long_or_not_numbers_answer_404(site: Site) -> None:
    head = site.sign_in("head")
    before = state(site.engine)
    too_long = ("99999999999999999999", "9223372036854775808", "999999999999999999", "2147483648")
    fullwidth = "\uff11\uff12"  # digits to str.isdigit, not to a database
    for bad in (*too_long, "abc", "1e3", "-1", "12a", "0x10", fullwidth):
        for path in (f"/flags/{bad}", f"/flags/{bad}/capture.png", f"/letters/{bad}"):
            response = head.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("text/html"), path
        for action in ("decide", "release", "export"):
            response = head.post(f"/flags/{bad}/{action}", verb="dismiss")
            assert response.status_code == 404, (bad, action)
    largest = str(MAX_ID)  # the largest id a path may carry (and no flag)
    assert head.get(f"/flags/{largest}").status_code == 404
    assert f"There is no flag {largest} you may see." in head.get(f"/flags/{largest}").text
    assert head.get(f"/flags/{largest}/capture.png").status_code == 404
    assert head.get(f"/letters/{largest}").status_code == 404
    for action in ("decide", "release", "export"):
        assert head.post(f"/flags/{largest}/{action}", verb="dismiss").status_code == 404
    assert state(site.engine) == before


def test_the_id_pattern_takes_exactly_the_numbers_an_id_column_holds() -> None:
    whole = re.compile(rf"{RowId.regex}\Z")
    edges = [0, 1, 9, 10, 99, 10**9 - 1, 10**9, 2 * 10**9, MAX_ID - 1, MAX_ID, MAX_ID + 1]
    for n in [*edges, *range(0, MAX_ID + 10**10, 7_777_777), 10**10, 10**18, 10**20]:
        assert bool(whole.match(str(n))) is (n <= MAX_ID), n
    assert MAX_ID == 2**31 - 1  # PostgreSQL's integer, the id columns' type


# -- a flag the user may not see ---------------------------------------------------------------


def test_posts_on_a_dsl_flag_answer_exactly_as_get_does(site: Site) -> None:
    dsl_flag, missing = site.flags["s1"], max(site.flags.values()) + 100
    claimed = claims.claim(site.engine, site.config, "dsl", 10)  # the DSL is reviewing it
    assert dsl_flag in claimed
    mod = site.sign_in("mod")
    before = state(site.engine)
    shown = mod.get(f"/flags/{dsl_flag}")
    assert shown.status_code == 404
    absent = mod.get(f"/flags/{missing}")
    said = f"There is no flag {dsl_flag} you may see."
    assert said in shown.text
    # nothing to tell them apart but the number asked for (replace it only in the sentence: the
    # same digits may occur in the page's anti-forgery token)
    assert absent.text.replace(f"There is no flag {missing} you may see.", said) == shown.text
    for path, form in [
        ("decide", {"verb": "dismiss"}),
        ("decide", {"verb": "confirm"}),
        ("decide", {"verb": "escalate:police"}),
        ("decide", {"verb": "reopen"}),
        ("decide", {"verb": "nonsense"}),
        ("release", {}),
        ("export", {}),
    ]:
        for flag_id, page in ((dsl_flag, shown), (missing, absent)):
            response = mod.post(f"/flags/{flag_id}/{path}", **form)
            assert response.status_code == 404, (path, form, flag_id)
            assert response.text == page.text, (path, form, flag_id)
    for word in ("cutting", "safeguarding", "Safeguarding", "in review", "dsl", "claimed"):
        assert word not in shown.text
    assert state(site.engine) == before
    assert mod.get("/").status_code == 200 and status_message(mod.get("/").text) is None


# -- status messages ----------------------------------------------------------------------------


def test_status_messages_are_kept_in_the_session_and_shown_once(site: Site) -> None:
    flag = site.flags["a3"]
    planted = "Your session expired: sign in again at evil.example"
    head = site.sign_in("head")
    for path in (
        f"/flags/{flag}?m={planted}",
        f"/?m={planted}",
        f"/flags/{flag}?message={planted}",
    ):
        page = head.get(path)
        assert page.status_code == 200 and planted not in page.text, path
    # nor through sign-in, whatever next= carries
    client = site.client()
    signed = login(client, "mod", PASSWORD, next=f"/flags/{flag}?m={planted}")
    assert signed.status_code == 303
    landed = client.get(signed.headers["location"])
    assert landed.status_code == 200 and planted not in landed.text
    # a decision's message waits in the session, not the URL, for one showing only
    response = head.post(f"/flags/{flag}/decide", verb="confirm")
    assert response.status_code == 303 and response.headers["location"] == f"/flags/{flag}"
    other = site.sign_in("dsl")  # another session sees nothing of it
    assert status_message(other.get(f"/flags/{flag}").text) is None
    message = status_message(head.get(f"/flags/{flag}").text)
    assert message and message.startswith(f"Flag {flag}: confirmed by head")
    assert status_message(head.get(f"/flags/{flag}").text) is None
    with db.session_scope(site.engine) as session:
        assert session.scalars(select(WebSession.flash)).all() == [None, None, None]
    # the queue shows what claiming left for it
    places = [head.post("/claim").headers["location"] for _ in range(4)]
    assert places[:3] != ["/"] * 3 and places[3] == "/"  # three flags the head may claim, then none
    assert "Nothing to claim" in (status_message(head.get("/").text) or "")


# -- the command line's words stay on the command line ------------------------------------------


def test_web_messages_carry_no_command_line_syntax(site: Site) -> None:
    threat, abuse = site.flags["t1"], site.flags["a3"]
    head, mod = site.sign_in("head"), site.sign_in("mod")
    said: list[str] = []

    def decide(who: Signed, flag_id: int, verb: str) -> str:
        response = who.post(f"/flags/{flag_id}/decide", verb=verb)
        assert response.status_code == 303, response.text
        message = status_message(who.get(f"/flags/{flag_id}").text)
        assert message, verb
        said.append(message)
        return message

    proposed = decide(mod, threat, "escalate:police")
    assert "police referral proposed" in proposed and "second person" in proposed
    assert "the headteacher, the Designated Safeguarding Lead or an administrator" in proposed
    assert decide(mod, threat, "escalate:police").startswith("Refused: a police referral needs")
    assert "101" in decide(head, threat, "escalate:police")
    refused = decide(mod, abuse, "escalate:written_warning")
    assert refused == (
        "Refused: you may not send a written warning; that needs the headteacher or an "
        "administrator."
    )
    letter = decide(head, abuse, "escalate:meeting")
    with db.session_scope(site.engine) as session:
        (written,) = session.scalars(select(Letter.id)).all()
    assert f"The letter is written (letter {written})" in letter
    assert "only a dismissed flag" in decide(head, abuse, "reopen")
    for message in said:
        assert not CLI_SYNTAX.search(message), message


# -- links and text from a source ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://evil.example/x",
        "https://www.facebook.com.evil.example/x",
        "https://www.facebook.com@evil.example/x",
        "https://evil.example\\@www.facebook.com/x",
        "https://user:pw@www.facebook.com/x",
        "//www.facebook.com/x",
        "/flags/1",
        "ftp://www.facebook.com/x",
        "https://www.facebook.com:8443/x",
        "https://www.facebook.com/x y",
        "https://www.facebook.com/x\n",
        "https://[::1]/x",
        "",
        None,
    ],
)
def test_a_permalink_off_the_platform_is_no_link(url: str | None) -> None:
    assert untrusted.platform_link(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/school/posts/1?comment_id=2",
        "https://facebook.com/x",
        "https://m.facebook.com/story.php?id=1",
        "http://www.facebook.com/x",
        "https://WWW.FACEBOOK.COM/x",
        "https://www.instagram.com/p/ABC/",
        "https://instagram.com/p/ABC/?c=1",
        "https://www.facebook.com:443/x",
    ],
)
def test_a_permalink_on_the_platform_is_a_link(url: str) -> None:
    assert untrusted.platform_link(url) == url


def test_only_platform_permalinks_become_links(site: Site) -> None:
    head = site.sign_in("head")
    for key in ("a1", "a3"):
        page = head.get(f"/flags/{site.flags[key]}").text
        assert "open on file" not in page and "javascript:" not in page.lower(), key
        assert "evil.example" not in page, key
    page = head.get(f"/flags/{site.flags['a2']}").text
    assert (
        '<a href="https://www.facebook.com/school/posts/1?comment_id=a2" '
        'rel="noreferrer noopener" target="_blank">open on file</a>'
    ) in page


#: What is isolated (or never shown as text): <bdi> elements, FSI ... PDI, attribute values.
ISOLATED = re.compile(r'<bdi>.*?</bdi>|\u2068[^\u2069]*\u2069|="[^"]*"', re.DOTALL)


def assert_isolated(page: str, where: str) -> None:
    """Every right-to-left override shown on the page is inside a <bdi> (or FSI ... PDI)."""
    assert RLO in page, f"{where}: the test expects an override on the page"
    outside = ISOLATED.sub("", page)
    assert RLO not in outside, f"{where}: {outside[max(0, outside.find(RLO) - 80) :][:160]!r}"


def test_names_and_text_with_right_to_left_overrides_are_isolated(site: Site) -> None:
    a1, a2 = site.flags["a1"], site.flags["a2"]
    decisions.decide(
        site.engine, site.config, a1, "head", None, targets=[f"{RLO}Oliver Bennett's mum"]
    )
    decisions.decide(site.engine, site.config, a1, "head", "escalate", step=Step.MEETING)
    head = site.sign_in("head")
    assert login(site.client(), f"{RLO}admin", "wrong password").status_code == 401
    with db.session_scope(site.engine) as session:
        (letter,) = session.scalars(select(Letter)).all()
        assert f"\u2068{COMMENTS['a1'][0]}\u2069" not in letter.text  # a1's text is plain
        mod = session.scalars(select(User.full_name).where(User.username == "mod")).one()
        assert mod == f"Mod {RLO}Person"
    for path in ("/", "/?status=all", f"/flags/{a1}", f"/flags/{a2}", "/audit"):
        page = head.get(path)
        assert page.status_code == 200, path
        assert_isolated(page.text, path)
    queue = head.get("/?status=all").text
    assert f"<bdi>{RLO}Dave Parent</bdi>" in queue
    assert f'<option value="{RLO}Oliver Bennett&#39;s mum" >\u2068{RLO}Oliver' in queue
    decisions.decide(site.engine, site.config, a2, "head", "escalate", step=Step.MEETING)
    with db.session_scope(site.engine) as session:
        quoting = session.scalars(select(Letter).where(Letter.flag_id == a2)).one()
    assert f"\u2068{COMMENTS['a2'][0]}\u2069" in quoting.text  # the letter isolates it too
    assert_isolated(head.get(f"/letters/{quoting.id}").text, "letter")


# -- sign-in over real HTTP ---------------------------------------------------------------------


def sign_in_over_http(base: str, username: str, password: str, address: str) -> httpx.Response:
    """The form, then the post, from ``address`` (any 127.x.y.z is this machine)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(
        base_url=base, transport=transport, follow_redirects=False, timeout=120
    ) as client:
        token = csrf(client.get("/login", headers={"Connection": "close"}).text)
        return client.post(
            "/login",
            data={"csrf_token": token, "username": username, "password": password, "next": "/"},
        )


def test_concurrent_sign_ins_against_the_real_server(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session_scope(site.engine) as session:
        real = session.scalars(select(User.password_hash).where(User.username == "mod")).one()
    checked: list[str] = []
    lock = threading.Lock()
    verify = users.verify_password

    def counted(password: str, stored: str) -> bool:
        with lock:
            checked.append(stored)
        return verify(password, stored)

    monkeypatch.setattr(users, "verify_password", counted)

    def burst(tries: list[tuple[str, str, str]]) -> list[httpx.Response]:
        start = threading.Barrier(len(tries))

        def one(args: tuple[str, str, str]) -> httpx.Response:
            username, password, address = args
            transport = httpx.HTTPTransport(local_address=address)
            with httpx.Client(base_url=base, transport=transport, timeout=120) as client:
                # a fresh connection for the post: the wait may outlast the server's keep-alive
                form = client.get("/login", headers={"Connection": "close"})
                start.wait()
                return client.post(
                    "/login",
                    data={
                        "csrf_token": csrf(form.text),
                        "username": username,
                        "password": password,
                    },
                )

        with ThreadPoolExecutor(len(tries)) as pool:
            return list(pool.map(one, tries))

    with browser.serve(site.engine, site.config, secure_cookies=False) as base:
        # 30 wrong passwords at once from one address: the address throttle lets ten through,
        # the account's count lets five of those be checked, and the account is locked
        answers = burst([("mod", f"wrong {n}", "127.0.0.1") for n in range(30)])
        codes = sorted(r.status_code for r in answers)
        assert codes == [401] * users.ADDRESS_LIMIT + [429] * (30 - users.ADDRESS_LIMIT)
        assert sum(stored == real for stored in checked) == users.LOCK_AFTER
        assert all(REFUSED in r.text for r in answers if r.status_code == 401)
        assert all("Too many failed sign-ins" in r.text for r in answers if r.status_code == 429)
        # from other addresses, a right password inside a batch after the lock is refused
        batch = [("mod", "wrong again", f"127.0.0.{n}") for n in range(2, 8)]
        batch.insert(3, ("mod", PASSWORD, "127.0.0.9"))
        later = burst(batch)
        assert [r.status_code for r in later] == [401] * 7
        assert not any(sessions.COOKIE in r.cookies for r in later)
        assert sum(stored == real for stored in checked) == users.LOCK_AFTER
        # unknown, locked and wrong: the same page, after the same work
        pages = []
        for username in ("nobody", "mod", "head"):
            before = len(checked)
            response = sign_in_over_http(base, username, "not it", "127.0.0.20")
            assert response.status_code == 401 and len(checked) == before + 1
            page = CSRF_FIELD.sub("", response.text)
            pages.append(page.replace(f'value="{username}"', 'value="NAME"'))
        assert pages[0] == pages[1] == pages[2]
        assert sign_in_over_http(base, "head", PASSWORD, "127.0.0.21").status_code == 303
    with db.session_scope(site.engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1  # head's
