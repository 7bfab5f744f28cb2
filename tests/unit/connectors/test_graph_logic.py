"""Graph error kinds, usage headers and the retry policy: pure logic, no network."""

from __future__ import annotations

import random

import pytest

from connectors import graph_errors, graph_usage
from connectors.graph_errors import GraphError, Kind
from connectors.graph_retry import Caller, RetryPolicy
from connectors.graph_usage import Tracker


@pytest.mark.parametrize(
    ("code", "subcode", "action", "kind"),
    [
        (4, None, False, Kind.RATE_LIMIT),
        (17, 2446079, False, Kind.RATE_LIMIT),
        (32, None, False, Kind.RATE_LIMIT),
        (613, None, False, Kind.RATE_LIMIT),
        (80001, None, False, Kind.RATE_LIMIT),
        (80002, None, False, Kind.RATE_LIMIT),
        (190, 463, False, Kind.TOKEN),
        (190, 467, True, Kind.TOKEN),
        (10, None, False, Kind.TOKEN),
        (200, None, False, Kind.TOKEN),  # reading: the token lacks a permission
        (200, None, True, Kind.REFUSED),  # hiding: this comment cannot be hidden
        (100, 33, False, Kind.NOT_FOUND),
        (1, None, False, Kind.TRANSIENT),
        (2, None, False, Kind.TRANSIENT),
        (506, None, False, Kind.INVALID),
    ],
)
def test_errors_are_classified_by_code_not_by_message(
    code: int, subcode: int | None, action: bool, kind: Kind
) -> None:
    body = {"error": {"message": "whatever Meta says today", "code": code, "fbtrace_id": "T1"}}
    if subcode:
        body["error"]["error_subcode"] = subcode
    error = graph_errors.from_body(body, 400, action=action)
    assert error is not None and error.kind is kind
    assert (error.code, error.subcode) == (code, subcode)
    assert "whatever Meta says" not in str(error)  # our words, not theirs
    assert error.reference.startswith(f"Graph error {code}") and "fbtrace_id T1" in error.reference


def test_token_messages_say_what_happened_and_what_to_do() -> None:
    expired = graph_errors.from_body({"error": {"code": 190, "error_subcode": 463}}, 400)
    assert expired is not None and str(expired).startswith("the token has expired; generate a new")
    changed = graph_errors.from_body({"error": {"code": 190, "error_subcode": 460}}, 400)
    assert changed is not None and "password was changed" in str(changed)


def test_bodies_without_a_graph_error() -> None:
    assert graph_errors.from_body({"data": []}, 200) is None
    server = graph_errors.from_body({"data": []}, 503)  # an error status without an error body
    assert server is not None and server.kind is Kind.TRANSIENT
    odd = graph_errors.from_body({"error": "nope"}, 400)
    assert odd is not None and odd.kind is Kind.INVALID
    flagged = graph_errors.from_body({"error": {"code": 9999, "is_transient": True}}, 400)
    assert flagged is not None and flagged.kind is Kind.TRANSIENT


def test_usage_headers_read_the_highest_percentage_and_the_wait_in_minutes() -> None:
    reading = graph_usage.read(
        {
            "X-App-Usage": '{"call_count": 28, "total_time": 25, "total_cputime": 25}',
            "X-Business-Use-Case-Usage": '{"104857600000001": [{"type": "pages", "call_count": 97, '
            '"total_cputime": 23, "total_time": 23, "estimated_time_to_regain_access": 3}]}',
        }
    )
    assert reading.percent == 97 and reading.regain_seconds == 180
    assert graph_usage.read({}).percent is None  # missing: unknown, not zero
    assert graph_usage.read({"x-app-usage": "not json"}).percent is None


class Clock(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def caller(clock: Clock, **policy: float) -> Caller:
    return Caller("src", RetryPolicy(**policy), Tracker(), sleep=clock, rng=random.Random(4))  # type: ignore[arg-type]


def failing(*errors: GraphError):  # type: ignore[no-untyped-def]
    remaining = list(errors)

    def call() -> str:
        if remaining:
            raise remaining.pop(0)
        return "ok"

    return call


def test_rate_limits_back_off_exponentially_with_jitter() -> None:
    clock = Clock()
    limit = GraphError(Kind.RATE_LIMIT, "limited", code=4)
    assert caller(clock, rate_limit_backoff_seconds=10).call(failing(limit, limit, limit)) == "ok"
    for seconds, base in zip(clock, (10, 20, 40), strict=True):
        assert 0.75 * base <= seconds <= 1.25 * base


def test_metas_wait_is_honoured_and_the_budget_is_enforced() -> None:
    clock = Clock()
    asked = GraphError(Kind.RATE_LIMIT, "limited", code=80001, retry_after=120)
    assert caller(clock, max_wait_seconds=1000).call(failing(asked)) == "ok"
    assert 120 <= clock[0] <= 132
    with pytest.raises(GraphError, match="still rate limited after waiting"):
        caller(Clock(), max_wait_seconds=100).call(failing(asked))


def test_temporary_faults_are_retried_a_few_times_then_raised() -> None:
    clock = Clock()
    fault = GraphError(Kind.TRANSIENT, "blip")
    assert caller(clock).call(failing(fault, fault)) == "ok"
    assert len(clock) == 2 and clock[1] > clock[0] * 1.2
    with pytest.raises(GraphError, match="blip"):
        caller(Clock(), transient_retries=2).call(failing(fault, fault, fault))


@pytest.mark.parametrize("kind", [Kind.TOKEN, Kind.NOT_FOUND, Kind.REFUSED, Kind.INVALID])
def test_errors_retrying_cannot_fix_are_raised_at_once(kind: Kind) -> None:
    clock = Clock()
    with pytest.raises(GraphError):
        caller(clock).call(failing(GraphError(kind, "no")))
    assert clock == []
