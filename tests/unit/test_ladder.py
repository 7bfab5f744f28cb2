"""The per-poster ladder rule, roles and harassment: pure logic, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from workqueue import harassment
from workqueue.errors import NotAllowed
from workqueue.ladder import Incident, LadderRule, Step, recommend
from workqueue.roles import DEFAULT_PERMISSIONS, Permissions, Role
from workqueue.states import TRANSITIONS, FlagStatus, can_move, sources_of

DAY = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def abuse(n: int, days: int = 0, **kw: object) -> Incident:
    values: dict[str, object] = {
        "id": n,
        "at": DAY + dt.timedelta(days=days or n),
        "categories": ("abuse",),
        "floor": Step.MEETING,
    }
    values.update(kw)
    return Incident(**values)  # type: ignore[arg-type]


def steps(incidents: list[Incident], rule: LadderRule | None = None) -> list[Step | None]:
    advice = recommend(incidents, rule)
    return [advice[i.id].step for i in incidents]


def test_each_incident_climbs_one_rung_and_stays_at_the_top() -> None:
    five = [abuse(n) for n in range(1, 6)]
    assert steps(five) == [
        Step.MEETING,
        Step.WRITTEN_WARNING,
        Step.POLICE,
        Step.POLICE,
        Step.POLICE,
    ]
    advice = recommend(five)
    assert advice[1].reason == (
        "first incident: hide, report to the platform and invite to a meeting asking for removal"
    )
    assert advice[2].reason == (
        "continuing after a meeting: a written warning asking for removal (blocking may be "
        "proposed); 2nd incident by this poster in 12 months"
    )
    assert advice[3].reason == (
        "continuing after a written warning: a course of conduct (Protection from Harassment "
        "Act 1997); 3rd incident by this poster in 12 months"
    )
    assert advice[5].reason.startswith("continuing after a written warning: a course of conduct")
    assert advice[2].number == 2


def test_legal_advice_is_not_a_rung_of_the_default_climb() -> None:
    climbed = {advice.step for advice in recommend([abuse(n) for n in range(1, 9)]).values()}
    assert Step.LEGAL not in climbed
    assert LadderRule().rungs == (Step.MEETING, Step.WRITTEN_WARNING, Step.POLICE)


def test_a_school_ladder_with_legal_still_reads_in_words() -> None:
    rule = LadderRule(rungs=(Step.MEETING, Step.WRITTEN_WARNING, Step.LEGAL, Step.POLICE))
    advice = recommend([abuse(n) for n in range(1, 5)], rule)
    assert [advice[n].step for n in range(1, 5)] == list(rule.rungs)
    assert advice[3].reason.startswith("continuing after a written warning: take legal advice")
    assert advice[4].reason.startswith("continuing after legal advice: a course of conduct")


def test_order_is_by_posting_time_not_by_id() -> None:
    late, early = abuse(1, days=9), abuse(2, days=1)
    assert recommend([late, early])[2].step is Step.MEETING
    assert recommend([late, early])[1].step is Step.WRITTEN_WARNING


def test_dismissed_incidents_do_not_count() -> None:
    history = [abuse(1), abuse(2, dismissed=True), abuse(3), abuse(4)]
    assert steps(history) == [Step.MEETING, None, Step.WRITTEN_WARNING, Step.POLICE]


@pytest.mark.parametrize(
    ("categories", "floor", "words"),
    [
        (("threat",), Step.POLICE, "a threat of violence"),
        (("hate",), Step.POLICE, "racist, religious, homophobic or disability hate"),
        (("abuse", "sexual", "obscene"), Step.POLICE, "grossly obscene"),
        (("defamation",), Step.LEGAL, "a possibly defamatory allegation"),
    ],
)
def test_content_sets_the_floor_whatever_the_history(
    categories: tuple[str, ...], floor: Step, words: str
) -> None:
    first = abuse(1, categories=categories, floor=floor)
    assert steps([first]) == [floor]
    action = "report to the police" if floor is Step.POLICE else "take legal advice"
    assert recommend([first])[1].reason == f"{words}: {action} whatever the history"
    second = abuse(2, categories=categories, floor=floor)
    assert recommend([abuse(1), second])[2].reason.endswith("(2nd incident by this poster)")


def test_repetition_climbs_past_a_defamation_floor() -> None:
    libel = abuse(3, categories=("defamation",), floor=Step.LEGAL)
    history = [abuse(1), abuse(2), libel]
    assert steps(history) == [Step.MEETING, Step.WRITTEN_WARNING, Step.POLICE]
    assert "continuing after a written warning" in recommend(history)[3].reason
    assert recommend([libel, abuse(4)])[4].step is Step.WRITTEN_WARNING


def test_grooming_goes_to_the_police_and_names_the_dsl() -> None:
    grooming = abuse(1, categories=("sexual", "safeguarding"), floor=Step.POLICE)
    advice = recommend([grooming])[1]
    assert advice.step is Step.POLICE
    assert advice.reason == (
        "a risk to a child, for the Designated Safeguarding Lead: report to the police "
        "whatever the history"
    )


def test_complaints_and_safeguarding_are_not_incidents() -> None:
    complaint = abuse(1, categories=("complaint",), floor=Step.REVIEW)
    worry = abuse(2, categories=("safeguarding",), floor=Step.REVIEW)
    history = [complaint, worry, abuse(3)]
    assert steps(history) == [Step.REVIEW, Step.REVIEW, Step.MEETING]
    assert "complaints procedure" in recommend(history)[1].reason
    assert "Designated Safeguarding Lead" in recommend(history)[2].reason


def test_the_window_forgets_old_incidents() -> None:
    old, recent = abuse(1, days=1), abuse(2, days=400)
    assert steps([old, recent]) == [Step.MEETING, Step.MEETING]
    assert steps([old, recent], LadderRule(window=None)) == [Step.MEETING, Step.WRITTEN_WARNING]
    assert (
        "in 30 days"
        in recommend([abuse(1), abuse(2)], LadderRule(window=dt.timedelta(days=30)))[2].reason
    )


def test_a_school_can_shorten_the_ladder() -> None:
    rule = LadderRule(rungs=(Step.MEETING, Step.POLICE))
    assert steps([abuse(1), abuse(2), abuse(3)], rule) == [Step.MEETING, Step.POLICE, Step.POLICE]
    assert recommend([abuse(1), abuse(2)], rule)[2].reason.startswith(
        "continuing after a meeting: a course of conduct"
    )


def test_permissions_name_who_may() -> None:
    permissions = Permissions()
    permissions.check("kim", Role.HEADTEACHER, "written_warning")
    with pytest.raises(
        NotAllowed,
        match=r"kim \(moderator\) may not take legal advice: that needs one of headteacher, admin",
    ):
        permissions.check("kim", Role.MODERATOR, "legal")
    with pytest.raises(NotAllowed, match="second person"):
        permissions.second_person("kim", "kim")
    permissions.second_person("kim", "lee")
    assert set(DEFAULT_PERMISSIONS["safeguarding"]) == {Role.DSL}


def test_harassment_needs_two_incidents_against_one_person() -> None:
    pairs = [(1, "Mrs Holloway"), (2, "Mr Evans"), (3, "Mrs Holloway"), (3, "Mr Evans")]
    assert harassment.courses_of_conduct(pairs) == {
        "Mr Evans": [2, 3],
        "Mrs Holloway": [1, 3],
    }
    assert harassment.courses_of_conduct([(1, "A"), (1, "A")]) == {}


def test_transition_table_is_closed_and_final_is_final() -> None:
    assert TRANSITIONS[FlagStatus.CLOSED] == frozenset()
    assert can_move(FlagStatus.IN_REVIEW, FlagStatus.HIDDEN)
    assert not can_move(FlagStatus.DISMISSED, FlagStatus.ESCALATED)
    assert sources_of(FlagStatus.IN_REVIEW) == {
        FlagStatus.NEW,
        FlagStatus.HIDDEN,
        FlagStatus.DISMISSED,
        FlagStatus.CONFIRMED,  # reopened by a headteacher, with a note
    }
    assert set(TRANSITIONS) == set(FlagStatus)
