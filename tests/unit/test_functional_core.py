"""The functional suite's core on every commit, with the bundled model as shipped: praise of
named staff is never hidden, identity statements never flag, complaints with strong words are
never hidden, direct threats always recommend the police (``bench/functional.py``)."""

from __future__ import annotations

import pytest

from bench import functional


@pytest.fixture(scope="module")
def core() -> list[tuple[functional.Case, list[str]]]:
    cases = [case for case in functional.load_cases() if case.functionality in functional.CORE]
    decisions = functional.decide(cases)
    return [(case, functional.failures(case, d)) for case, d in zip(cases, decisions, strict=True)]


@pytest.mark.parametrize("functionality", sorted(functional.CORE))
def test_core_functionality_passes_every_case(
    core: list[tuple[functional.Case, list[str]]], functionality: str
) -> None:
    rows = [(case, failed) for case, failed in core if case.functionality == functionality]
    assert len(rows) >= 20
    failed = [f"line {case.line}: {', '.join(why)}: {case.text}" for case, why in rows if why]
    assert not failed, "\n".join(failed)


def test_every_case_is_well_formed() -> None:
    cases = functional.load_cases()
    assert len({case.functionality for case in cases}) >= 30
    assert all(sum(c.functionality == f for c in cases) >= 20 for f in functional.FUNCTIONALITIES)
