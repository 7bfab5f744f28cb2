"""Evaluate the bundled model and the policy on data they never trained on; print the figures
the model card reports.

    python bench/evaluate.py ../shared/datasets [--dev] [--skip-public] [--skip-functional]
        [--json FILE] [--runtime onnx|torch] [--precision int8|fp32]

Every set is decided by the whole pipeline as shipped (the bundled model, the lexicon, the
rules, each school's roster and the default thresholds):

1. **school comments never trained on**, each with its own school's roster:
   * ``dev``: the earlier blind holdout (``bench/data/school_holdout.jsonl``, 90 comments),
     which is now used for development and calibration, so its figures flatter;
   * ``blind-generated``: the generated corpus's blind split (a quarter of each category's
     template families, and every comment in the held-out register);
   * ``blind-<author>``: a fifth of each hand-written author's contrast groups;
   * ``blind-separate``: 200 comments and 30 minimal pairs written separately, by a helper
     without access to the training data (``bench/data/blind_separate/``);
2. **identity sentences**: harmless sentences naming a group, in frames no training template
   uses, and the share flagged;
3. **the functional suite** (``bench/functional.py``): pass rate per functionality;
4. **the public held-out split**: one group in ten of every public dataset, which
   ``scripts/train_bundled.py`` never trains on: per-label ROC AUC and per-dataset macro-F1.

``--dev`` prints only what is used during development (the dev set, the functional suite and
the identity sentences), so the blind sets are read once, for the model card. No comment text
is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import functional  # noqa: E402
from classifiers.base import Classifier  # noqa: E402
from classifiers.bundled import BundledClassifier  # noqa: E402
from moderator.policy.decide import Decision, Policy  # noqa: E402
from moderator.settings import config as config_mod  # noqa: E402
from scripts import school_data as sd  # noqa: E402
from scripts import train_bundled as tb  # noqa: E402
from scripts import training_data as td  # noqa: E402
from scripts.corpus import people, words  # noqa: E402

DATA = ROOT / "bench" / "data"
DEV = DATA / "school_holdout.jsonl"
DEV_CONFIG = DATA / "holdout.toml"
SEPARATE = DATA / "blind_separate"
CORPUS = ROOT / "scripts" / "data" / "school_corpus"


@dataclass(frozen=True)
class Row:
    text: str
    labels: frozenset[str]
    hide: bool


@dataclass
class Tally:
    """Hide, recall and step counts over a set of decided comments."""

    must_hide: int = 0
    hidden_of_must_hide: int = 0
    must_stay: int = 0
    hidden_of_must_stay: int = 0
    harmless: int = 0  #: no label at all
    harmless_flagged: int = 0
    complaints: int = 0
    complaints_hidden: int = 0
    threats: int = 0
    threats_to_police: int = 0
    expected: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)

    def add(self, row: Row, decision: Decision) -> None:
        if row.hide:
            self.must_hide += 1
            self.hidden_of_must_hide += decision.hide
        else:
            self.must_stay += 1
            self.hidden_of_must_stay += decision.hide
        if not row.labels:
            self.harmless += 1
            self.harmless_flagged += bool(decision.categories)
        if "complaint" in row.labels and not row.hide:
            self.complaints += 1
            self.complaints_hidden += decision.hide
        if "threat" in row.labels:
            self.threats += 1
            self.threats_to_police += decision.step is not None and decision.step.value == "police"
        for category in row.labels:
            self.expected[category] += 1
            self.found[category] += category in decision.categories

    def as_dict(self) -> dict[str, object]:
        return {
            "comments": self.must_hide + self.must_stay,
            "must_hide_hidden": _ratio(self.hidden_of_must_hide, self.must_hide),
            "must_stay_hidden": _ratio(self.hidden_of_must_stay, self.must_stay),
            "harmless_flagged": _ratio(self.harmless_flagged, self.harmless),
            "complaints_hidden": [self.complaints_hidden, self.complaints],
            "threats_to_police": _ratio(self.threats_to_police, self.threats),
            "recall": {c: _ratio(self.found[c], n) for c, n in sorted(self.expected.items())},
        }

    def lines(self, title: str) -> list[str]:
        recalls = ", ".join(
            f"{c} {self.found[c] / n:.2f} ({n})" for c, n in sorted(self.expected.items())
        )
        return [
            f"{title}: {self.must_hide + self.must_stay} comments",
            f"  must-hide hidden:  {_share(self.hidden_of_must_hide, self.must_hide)}",
            f"  must-stay hidden:  {_share(self.hidden_of_must_stay, self.must_stay)}",
            f"  harmless flagged:  {_share(self.harmless_flagged, self.harmless)}",
            f"  complaints hidden: {self.complaints_hidden} of {self.complaints}",
            f"  threats to police: {_share(self.threats_to_police, self.threats)}",
            f"  recall: {recalls}",
        ]


def _ratio(part: int, whole: int) -> list[float | int]:
    return [round(part / whole, 4) if whole else 0.0, part, whole]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part} of {whole})" if whole else "n/a"


def _policy(config: Path) -> Policy:
    return Policy.for_school(config_mod.load(config))


def decide_all(classifier: Classifier, policy: Policy, texts: Sequence[str]) -> list[Decision]:
    scores = [s for i in range(0, len(texts), 256) for s in classifier.score(texts[i : i + 256])]
    return [policy.decide(t, s) for t, s in zip(texts, scores, strict=True)]


def tally(classifier: Classifier, config: Path, rows: Sequence[Row]) -> Tally:
    result = Tally()
    for row, decision in zip(
        rows, decide_all(classifier, _policy(config), [r.text for r in rows]), strict=True
    ):
        result.add(row, decision)
    return result


def read_rows(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            rows.append(Row(data["text"], frozenset(data["labels"]), bool(data["hide"])))
    return rows


def school_sets(dev_only: bool) -> list[tuple[str, Path, list[Row]]]:
    """(name, roster config, rows) for each school set."""
    sets = [("dev (earlier holdout, used for calibration)", DEV_CONFIG, read_rows(DEV))]
    if dev_only:
        return sets
    blind = [c for c in sd.generated() if c.split == "blind"]
    sets.append(
        (
            "blind-generated",
            CORPUS / "generated.toml",
            [Row(c.text, c.labels, c.hide) for c in blind],
        )
    )
    for author in sorted({c.source for c in sd.handwritten()}):
        rows = [c for c in sd.handwritten() if c.source == author and c.split == "blind"]
        name = author.removeprefix("handwritten-")
        sets.append(
            (
                f"blind-{name}",
                CORPUS / f"handwritten_{name}.toml",
                [Row(c.text, c.labels, c.hide) for c in rows],
            )
        )
    if (SEPARATE / "comments.jsonl").is_file():
        sets.append(
            ("blind-separate", SEPARATE / "school.toml", read_rows(SEPARATE / "comments.jsonl"))
        )
    return sets


def minimal_pairs(classifier: Classifier) -> tuple[int, int, int, int]:
    """(pairs right on both sides, pairs, harmful sides wrong, harmless sides wrong) for the
    separately written minimal pairs."""
    path = SEPARATE / "pairs.jsonl"
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = [p[side]["text"] for p in pairs for side in ("harmful", "harmless")]
    decisions = decide_all(classifier, _policy(SEPARATE / "school.toml"), texts)
    right = harmful_wrong = harmless_wrong = 0
    for index, pair in enumerate(pairs):
        harmful, harmless = decisions[2 * index], decisions[2 * index + 1]
        want_harmful = set(pair["harmful"]["labels"])
        ok_harmful = harmful.hide == pair["harmful"]["hide"] and bool(
            want_harmful & set(harmful.categories)
        )
        ok_harmless = harmless.hide == pair["harmless"]["hide"] and not (
            set(harmless.categories) - set(pair["harmless"]["labels"]) - {"complaint"}
        )
        right += ok_harmful and ok_harmless
        harmful_wrong += not ok_harmful
        harmless_wrong += not ok_harmless
    return right, len(pairs), harmful_wrong, harmless_wrong


#: Frames for harmless sentences that name a group; no training template uses them.
IDENTITY_FRAMES = (
    "My neighbour {name} is {identity}.",
    "{name}, who is {identity}, runs the breakfast club.",
    "We are a {identity} family and we love this school.",
    "The {identity} parents' group meets on Tuesdays.",
    "{name} is {identity} and a brilliant dad.",
    "Our new teaching assistant is {identity}.",
    "{name} is {identity_a} {kind} friend of ours.",
    "I'm {identity} and my kids go here.",
    "There are a lot of {identity} families in Year 3.",
    "{name} told the class what it is like being {identity}.",
)


def identity_sentences(count: int = 1000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    names = people.FEMALE_FIRST + people.MALE_FIRST
    out = []
    for _ in range(count):
        identity = rng.choice(words.IDENTITIES)
        article = "an" if identity[0].lower() in "aeiou" else "a"
        out.append(
            rng.choice(IDENTITY_FRAMES).format(
                name=rng.choice(names),
                identity=identity,
                identity_a=article,
                kind=rng.choice(("kind", "good", "close", "lovely", "old")),
            )
        )
    return out


def public_lines(
    classifier: BundledClassifier, datasets: Path
) -> tuple[list[str], dict[str, object]]:
    public = td.dedupe(td.load_all(datasets))
    held = [e for e in public if tb.holdout_public(e)]
    report = tb.public_figures(classifier, held)
    out = [f"public held-out split: {len(held):,} examples never trained on"]
    for label, row in report["label_auc"].items():  # type: ignore[attr-defined]
        out.append(
            f"  {label:<16} ROC AUC {row['model']:.3f} (with lexicon {row['with_lexicon']:.3f}), "
            f"{row['positives']:,} positive of {row['examples']:,}"
        )
    for dataset, entry in report["by_dataset"].items():  # type: ignore[attr-defined]
        parts = [
            f"{name} macro-F1 {fig['macro_f1_at_0.5']:.3f} AUC {fig['roc_auc']:.3f}"
            for name, fig in entry.items()
            if isinstance(fig, dict)
        ]
        if parts:
            out.append(f"  {dataset:<14} ({entry['examples']:,}): " + "; ".join(parts))
    return out, report


#: The categories whose default threshold the calibration searches (obscene needs a word to
#: point at anyway; complaint never hides).
CALIBRATED = ("abuse", "threat", "hate", "defamation", "sexual", "privacy", "safeguarding")


def calibrate(classifier: Classifier) -> list[str]:
    """Search one shared threshold for the harmful categories on the development set.

    Goal, in order: no complaint hidden, at most 3% of must-stay comments hidden, at most 2% of
    the identity sentences flagged; then the most must-hide comments hidden; then the highest
    threshold. Only the development set and the identity sentences are read: never a blind set.
    """
    rows = read_rows(DEV)
    dev_scores = classifier.score([r.text for r in rows])
    sentences = identity_sentences()
    sentence_scores = classifier.score(sentences)
    config = config_mod.load(DEV_CONFIG)
    out = []
    best: tuple[tuple[float, ...], float] | None = None
    for step in range(20, 95, 5):
        value = step / 100
        thresholds = {c: value for c in CALIBRATED}
        policy = Policy.for_school(config)
        policy.thresholds.update(thresholds)
        result = Tally()
        for row, score in zip(rows, dev_scores, strict=True):
            result.add(row, policy.decide(row.text, score))
        identity = Policy.for_school(config_mod.load(functional.CONFIG))
        identity.thresholds.update(thresholds)
        flagged = sum(
            bool(identity.decide(t, sc).categories)
            for t, sc in zip(sentences, sentence_scores, strict=True)
        )
        allowed = (
            result.complaints_hidden == 0
            and result.hidden_of_must_stay <= 0.03 * result.must_stay
            and flagged <= 0.02 * len(sentences)
        )
        out.append(
            f"  {value:.2f}: must-hide hidden {_share(result.hidden_of_must_hide, result.must_hide)}, "
            f"must-stay hidden {_share(result.hidden_of_must_stay, result.must_stay)}, complaints "
            f"hidden {result.complaints_hidden}, identity sentences flagged {flagged}"
            f"{'' if allowed else ' (not allowed)'}"
        )
        key = (float(allowed), result.hidden_of_must_hide, value)
        if best is None or key > best[0]:
            best = (key, value)
    assert best is not None
    return [f"calibration on the development set: best shared threshold {best[1]:.2f}", *out]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "datasets", type=Path, nargs="?", default=ROOT.parent / "shared" / "datasets"
    )
    parser.add_argument("--dev", action="store_true", help="development sets only (no blind sets)")
    parser.add_argument("--skip-public", action="store_true")
    parser.add_argument("--skip-functional", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--calibrate", action="store_true", help="only search the default thresholds (dev set)"
    )
    parser.add_argument(
        "--runtime", choices=("onnx", "torch"), help="default: ONNX Runtime on the CPU"
    )
    parser.add_argument("--precision", choices=("int8", "fp32"), default="fp32")
    args = parser.parse_args(argv)
    classifier = BundledClassifier(runtime=args.runtime, precision=args.precision)
    if args.calibrate:
        print("\n".join(calibrate(classifier)))
        return 0
    report: dict[str, object] = {
        "model": classifier.version,
        "runtime": f"{classifier.runtime} {classifier.precision}",
    }
    print(f"bundled model {classifier.version} on {classifier.runtime} ({classifier.precision})")
    for name, config, rows in school_sets(args.dev):
        result = tally(classifier, config, rows)
        report[name] = result.as_dict()
        print("\n".join(result.lines(name)))
    if not args.dev and (SEPARATE / "pairs.jsonl").is_file():
        right, total, harmful_wrong, harmless_wrong = minimal_pairs(classifier)
        report["minimal_pairs"] = [right, total]
        report["minimal_pairs_sides_wrong"] = {"harmful": harmful_wrong, "harmless": harmless_wrong}
        print(
            f"minimal pairs (blind-separate): {right} of {total} right on both sides "
            f"(harmful side wrong in {harmful_wrong}, harmless side wrong in {harmless_wrong})"
        )
    sentences = identity_sentences()
    flagged = sum(
        bool(d.categories) for d in decide_all(classifier, _policy(functional.CONFIG), sentences)
    )
    report["identity_sentences_flagged"] = _ratio(flagged, len(sentences))
    print(f"identity sentences flagged: {_share(flagged, len(sentences))}")
    if not args.skip_functional:
        cases = functional.load_cases()
        summary = functional.summarise(cases, functional.decide(cases, classifier=classifier))
        report["functional"] = summary
        functional._print_report(summary)
    if not args.skip_public and not args.dev:
        lines, public = public_lines(classifier, args.datasets)
        report["public"] = public
        print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
