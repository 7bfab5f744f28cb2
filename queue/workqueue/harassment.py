"""Possible harassment: one poster's incidents against one person.

The Protection from Harassment Act 1997 needs a course of conduct, conduct on at least two
occasions (s7(3)); two or more undismissed incidents by one poster naming the same person are
shown to moderators as *possible* harassment, for a person to judge.
"""

from __future__ import annotations

from collections.abc import Iterable

MINIMUM = 2


def courses_of_conduct(
    targeted: Iterable[tuple[int, str]], minimum: int = MINIMUM
) -> dict[str, list[int]]:
    """``{person: [incident ids]}`` for each person named in at least ``minimum`` of the
    ``(incident id, person)`` pairs (one poster's undismissed incidents)."""
    by_person: dict[str, set[int]] = {}
    for incident, person in targeted:
        by_person.setdefault(person, set()).add(incident)
    return {person: sorted(ids) for person, ids in sorted(by_person.items()) if len(ids) >= minimum}
