"""The school comments the bundled model learns the policy categories from, with their splits.

Four kinds, all labelled by ``docs/labelling-guide.md``:

* the **generated corpus** (``scripts/corpus``): contrast groups from template families, in six
  registers; its blind split holds out a quarter of each category's families and one register;
* **hand-written contrast groups** by three authors in three voices
  (``scripts/data/school_corpus/handwritten_*.jsonl``); a fifth of each author's groups, chosen
  by a hash of the group id, is blind;
* the project's earlier school comments (``scripts/data/school_training.jsonl``) and the sample
  school's (``moderator/settings/sample/comments.jsonl``): training only;
* the shared development comments (``../shared/examples/school_comments_dev.jsonl``), read in
  place when present: training only.

Every comment becomes a :class:`~scripts.training_data.Example` whose categories are all known
(except a variant's ``unknown`` ones), whose Detoxify labels are implied by its categories, and
whose signals come from the kind of edit it is (praise is positive, counter-speech and reports
are ``counter_speech``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from classifiers.textprep import clean_text
from moderator.policy.categories import CATEGORIES
from scripts import training_data as td
from scripts.corpus import build

ROOT = Path(__file__).resolve().parents[1]
HANDWRITTEN_DIR = ROOT / "scripts" / "data" / "school_corpus"
PROJECT_FILE = ROOT / "scripts" / "data" / "school_training.jsonl"
SAMPLE_FILE = ROOT / "moderator" / "settings" / "sample" / "comments.jsonl"
DEV_FILE = "school_comments_dev.jsonl"
#: The earlier blind holdout, now the development set: never trained on, used to check changes.
HOLDOUT_FILE = ROOT / "bench" / "data" / "school_holdout.jsonl"
#: One hand-written group in this many is blind.
HANDWRITTEN_BLIND_EVERY = 5

_TOXIC = frozenset({"abuse", "threat", "hate", "obscene"})
_POSITIVE_EDITS = frozenset({"praise", "idiom"})
_NEGATIVE_EDITS = frozenset({"harmful", "criticism", "sarcasm"})
_COUNTER_EDITS = frozenset({"counter", "report"})


@dataclass(frozen=True)
class SchoolComment:
    id: str
    text: str
    labels: frozenset[str]
    hide: bool
    source: str  #: "generated", "handwritten-<author>", "project", "sample", "dev"
    group: str
    edit: str  #: the contrast edit, "" when unknown
    style: str
    split: str  #: "train" or "blind"
    unknown: frozenset[str] = frozenset()
    family: str = ""

    def example(self) -> td.Example:
        """As a training example: categories, implied labels and signals."""
        categories = {c: float(c in self.labels) for c in CATEGORIES if c not in self.unknown}
        return td.Example(
            clean_text(self.text),
            implied_labels(self),
            "school:" + self.source,
            categories,
            signals(self),
        )


def implied_labels(comment: SchoolComment) -> dict[str, float]:
    """Detoxify labels a school comment's categories imply; unknown where they do not."""
    cats = comment.labels
    clean = not (cats - {"complaint"})
    if clean:
        return dict(td.ALL_ZERO)
    labels = {
        "insult": float("abuse" in cats),
        "threat": float("threat" in cats),
        "identity_attack": float("hate" in cats),
        "sexual_explicit": float("sexual" in cats),
    }
    if "obscene" not in comment.unknown:
        labels["obscene"] = float("obscene" in cats)
    if cats & _TOXIC:
        labels["toxicity"] = 1.0
    return labels


def signals(comment: SchoolComment) -> dict[str, float]:
    if not comment.edit:
        return {}
    out = {"counter_speech": float(comment.edit in _COUNTER_EDITS)}
    if comment.edit in _POSITIVE_EDITS:
        out |= {"positive": 1.0, "negative": 0.0}
    elif comment.edit in _NEGATIVE_EDITS:
        out |= {"positive": 0.0, "negative": 1.0}
    return out


def _blind(group: str) -> bool:
    return int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % HANDWRITTEN_BLIND_EVERY == 0


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, object]]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"{path} line {number}: expected a JSON object")
            yield number, row


def _labels(path: Path, number: int, row: dict[str, object]) -> frozenset[str]:
    labels = frozenset(str(label) for label in row.get("labels", []))  # type: ignore[union-attr]
    unknown = labels - set(CATEGORIES)
    if unknown:
        raise ValueError(f"{path} line {number}: unknown categories {sorted(unknown)}")
    return labels


def _comment(
    path: Path, number: int, row: dict[str, object], source: str, group: str, style: str
) -> SchoolComment:
    return SchoolComment(
        id=str(row.get("id", f"{style}-{number}")),
        text=str(row["text"]),
        labels=_labels(path, number, row),
        hide=bool(row["hide"]),
        source=source,
        group=group,
        edit=str(row.get("edit", "")),
        style=style,
        split="blind" if source.startswith("handwritten-") and _blind(group) else "train",
    )


def handwritten() -> list[SchoolComment]:
    """The hand-written contrast groups; a fifth of each author's groups is blind."""
    rows: list[SchoolComment] = []
    for path in sorted(HANDWRITTEN_DIR.glob("handwritten_*.jsonl")):
        author = path.stem.removeprefix("handwritten_")
        for number, row in _read_jsonl(path):
            group = str(row.get("group") or f"{author}-{number}")
            rows.append(_comment(path, number, row, f"handwritten-{author}", group, author))
    return rows


def earlier(examples_dir: Path | None) -> list[SchoolComment]:
    """The project's earlier comments, the sample school's and the shared development set."""
    files = [(PROJECT_FILE, "project"), (SAMPLE_FILE, "sample")]
    if examples_dir is not None and (examples_dir / DEV_FILE).is_file():
        files.append((examples_dir / DEV_FILE, "dev"))
    return [
        _comment(path, number, row, source, f"{source}-{number}", source)
        for path, source in files
        for number, row in _read_jsonl(path)
    ]


def development() -> list[SchoolComment]:
    """The development set (the earlier holdout): never trained on, read to check changes."""
    return [
        _comment(HOLDOUT_FILE, number, row, "holdout", f"holdout-{number}", "holdout")
        for number, row in _read_jsonl(HOLDOUT_FILE)
    ]


def generated(groups: int = build.DEFAULT_GROUPS, seed: int = 0) -> list[SchoolComment]:
    return [
        SchoolComment(
            id=c.id,
            text=c.text,
            labels=c.labels,
            hide=c.hide,
            source="generated",
            group=c.group,
            edit=c.edit,
            style=c.style,
            split=c.split,
            unknown=c.unknown,
            family=c.family,
        )
        for c in build.generate(groups, seed)
    ]


def load(
    examples_dir: Path | None = None, groups: int = build.DEFAULT_GROUPS
) -> list[SchoolComment]:
    """Every school comment, training and blind."""
    return generated(groups) + handwritten() + earlier(examples_dir)
