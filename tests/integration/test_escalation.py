"""The escalation queue end to end on SQLite and PostgreSQL: scanned comments become flags whose
recommendations climb per poster; people's decisions are checked, recorded and reversible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from moderator.cli import words as cli_words
from moderator.review import cases, claims, decisions, flags, responses, users
from moderator.review.letters import LetterError
from moderator.review.users import UserError
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Action, AuditEvent, Flag, Letter
from tests.brookside import PASSWORD, add_users, brookside, comment, queue, scan
from workqueue.errors import IllegalTransition, NotAllowed, NotFound
from workqueue.ladder import Step

ABUSE = [
    "Mrs Holloway is a useless idiot",
    "Mrs Holloway is a stupid cow, utterly pathetic",
    "Mr Evans is a moron and a disgrace",
    "Mrs Holloway is a pathetic joke of a head, absolute idiot",
]


def audit_count(engine: Engine) -> int:
    with db.session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture
def four(engine: Engine, tmp_path: Path) -> tuple[Engine, config_mod.SchoolConfig]:
    config = brookside(tmp_path, [comment(i + 1, text, day=i + 1) for i, text in enumerate(ABUSE)])
    add_users(engine)
    return engine, config


def test_four_abusive_comments_climb_the_ladder(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    assert [items[f"c{i}"]["step"] for i in range(1, 5)] == [
        "meeting",
        "written_warning",
        "police",
        "police",
    ]
    assert "course of conduct" in items["c4"]["step_reason"]
    assert len({item["case"] for item in items.values()}) == 1


def test_dismissing_an_incident_lowers_the_later_ones(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    outcome = decisions.decide(
        engine, config, items["c2"]["id"], "mod", "dismiss", note="a joke between friends"
    )
    assert "2 other recommendation(s)" in cli_words.outcome(outcome)
    after = queue(engine)
    assert after["c2"]["status"] == "dismissed" and after["c2"]["step"] is None
    assert [after[c]["step"] for c in ("c1", "c3", "c4")] == [
        "meeting",
        "written_warning",
        "police",
    ]
    decisions.decide(engine, config, items["c2"]["id"], "head", "reopen", note="not a joke")
    assert [queue(engine)[f"c{i}"]["step"] for i in range(1, 5)] == [
        "meeting",
        "written_warning",
        "police",
        "police",
    ]


def test_severity_floors_and_complaints(engine: Engine, tmp_path: Path) -> None:
    config = brookside(
        tmp_path,
        [
            comment(1, "I will smash Mr Evans's face in when I see him at the gate", "A"),
            comment(2, "Mr Evans stole money from the PTA fund", "B"),
            comment(3, "The new uniform policy is too expensive and nobody consulted parents", "C"),
        ],
    )
    add_users(engine)
    items = scan(engine, config)
    assert items["c1"]["step"] == "police" and "threat" in items["c1"]["categories"]
    assert items["c2"]["step"] == "legal" and "defamation" in items["c2"]["categories"]
    complaint = items["c3"]
    assert complaint["step"] == "review" and complaint["route"] == "complaints"
    assert not complaint["hide_recommended"] and not complaint["hidden"]
    for step in (Step.HIDE, Step.MEETING, Step.POLICE):
        with pytest.raises(NotAllowed, match="complaint"):
            decisions.decide(engine, config, complaint["id"], "head", "escalate", step=step)
    outcome = decisions.decide(engine, config, complaint["id"], "mod", "confirm")
    with db.session_scope(engine) as session:
        reply = session.get_one(Letter, outcome.letter_id)
        hides = session.scalars(select(Action).where(Action.flag_id == complaint["id"])).all()
    assert reply.kind == "complaint_reply" and "complaints procedure" in reply.text
    assert hides == []  # never hidden
    assert queue(engine)["c3"]["step"] == "review"


def test_illegal_transition_changes_nothing(four: tuple[Engine, Any]) -> None:
    engine, config = four
    flag_id = scan(engine, config)["c1"]["id"]
    decisions.decide(engine, config, flag_id, "mod", "dismiss", note="fine")
    decisions.decide(engine, config, flag_id, "mod", "close")
    before, audits = queue(engine)["c1"], audit_count(engine)
    for verb, step in [
        ("escalate", Step.MEETING),
        ("escalate", Step.HIDE),
        ("escalate", Step.POLICE),
        ("dismiss", None),
        ("confirm", None),
    ]:
        with pytest.raises(IllegalTransition, match=f"flag {flag_id} is closed"):
            decisions.decide(engine, config, flag_id, "head", verb, step=step)
    assert queue(engine)["c1"] == before and audit_count(engine) == audits


def test_a_dismissed_incident_stays_uncounted_once_closed(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    first, second = items["c1"]["id"], items["c2"]["id"]
    decisions.decide(engine, config, first, "mod", "dismiss", note="not abuse")
    with pytest.raises(IllegalTransition, match="reopen it first"):
        decisions.decide(engine, config, first, "mod", "escalate", step=Step.HIDE)
    decisions.decide(engine, config, first, "mod", "close", note="done")
    decisions.decide(engine, config, second, "mod", "dismiss", note="not abuse either")
    after = queue(engine)
    assert [after[c]["step"] for c in ("c3", "c4")] == ["meeting", "written_warning"]
    with db.session_scope(engine) as session:
        view = cases.view(session, config, cases.resolve(session, "Dave Parent")).to_json()
    assert view["incidents"] == 2


def test_a_decision_on_a_stale_reading_is_refused(four: tuple[Engine, Any]) -> None:
    """The head reads a flag at meeting; the admin takes it to legal; the head's written
    warning, decided on what they read, must not go through (nor its letter)."""
    engine, config = four
    flag_id = scan(engine, config)["c3"]["id"]
    decisions.decide(engine, config, flag_id, "mod", "escalate", step=Step.MEETING)
    with db.session_scope(engine) as session:
        flag = session.get_one(Flag, flag_id)
        head = users.acting(session, "head")
        reading = decisions._Deciding(session, config, flag, head, "second incident")
        decisions.decide(engine, config, flag_id, "admin", "escalate", step=Step.LEGAL)
        with pytest.raises(IllegalTransition, match="someone else decided it meanwhile"):
            reading.escalate(Step.WRITTEN_WARNING)
        session.rollback()
    after = queue(engine)["c3"]
    assert after["escalated_step"] == "legal"
    with db.session_scope(engine) as session:
        kinds = session.scalars(select(Letter.kind).where(Letter.flag_id == flag_id)).all()
    assert kinds == ["meeting"]


def test_every_decision_is_audited_with_who_when_what_why(four: tuple[Engine, Any]) -> None:
    engine, config = four
    flag_id = scan(engine, config)["c1"]["id"]
    decisions.decide(engine, config, flag_id, "mod", "confirm", note="clearly abusive")
    decisions.decide(engine, config, flag_id, "mod", "escalate", step=Step.MEETING)
    decisions.decide(engine, config, flag_id, "head", "close", note="met the parent")
    with db.session_scope(engine) as session:
        trail = [event.to_json() for event in flags.history(session, flag_id)]
    decided = [e for e in trail if e["who"] != "system"]
    assert [(e["who"], e["what"]) for e in decided] == [
        ("mod", "confirm"),
        ("mod", "escalate"),
        ("head", "close"),
    ]
    assert decided[0]["why"] == "clearly abusive" and decided[2]["why"] == "met the parent"
    assert "first incident" in decided[1]["why"]  # no note: the recommendation's reasons
    assert all(e["at"] and e["detail"]["from"] and e["detail"]["to"] for e in decided)
    assert decided[1]["detail"] == {
        "from": "confirmed",
        "to": "escalated",
        "role": "moderator",
        "step": "meeting",
    }


def test_roles_and_the_two_person_police_rule(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    c3, c4 = items["c3"]["id"], items["c4"]["id"]
    with pytest.raises(NotAllowed, match="mod \\(moderator\\) may not send a written warning"):
        decisions.decide(engine, config, c3, "mod", "escalate", step=Step.WRITTEN_WARNING)
    assert queue(engine)["c3"]["status"] == "new"
    decisions.decide(engine, config, c4, "mod", "escalate", step=Step.POLICE, note="4th")
    proposed = queue(engine)["c4"]
    assert proposed["status"] == "confirmed" and proposed["awaiting_second_person"] == "police"
    with pytest.raises(NotAllowed, match="second person"):
        decisions.decide(engine, config, c4, "mod", "escalate", step=Step.POLICE)
    with pytest.raises(NotAllowed, match="may not confirm a police referral"):
        decisions.decide(engine, config, c4, "mod2", "escalate", step=Step.POLICE)
    outcome = decisions.decide(engine, config, c4, "head", "escalate", step=Step.POLICE)
    assert "101" in cli_words.outcome(outcome)
    done = queue(engine)["c4"]
    assert done["status"] == "escalated" and done["escalated_step"] == "police"
    assert done["awaiting_second_person"] is None
    with db.session_scope(engine) as session:
        confirmed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "police_referral_confirmed")
        ).one()
    assert confirmed.actor == "head" and confirmed.detail["proposed_by"] == "mod"


def test_the_proposer_may_be_a_head_but_still_needs_a_second(four: tuple[Engine, Any]) -> None:
    engine, config = four
    flag_id = scan(engine, config)["c1"]["id"]
    decisions.decide(engine, config, flag_id, "head", "escalate", step=Step.POLICE)
    with pytest.raises(NotAllowed, match="second person"):
        decisions.decide(engine, config, flag_id, "head", "escalate", step=Step.POLICE)
    decisions.decide(engine, config, flag_id, "dsl", "escalate", step=Step.POLICE)
    assert queue(engine)["c1"]["escalated_step"] == "police"


def test_safeguarding_is_for_the_dsl_only(engine: Engine, tmp_path: Path) -> None:
    text = "my daughter told me she is being hurt at home and is scared to go back"
    config = brookside(tmp_path, [comment(1, text)])
    add_users(engine)
    item = scan(engine, config)["c1"]
    assert item["route"] == "dsl" and not item["hide_recommended"]
    for who in ("mod", "head", "admin"):
        with pytest.raises(NotAllowed, match="Designated Safeguarding Lead"):
            decisions.decide(engine, config, item["id"], who, "confirm")
    assert claims.claim(engine, config, "mod", limit=10) == []
    assert claims.claim(engine, config, "dsl", limit=10) == [item["id"]]
    proposed = decisions.decide(engine, config, item["id"], "dsl", "escalate", step=Step.POLICE)
    assert "a second person (dsl) must confirm it" in cli_words.outcome(proposed)
    with db.session_scope(engine) as session:
        assert [i.id for i in flags.queue(session, hide_dsl=True)] == []


def test_a_safeguarding_flag_is_refused_alike_to_every_other_action(
    engine: Engine, tmp_path: Path
) -> None:
    """Releasing, reporting and replying ask the one visibility check deciding asks: the same
    refusal, naming no text, for everyone without the safeguarding permission; the DSL may."""
    text = "my daughter told me she is being hurt at home and is scared to go back"
    config = brookside(tmp_path, [comment(1, text)])
    add_users(engine)
    flag_id = scan(engine, config)["c1"]["id"]
    attempts = {
        "release": lambda who: decisions.release(engine, config, flag_id, who),
        "report": lambda who: responses.report(engine, config, flag_id, who),
        "reply": lambda who: responses.reply(engine, config, flag_id, who),
    }
    for what, attempt in attempts.items():
        for who in ("mod", "head", "admin"):
            if what == "reply" and who == "mod":
                continue  # a moderator may not reply at all: refused before the flag is read
            with pytest.raises(NotAllowed) as refused:
                attempt(who)
            assert refused.value.code == "dsl_only", (what, who)
            assert "hurt at home" not in str(refused.value)
    assert responses.report(engine, config, flag_id, "dsl").reported_by == "dsl"
    with pytest.raises(NotFound, match="there is no flag 999"):
        responses.report(engine, config, 999, "dsl")


def test_a_claim_keeps_others_off_until_released(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    first = claims.claim(engine, config, "mod")
    # the most severe recommendation first (c3 and c4 both recommend the police), oldest first
    assert first == [items["c3"]["id"]]
    with pytest.raises(IllegalTransition, match="being reviewed by mod"):
        decisions.decide(engine, config, first[0], "mod2", "dismiss")
    assert claims.claim(engine, config, "mod2") == [items["c4"]["id"]]
    with pytest.raises(IllegalTransition, match="being reviewed by mod"):
        decisions.release(engine, config, first[0], "mod2")
    decisions.release(engine, config, first[0], "mod")
    assert claims.claim(engine, config, "mod2") == [items["c3"]["id"]]


def test_dismissing_a_hidden_comment_queues_an_unhide(engine: Engine, tmp_path: Path) -> None:
    config = brookside(tmp_path, [comment(1, ABUSE[0])])
    add_users(engine)
    flag_id = scan(engine, config)["c1"]["id"]
    with db.session_scope(engine) as session:  # as if the platform had confirmed the hide
        action = session.scalars(select(Action).where(Action.flag_id == flag_id)).one()
        action.status = "confirmed"
        session.get_one(Flag, flag_id).hidden = True
    outcome = decisions.decide(engine, config, flag_id, "mod", "dismiss", note="misread")
    assert "unhidden" in cli_words.outcome(outcome)
    with db.session_scope(engine) as session:
        kinds = [
            (a.kind, a.status)
            for a in session.scalars(
                select(Action).where(Action.flag_id == flag_id).order_by(Action.id)
            )
        ]
    assert kinds == [("hide", "confirmed"), ("unhide", "pending")]


def test_manual_hide_is_cancelled_on_dismissal(four: tuple[Engine, Any]) -> None:
    engine, config = four
    flag_id = scan(engine, config)["c1"]["id"]
    decisions.decide(engine, config, flag_id, "mod", "dismiss", note="fine")
    with db.session_scope(engine) as session:
        statuses = session.scalars(select(Action.status).where(Action.flag_id == flag_id)).all()
    assert statuses == ["cancelled"]
    assert not queue(engine)["c1"]["hide_by_hand"]


def test_auto_hide_off_hides_only_when_a_person_confirms(engine: Engine, tmp_path: Path) -> None:
    config = brookside(tmp_path, [comment(1, ABUSE[0])], "\n[escalation]\nauto_hide = false\n")
    add_users(engine)
    flag_id = scan(engine, config)["c1"]["id"]
    with db.session_scope(engine) as session:
        assert session.scalars(select(Action).where(Action.flag_id == flag_id)).all() == []
    outcome = decisions.decide(engine, config, flag_id, "mod", "confirm")
    assert "by hand" in cli_words.outcome(outcome)
    assert queue(engine)["c1"]["hide_by_hand"]


def test_linked_accounts_share_one_ladder(engine: Engine, tmp_path: Path) -> None:
    rows = [
        comment(1, ABUSE[0], "Dave Parent", day=1),
        comment(2, ABUSE[1], "dave_p_1980", day=2),
        comment(3, ABUSE[2], "Dave Parent", day=3),
    ]
    config = brookside(tmp_path, rows)
    add_users(engine)
    items = scan(engine, config)
    assert [items[f"c{i}"]["step"] for i in (1, 2, 3)] == ["meeting", "meeting", "written_warning"]
    with db.session_scope(engine) as session:
        kept = cases.link(session, config, "Dave Parent", "dave_p_1980", "mod", "same person")
        view = cases.view(session, config, kept).to_json()
    assert [items[f"c{i}"]["case"] for i in (1, 3)] == [kept.id, kept.id]
    assert [queue(engine)[f"c{i}"]["step"] for i in (1, 2, 3)] == [
        "meeting",
        "written_warning",
        "police",
    ]
    assert {a["name"] for a in view["accounts"]} == {"Dave Parent", "dave_p_1980"}
    assert view["incidents"] == 3 and view["next_incident_would_recommend"] == "police"
    with db.session_scope(engine) as session:  # the merged name now finds the same case
        assert cases.resolve(session, "dave_p_1980").id == kept.id
        assert cases.resolve(session, str(kept.id)).id == kept.id


def test_two_incidents_against_one_person_are_possible_harassment(
    four: tuple[Engine, Any],
) -> None:
    engine, config = four
    items = scan(engine, config)
    holloway = [items[c] for c in ("c1", "c2", "c4")]
    assert all(item["possible_harassment"] == ["Janet Holloway"] for item in holloway)
    assert items["c3"]["targets"] == ["Gareth Evans"]
    assert items["c3"]["possible_harassment"] == []
    decisions.decide(engine, config, items["c3"]["id"], "mod", "confirm", targets=["Mrs Holloway"])
    with db.session_scope(engine) as session:
        view = cases.view(session, config, cases.resolve(session, "Dave Parent")).to_json()
    assert view["possible_harassment"] == [
        {"target": "Janet Holloway", "flags": sorted(i["id"] for i in items.values())}
    ]


def test_letters_quote_the_comments_and_the_policy(four: tuple[Engine, Any]) -> None:
    engine, config = four
    items = scan(engine, config)
    outcome = decisions.decide(
        engine, config, items["c2"]["id"], "head", "escalate", step=Step.WRITTEN_WARNING
    )
    with db.session_scope(engine) as session:
        letter = session.get_one(Letter, outcome.letter_id)
    assert letter.kind == "written_warning" and letter.created_by == "head"
    assert "Brookside Primary School" in letter.text and "Dear Dave Parent" in letter.text
    assert ABUSE[0] in letter.text and ABUSE[1] in letter.text and ABUSE[2] not in letter.text
    assert "social media policy" in letter.text and "Janet Holloway" in letter.text
    assert letter.flag_ids == [items["c1"]["id"], items["c2"]["id"]]


def test_a_school_template_replaces_ours_and_errors_name_it(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "meeting.txt.j2").write_text(
        "{{ school }} invites {{ poster }} ({{ comments|length }} comment).\n", encoding="utf-8"
    )
    config = brookside(tmp_path, [comment(1, ABUSE[0])], '\n[letters]\ntemplates_dir = "letters"\n')
    add_users(engine)
    flag_id = scan(engine, config)["c1"]["id"]
    outcome = decisions.decide(engine, config, flag_id, "mod", "escalate", step=Step.MEETING)
    with db.session_scope(engine) as session:
        letter = session.get_one(Letter, outcome.letter_id)
    assert letter.text == "Brookside Primary School invites Dave Parent (1 comment).\n"
    (tmp_path / "letters" / "written_warning.txt.j2").write_text(
        "Hello\n{{ pupil_name }}\n", encoding="utf-8"
    )
    with pytest.raises(LetterError, match=r"written_warning\.txt\.j2: 'pupil_name' is undefined"):
        decisions.decide(engine, config, flag_id, "head", "escalate", step=Step.WRITTEN_WARNING)
    assert queue(engine)["c1"]["escalated_step"] == "meeting"  # nothing changed


def test_users(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        user = users.add(session, "jh", "Janet Holloway", "headteacher", PASSWORD)
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with db.session_scope(engine) as session:
        assert users.authenticate(session, "jh", PASSWORD) is not None
        assert users.authenticate(session, "jh", PASSWORD + "x") is None
        assert users.authenticate(session, "nobody", PASSWORD) is None
        for args, message in [
            (("jh", "J", "headteacher", PASSWORD), "already exists"),
            (("x y", "X", "moderator", PASSWORD), "invalid username"),
            (("kim", "Kim", "governor", PASSWORD), "unknown role 'governor'"),
            (("kim", "Kim", "moderator", "short"), "at least 8"),
        ]:
            with pytest.raises(UserError, match=message):
                users.add(session, *args)
    with db.session_scope(engine) as session:
        users.set_active(session, "jh", False)
    with db.session_scope(engine) as session, pytest.raises(UserError, match="disabled"):
        users.acting(session, "jh")
