"""The functional suite's core on every commit, with the bundled model as shipped: praise of
named staff is never hidden, identity statements never flag, complaints with strong words are
never hidden, direct threats always recommend the police (``bench/functional.py``).

Every expectation of these functionalities must hold, except one: a complaint must never be
hidden, but its being *recognised* as a complaint (routed to the complaints procedure) is
measured by the bench, not required here."""

from __future__ import annotations

import pytest

from bench import functional


@pytest.fixture(scope="module")
def core() -> list[tuple[functional.Case, list[str]]]:
    cases = [case for case in functional.load_cases() if case.functionality in functional.CORE]
    decisions = functional.decide(cases)
    return [(case, functional.failures(case, d)) for case, d in zip(cases, decisions, strict=True)]


#: For these functionalities only the named expectations are required on every commit.
INVARIANT_ONLY = {"F07_complaint_strong_words": ("hide",)}


@pytest.mark.parametrize("functionality", sorted(functional.CORE))
def test_core_functionality_passes_every_case(
    core: list[tuple[functional.Case, list[str]]], functionality: str
) -> None:
    rows = [(case, failed) for case, failed in core if case.functionality == functionality]
    assert len(rows) >= 20
    required = INVARIANT_ONLY.get(functionality)
    if required:
        rows = [(case, [w for w in why if w.split("=")[0] in required]) for case, why in rows]
    failed = [f"line {case.line}: {', '.join(why)}: {case.text}" for case, why in rows if why]
    assert not failed, "\n".join(failed)


def test_every_case_is_well_formed() -> None:
    cases = functional.load_cases()
    assert len({case.functionality for case in cases}) >= 30
    assert all(sum(c.functionality == f for c in cases) >= 20 for f in functional.FUNCTIONALITIES)
