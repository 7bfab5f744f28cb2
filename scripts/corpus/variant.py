"""A contrast group's variants, and the registry of template families that make them."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from scripts.corpus.people import Person


@dataclass(frozen=True)
class Variant:
    """One comment of a contrast group, before a style is applied."""

    edit: str  #: harmful, praise, criticism, question, negation, counter, report, idiom, ...
    text: str
    labels: frozenset[str] = frozenset()
    hide: bool = False
    #: categories the label does not decide (not trained on either way)
    unknown: frozenset[str] = frozenset()


def v(
    edit: str, text: str, *labels: str, hide: bool | None = None, unknown: tuple[str, ...] = ()
) -> Variant:
    """A variant; ``hide`` defaults to whether any hiding category is among ``labels``."""
    hiding = {"abuse", "threat", "hate", "defamation", "obscene", "sexual", "privacy"}
    return Variant(
        edit,
        text,
        frozenset(labels),
        bool(set(labels) & hiding) if hide is None else hide,
        frozenset(unknown),
    )


@dataclass(frozen=True)
class Context:
    """What a family may draw on: the generator and the school's roster."""

    rng: random.Random
    staff: list[Person]
    pupils: list[Person]
    school: str


Maker = Callable[[Context], list[Variant]]


@dataclass(frozen=True)
class Family:
    name: str  #: e.g. "abuse/insult-noun"
    category: str  #: the harmful category it contrasts (for stratified blind splits)
    make: Maker
    weight: float = 1.0  #: relative number of groups to draw


FAMILIES: list[Family] = []


def family(name: str, category: str, weight: float = 1.0) -> Callable[[Maker], Maker]:
    """Register a template family."""

    def register(make: Maker) -> Maker:
        FAMILIES.append(Family(name, category, make, weight))
        return make

    return register


def cap(text: str) -> str:
    """Upper-case the first letter (templates often start with a role: "the head ...")."""
    return text[:1].upper() + text[1:] if text else text
