"""Who a comment names: the school's staff and pupils, by name, alias or title.

Matching is on word boundaries and case-insensitive, so "mrs holloway" and "Mrs Holloway's"
match and "Hollowayfield" does not. Staff are also found by title and surname ("Mr Evans",
"Miss Evans") and pupils by first name and initial ("Oliver B"), even when the config lists no
such alias. A bare pupil first name counts only when written with a capital letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderator.settings.config import Person

_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "sir")


@dataclass(frozen=True)
class Mention:
    """A person named at ``[start, end)`` of the original text."""

    person: Person
    start: int
    end: int


class Roster:
    """Finds mentions of a school's people in comment text."""

    def __init__(self, people: tuple[Person, ...]) -> None:
        self._by_name = {person.name.casefold(): person for person in people}
        self._patterns: list[tuple[Person, re.Pattern[str]]] = []
        for person in people:
            names = sorted(set(_variants(person)), key=len, reverse=True)
            alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
            self._patterns.append(
                (person, re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE))
            )
            if person.kind == "pupil" and " " in person.name:
                first = re.escape(person.name.split()[0])
                self._patterns.append((person, re.compile(rf"(?<![\w]){first}(?![\w])")))

    def mentions(self, text: str) -> list[Mention]:
        """Every mention, longest name first when two overlap, sorted by position."""
        found: list[Mention] = []
        for person, pattern in self._patterns:
            for match in pattern.finditer(text):
                found.append(Mention(person, match.start(), match.end()))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        for mention in found:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def find(self, name: str) -> Person | None:
        """The person whose name (or one of whose names) is exactly ``name``, any case."""
        wanted = " ".join(name.split()).casefold()
        if wanted in self._by_name:
            return self._by_name[wanted]
        for person, _ in self._patterns:
            if any(" ".join(n.split()).casefold() == wanted for n in _variants(person)):
                return person
        return None

    def people(self, text: str) -> list[Person]:
        """The distinct people named, in order of first mention."""
        seen: dict[str, Person] = {}
        for mention in self.mentions(text):
            seen.setdefault(f"{mention.person.kind}:{mention.person.name}", mention.person)
        return list(seen.values())


def _variants(person: Person) -> list[str]:
    names = [person.name, *person.aliases]
    parts = person.name.split()
    if person.kind == "staff" and len(parts) >= 2:
        names += [f"{title} {parts[-1]}" for title in _TITLES]
        names += [f"{title}. {parts[-1]}" for title in _TITLES]
    if person.kind == "pupil" and len(parts) >= 2:
        names.append(f"{parts[0]} {parts[-1][0]}")
    return [n for n in names if n.strip()]
