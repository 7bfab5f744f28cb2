"""Build the generated school corpus: contrast groups from every family, in every style, with
a blind split by family and by style that training never sees.

The blind split holds out (a) :data:`BLIND_FAMILIES`, a quarter of each category's families,
so the held-out frames are new to the model, and (b) every group written in
:data:`BLIND_STYLE`, so a register the model never read is measured too. The families were
chosen by :func:`ranked_blind_families` (a hash of each family's name) before the first
training run and are pinned here: families written afterwards (``families/more.py``'s second
half, aimed at the functional suite's weak functionalities) always train, so the blind split
never changes under a model.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from scripts.corpus import families as _families  # noqa: F401  (registers the families)
from scripts.corpus import people
from scripts.corpus.styles import STYLES
from scripts.corpus.variant import FAMILIES, Context, Family

#: A register no training comment is written in.
BLIND_STYLE = "shout"
#: The share of each category's families held out (at least one family per category).
BLIND_SHARE = 0.25
SCHOOL = "Harbour View Academy"
ROSTER_SEED = 20261205
DEFAULT_GROUPS = 3000


@dataclass(frozen=True)
class Comment:
    id: str
    group: str
    family: str
    edit: str
    style: str
    text: str
    labels: frozenset[str]
    hide: bool
    unknown: frozenset[str]
    split: str  #: "train" or "blind"


def _rank(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


#: The families held out, chosen by :func:`ranked_blind_families` before the first training run.
BLIND_FAMILIES: frozenset[str] = frozenset(
    {
        "abuse/adjectives",
        "abuse/sarcasm",
        "abuse/you-are",
        "complaint/topic",
        "defamation/hurt-child",
        "defamation/misconduct",
        "everyday/questions",
        "hate/festival",
        "hate/slur-group",
        "obscene/evasive",
        "privacy/expose-pupil",
        "privacy/staff-family",
        "safeguarding/images",
        "sexual/remark",
        "threat/pupil",
        "threat/school",
    }
)


def blind_families() -> frozenset[str]:
    """The families held out (pinned; see :data:`BLIND_FAMILIES`)."""
    return BLIND_FAMILIES


def ranked_blind_families() -> frozenset[str]:
    """Per category, the lowest-ranked quarter of the families (at least one), by name hash."""
    by_category: dict[str, list[Family]] = {}
    for fam in FAMILIES:
        by_category.setdefault(fam.category, []).append(fam)
    held: set[str] = set()
    for fams in by_category.values():
        if len(fams) < 2:
            continue
        count = max(1, round(len(fams) * BLIND_SHARE))
        held.update(f.name for f in sorted(fams, key=lambda f: _rank(f.name))[:count])
    return frozenset(held)


def roster() -> tuple[list[people.Person], list[people.Person]]:
    return people.make_roster(random.Random(ROSTER_SEED))


def roster_toml() -> str:
    staff, pupils = roster()
    return people.roster_toml(SCHOOL, staff, pupils)


def generate(groups: int = DEFAULT_GROUPS, seed: int = 0) -> list[Comment]:
    """About ``groups`` contrast groups (4-5 comments each), deterministic for ``seed``."""
    rng = random.Random(seed)
    staff, pupils = roster()
    ctx = Context(rng, staff, pupils, SCHOOL)
    held = blind_families()
    weights = [f.weight for f in FAMILIES]
    styles = list(STYLES)
    style_weights = [4 if s == "plain" else 2 if s in ("txt", "slang") else 1 for s in styles]
    comments: list[Comment] = []
    seen: set[str] = set()
    for number in range(groups):
        fam = rng.choices(FAMILIES, weights)[0]
        style = rng.choices(styles, style_weights)[0]
        group = f"gen-g{number:05d}"
        split = "blind" if fam.name in held or style == BLIND_STYLE else "train"
        for index, variant in enumerate(fam.make(ctx)):
            if not variant.text:
                continue
            text = " ".join(STYLES[style](variant.text, rng).split())
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            comments.append(
                Comment(
                    f"{group}-{index}",
                    group,
                    fam.name,
                    variant.edit,
                    style,
                    text,
                    variant.labels,
                    variant.hide,
                    variant.unknown,
                    split,
                )
            )
    return comments


def summary(comments: list[Comment]) -> Iterator[str]:
    for split in ("train", "blind"):
        rows = [c for c in comments if c.split == split]
        labels = Counter(label for c in rows for label in c.labels)
        yield (
            f"{split}: {len(rows)} comments, {len({c.group for c in rows})} groups, "
            f"{sum(c.hide for c in rows)} to hide, {sum(not c.labels for c in rows)} clean; "
            + ", ".join(f"{k} {n}" for k, n in sorted(labels.items()))
        )
