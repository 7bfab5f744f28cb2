"""Load the public labelled datasets into one label space for the bundled classifier.

The bundled classifier predicts Detoxify-style probabilities for ``LABELS``. Every public dataset
labels only some of them, so each :class:`Example` carries a *partial* label dict: a label that is
absent is **unknown** and must be masked out of the loss (it is not a negative). Values are 0/1 or a
soft target in [0, 1].

The datasets are read in place from the folder given as ``root`` (``../shared/datasets``); they are
never copied into the project. Text is passed through :func:`clean_text` (also used at inference).

Label mapping (``-`` = unknown, ``all 0`` = every label in ``LABELS`` is 0):

=====================  =====================================  =========================================
dataset (source)       dataset label                          our labels
=====================  =====================================  =========================================
olid                   subtask_a NOT                          all 0 (not offensive: a safe negative)
                       subtask_a OFF                          toxicity 1
                       subtask_b TIN (targeted insult)        insult 1
                       subtask_b UNT (untargeted profanity)   insult 0
                       subtask_c IND / GRP / OTH              - (a target is not an identity attack)
davidson               class 0 hate speech                    toxicity 1, identity_attack 1
                       class 1 offensive                      toxicity 1; identity_attack 0 only if no
                                                              annotator voted hate speech, else -
                       class 2 neither                        all 0
trac1 (train + dev)    OAG openly aggressive                  toxicity 1
                       CAG covertly aggressive                toxicity 0.5 (soft)
                       NAG not aggressive                     all 0
jigsaw_subset          toxic / severe_toxic / obscene /       toxicity / severe_toxicity / obscene /
                       threat / insult / identity_hate        threat / insult / identity_attack (0/1);
                                                              sexual_explicit -
toxic_spans            per comment, over its annotators:      toxicity: majority of voting annotators
(comments.csv +        span types Insult, Profane/Obscene,    (spans or "all toxic" = toxic; "not
annotations.csv +      Identity based Attack, Threat;         toxic" alone = not toxic; both flags and
spans.csv)             "all toxic" / "not toxic" flags        no span = abstain); insult / obscene /
                                                              identity_attack / threat: 1 if more than
                                                              half of all annotators marked a span of
                                                              that type, else 0; severe_toxicity and
                                                              sexual_explicit -. "Other Toxicity"
                                                              feeds toxicity only.
toxic_spans fallback   tsd_train.csv / tsd_trial.csv rows     toxicity 1 (every row is a toxic post)
cyber_trolls           annotation label 1                     toxicity 1
                       annotation label 0                     toxicity 0 (other labels -)
=====================  =====================================  =========================================

``load_toxic_spans`` keeps, by default, only comments whose text is in tsd_train.csv or tsd_trial.csv,
so that the held-back SemEval test posts (which comments.csv may contain) never reach training.

Run ``python scripts/training_data.py ROOT`` for a per-dataset summary of the loaded labels.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.base import LABELS  # one label list for training and inference
from classifiers.textprep import clean_text  # one text preparation for training and inference

ALL_ZERO: dict[str, float] = {label: 0.0 for label in LABELS}
#: The harmful policy categories a public dataset can speak to (defamation, privacy,
#: safeguarding and complaint need a school and its roster: public data never labels them).
PUBLIC_CATEGORIES: tuple[str, ...] = ("abuse", "threat", "hate", "obscene", "sexual")
NO_HARM: dict[str, float] = {category: 0.0 for category in PUBLIC_CATEGORIES}
#: Detoxify label -> the policy category it is evidence for.
LABEL_CATEGORY: dict[str, str] = {
    "insult": "abuse",
    "threat": "threat",
    "identity_attack": "hate",
    "obscene": "obscene",
    "sexual_explicit": "sexual",
}
#: Auxiliary outputs trained beside the labels and categories: a comment that quotes, reports
#: or condemns abuse rather than dealing it out, and the comment's sentiment.
SIGNALS: tuple[str, ...] = ("counter_speech", "positive", "negative")

OLID_FILE = "olid_offenseval2019/olid-training-v1.0.tsv"
DAVIDSON_FILE = "davidson_hate_offensive/labeled_data.csv"
TRAC1_FILES = (
    "trac1_facebook_aggression/agr_en_train.csv",
    "trac1_facebook_aggression/agr_en_dev.csv",
)
JIGSAW_FILE = "jigsaw_toxic_subset_valmljourney/train.csv"
SPANS_DIR = "civil_comments_toxic_spans"
TSD_FILES = ("tsd_train.csv", "tsd_trial.csv")
CYBER_TROLLS_FILE = "cyber_trolls_dataturks/Dataset for Detection of Cyber-Trolls.json"

JIGSAW_COLUMNS: dict[str, str] = {
    "toxic": "toxicity",
    "severe_toxic": "severe_toxicity",
    "obscene": "obscene",
    "threat": "threat",
    "insult": "insult",
    "identity_hate": "identity_attack",
}
SPAN_TYPES: dict[str, str | None] = {
    "Insult": "insult",
    "Profane/Obscene": "obscene",
    "Identity based Attack": "identity_attack",
    "Threat": "threat",
    "Other Toxicity": None,
}
TRAC1_LABELS: dict[str, dict[str, float]] = {
    "OAG": {"toxicity": 1.0},
    "CAG": {"toxicity": 0.5},
    "NAG": dict(ALL_ZERO),
}
TRAC1_ID = re.compile(r"^facebook_corpus_msr_\d+$")
TOXIGEN_FILE = "toxigen_prompts/sentences.jsonl"
HATEVAL_FILES = (
    ("tweeteval_hate/train_text.txt", "tweeteval_hate/train_labels.txt"),
    ("tweeteval_hate/val_text.txt", "tweeteval_hate/val_labels.txt"),
)
SENTIMENT_FILES = (
    ("tweeteval_sentiment/val_text.txt", "tweeteval_sentiment/val_labels.txt"),
    ("tweeteval_sentiment/test_text.txt", "tweeteval_sentiment/test_labels.txt"),
)

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")
_PLACEHOLDER = re.compile(r"(?<![\w@])@user\b|\bhttp\b")


@dataclass(frozen=True)
class Example:
    """One training text with partial targets (an absent key is unknown, never a negative)."""

    text: str
    labels: dict[str, float]  # our label -> 0/1 or soft in [0, 1]; absent label = unknown
    source: str  # dataset name
    #: policy category -> 0/1 (``scripts/school_data.py`` and :func:`derive_categories`)
    categories: dict[str, float] = field(default_factory=dict)
    #: auxiliary signals (``SIGNALS``) -> 0/1
    signals: dict[str, float] = field(default_factory=dict)


@dataclass
class LoadStats:
    """Counts a loader fills in: rows turned into examples and rows skipped as malformed."""

    loaded: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1


# --- text -------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Key for duplicate detection: cleaned, NFKC, case-folded, ``@user``/``http`` and punctuation
    dropped (so retweets and copies with other mentions or links share a key)."""
    text = _PLACEHOLDER.sub(" ", clean_text(text))
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _NON_WORD.sub(" ", text)).strip()


def group_id(example: Example) -> str:
    """Stable fold-group key: duplicates (same normalised text) share it."""
    return hashlib.sha1(normalise(example.text).encode("utf-8")).hexdigest()[:16]


# --- file reading -----------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Decode UTF-8 (BOM tolerated), falling back to latin-1; make every line ending ``\\n``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    """All rows of a CSV/TSV file, header included, blank lines dropped."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=delimiter)
    return [row for row in reader if row]


def read_dict_rows(path: Path, stats: LoadStats, delimiter: str = ",") -> Iterator[dict[str, str]]:
    """Rows as dicts keyed by the header; rows with the wrong field count are skipped."""
    rows = read_rows(path, delimiter)
    if not rows:
        return
    header = rows[0]
    for row in rows[1:]:
        if len(row) != len(header):
            stats.skip("field count")
            continue
        yield dict(zip(header, row, strict=True))


def _make(
    text: str,
    labels: dict[str, float],
    source: str,
    stats: LoadStats,
    categories: dict[str, float] | None = None,
    signals: dict[str, float] | None = None,
) -> Example | None:
    cleaned = clean_text(text)
    if not cleaned:
        stats.skip("empty text")
        return None
    stats.loaded += 1
    return Example(cleaned, labels, source, categories or {}, signals or {})


def _collect(items: Iterable[Example | None]) -> list[Example]:
    return [item for item in items if item is not None]


# --- loaders ----------------------------------------------------------------------------------


def olid_labels(a: str, b: str) -> dict[str, float] | None:
    """OLID subtask_a/b -> our labels (subtask_c is not mapped); None if the row is invalid."""
    if a == "NOT":
        return dict(ALL_ZERO)
    if a != "OFF":
        return None
    labels = {"toxicity": 1.0}
    if b == "TIN":
        labels["insult"] = 1.0
    elif b == "UNT":
        labels["insult"] = 0.0
    return labels


def load_olid(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """OLID (OffensEval 2019) training TSV: id, tweet, subtask_a, subtask_b, subtask_c.

    NOT -> all labels 0; OFF -> toxicity 1; TIN -> insult 1; UNT -> insult 0; subtask_c unmapped.
    """
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for row in read_dict_rows(Path(root) / OLID_FILE, stats, delimiter="\t"):
        labels = olid_labels(row["subtask_a"].strip(), row["subtask_b"].strip())
        if labels is None:
            stats.skip("label")
            continue
        out.append(_make(row["tweet"], labels, "olid", stats))
    return _collect(out)


def davidson_labels(cls: str, hate_votes: int) -> dict[str, float] | None:
    """Davidson class (0 hate, 1 offensive, 2 neither) -> our labels; None if unknown class."""
    if cls == "0":
        return {"toxicity": 1.0, "identity_attack": 1.0}
    if cls == "1":
        labels = {"toxicity": 1.0}
        if hate_votes == 0:
            labels["identity_attack"] = 0.0
        return labels
    if cls == "2":
        return dict(ALL_ZERO)
    return None


def load_davidson(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """Davidson et al. 2017 labeled_data.csv: ,count,hate_speech,offensive_language,neither,class,tweet.

    class 0 hate -> toxicity 1, identity_attack 1; class 1 offensive -> toxicity 1 (identity_attack 0
    when no annotator voted hate, otherwise unknown); class 2 neither -> all labels 0.
    """
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for row in read_dict_rows(Path(root) / DAVIDSON_FILE, stats):
        try:
            hate_votes = int(row["hate_speech"])
        except ValueError:
            stats.skip("vote count")
            continue
        labels = davidson_labels(row["class"].strip(), hate_votes)
        if labels is None:
            stats.skip("label")
            continue
        out.append(_make(row["tweet"], labels, "davidson", stats))
    return _collect(out)


def load_trac1(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """TRAC-1 English Facebook train + dev (no header: id,text,label).

    OAG -> toxicity 1; CAG -> toxicity 0.5 (soft); NAG -> all labels 0. Rows whose id is not
    ``facebook_corpus_msr_<digits>`` (one in train) or with another field count are skipped.
    """
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for name in TRAC1_FILES:
        path = Path(root) / name
        if not path.exists():
            continue
        for row in read_rows(path):
            if len(row) != 3 or not TRAC1_ID.match(row[0].strip()):
                stats.skip("malformed row")
                continue
            labels = TRAC1_LABELS.get(row[2].strip())
            if labels is None:
                stats.skip("label")
                continue
            out.append(_make(row[1], dict(labels), "trac1", stats))
    return _collect(out)


def jigsaw_labels(row: dict[str, str]) -> dict[str, float] | None:
    """Jigsaw 0/1 columns -> our labels; None if a value is not 0 or 1."""
    labels: dict[str, float] = {}
    for column, label in JIGSAW_COLUMNS.items():
        value = row[column].strip()
        if value not in ("0", "1"):
            return None
        labels[label] = float(value)
    return labels


def load_jigsaw_subset(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """Jigsaw 2018 slice train.csv: id, comment_text, toxic, severe_toxic, obscene, threat, insult,
    identity_hate -> toxicity, severe_toxicity, obscene, threat, insult, identity_attack.
    sexual_explicit is unknown.
    """
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for row in read_dict_rows(Path(root) / JIGSAW_FILE, stats):
        labels = jigsaw_labels(row)
        if labels is None:
            stats.skip("label")
            continue
        out.append(_make(row["comment_text"], labels, "jigsaw_subset", stats))
    return _collect(out)


@dataclass
class _CommentVotes:
    annotators: int = 0
    toxic: int = 0
    not_toxic: int = 0
    types: Counter[str] = field(default_factory=Counter)


def _span_types(path: Path, stats: LoadStats) -> dict[str, set[str]]:
    """annotation id -> set of span types it marked (unknown/truncated types are ignored)."""
    types: dict[str, set[str]] = defaultdict(set)
    for row in read_dict_rows(path, stats):
        types[row["annotation"]].add(row["type"].strip())
    return types


def _comment_votes(root: Path, stats: LoadStats) -> dict[str, _CommentVotes]:
    span_types = _span_types(root / "spans.csv", stats)
    votes: dict[str, _CommentVotes] = defaultdict(_CommentVotes)
    for row in read_dict_rows(root / "annotations.csv", stats):
        vote = votes[row["comment_id"]]
        types = span_types.get(row["annotation"], set())
        all_toxic, not_toxic = row["all toxic"] == "True", row["not toxic"] == "True"
        vote.annotators += 1
        vote.types.update(types)
        if types or (all_toxic and not not_toxic):
            vote.toxic += 1
        elif not_toxic and not all_toxic:
            vote.not_toxic += 1
    return votes


def spans_labels(vote: _CommentVotes) -> dict[str, float]:
    """Majority labels for one comment (see the module docstring)."""
    labels: dict[str, float] = {}
    voters = vote.toxic + vote.not_toxic
    if voters:
        labels["toxicity"] = 1.0 if vote.toxic * 2 > voters else 0.0
    for span_type, label in SPAN_TYPES.items():
        if label is not None:
            labels[label] = 1.0 if vote.types[span_type] * 2 > vote.annotators else 0.0
    return labels


def _tsd_texts(root: Path, stats: LoadStats) -> list[str]:
    texts: list[str] = []
    for name in TSD_FILES:
        if (root / name).exists():
            texts.extend(row["text"] for row in read_dict_rows(root / name, stats))
    return texts


def load_toxic_spans(
    root: str | Path, stats: LoadStats | None = None, *, only_tsd_texts: bool = True
) -> list[Example]:
    """Civil Comments toxic spans: comments.csv + annotations.csv + spans.csv, majority per comment.

    See the module docstring for the mapping. With ``only_tsd_texts`` (default) only comments whose
    text is in tsd_train.csv/tsd_trial.csv are kept (keeps the held-back SemEval test posts out).
    Without the annotation files, falls back to tsd_train.csv + tsd_trial.csv with toxicity 1.
    """
    stats = stats if stats is not None else LoadStats()
    folder = Path(root) / SPANS_DIR
    if not all(
        (folder / name).exists() for name in ("comments.csv", "annotations.csv", "spans.csv")
    ):
        return _collect(
            _make(t, {"toxicity": 1.0}, "toxic_spans", stats) for t in _tsd_texts(folder, stats)
        )
    allowed = set(_tsd_texts(folder, LoadStats())) if only_tsd_texts else None
    votes = _comment_votes(folder, stats)
    out: list[Example | None] = []
    for row in read_dict_rows(folder / "comments.csv", stats):
        vote = votes.get(row["comment_id"])
        if vote is None:
            stats.skip("no annotations")
        elif allowed is not None and row["comment_text"] not in allowed:
            stats.skip("not in tsd train/trial")
        else:
            out.append(_make(row["comment_text"], spans_labels(vote), "toxic_spans", stats))
    return _collect(out)


def cyber_trolls_example(line: str, stats: LoadStats) -> Example | None:
    """One JSON line ``{"content": ..., "annotation": {"label": ["0"|"1"]}}`` -> Example."""
    try:
        record = json.loads(line)
        text, label = record["content"], record["annotation"]["label"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        stats.skip("malformed json")
        return None
    if label not in ("0", "1") or not isinstance(text, str):
        stats.skip("label")
        return None
    return _make(text, {"toxicity": float(label)}, "cyber_trolls", stats)


def load_cyber_trolls(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """DataTurks cyber-trolls JSON lines: label 1 -> toxicity 1, 0 -> toxicity 0 (others unknown)."""
    stats = stats if stats is not None else LoadStats()
    lines = read_text(Path(root) / CYBER_TROLLS_FILE).split("\n")
    return _collect(cyber_trolls_example(line, stats) for line in lines if line.strip())


def load_toxigen(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """ToxiGen prompt sentences: ``hate`` (mostly implicit) -> toxicity, identity_attack and the
    ``hate`` category 1; ``neutral`` (incl. supportive statements about the group) -> every label
    and every public harm category 0."""
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for line in read_text(Path(root) / TOXIGEN_FILE).split("\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text, label = record["text"], record["label"]
        except (ValueError, KeyError, TypeError):
            stats.skip("malformed json")
            continue
        if label == "hate":
            labels, categories = {"toxicity": 1.0, "identity_attack": 1.0}, {"hate": 1.0}
        elif label == "neutral":
            labels, categories = dict(ALL_ZERO), dict(NO_HARM)
        else:
            stats.skip("label")
            continue
        out.append(_make(text, labels, "toxigen", stats, categories))
    return _collect(out)


def _paired_lines(
    root: Path, text_file: str, label_file: str, stats: LoadStats
) -> Iterator[tuple[str, str]]:
    """TweetEval's layout: texts one per line in one file, labels one per line in another."""
    texts_path, labels_path = root / text_file, root / label_file
    if not texts_path.exists() or not labels_path.exists():
        return
    texts = read_text(texts_path).split("\n")
    labels = read_text(labels_path).split("\n")
    if texts and not texts[-1]:
        texts.pop()
    if labels and not labels[-1]:
        labels.pop()
    if len(texts) != len(labels):
        stats.skip(f"{text_file}: {len(texts)} texts but {len(labels)} labels")
        return
    yield from zip(texts, (label.strip() for label in labels), strict=True)


def load_hateval(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """HatEval 2019 (TweetEval hate) train + dev: hate against immigrants and women.

    1 -> toxicity, identity_attack and the ``hate`` category 1; 0 -> identity_attack and
    ``hate`` 0 (a tweet that is not hateful may still be offensive: toxicity stays unknown).
    """
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for text_file, label_file in HATEVAL_FILES:
        for text, label in _paired_lines(Path(root), text_file, label_file, stats):
            if label == "1":
                labels, categories = {"toxicity": 1.0, "identity_attack": 1.0}, {"hate": 1.0}
            elif label == "0":
                labels, categories = {"identity_attack": 0.0}, {"hate": 0.0}
            else:
                stats.skip("label")
                continue
            out.append(_make(text, labels, "hateval", stats, categories))
    return _collect(out)


def load_sentiment(root: str | Path, stats: LoadStats | None = None) -> list[Example]:
    """TweetEval sentiment (SemEval-2017): 0 negative, 1 neutral, 2 positive -> the ``positive``
    and ``negative`` signals. Positive and neutral tweets are also taken as not insulting,
    threatening or hateful (``abuse``/``threat``/``hate`` 0): the praise and the plain talk that a
    school's thank-you messages look like. Negative ones teach that negative is not abusive only
    through the school corpus: a negative tweet may be either."""
    stats = stats if stats is not None else LoadStats()
    out: list[Example | None] = []
    for text_file, label_file in SENTIMENT_FILES:
        for text, label in _paired_lines(Path(root), text_file, label_file, stats):
            signals = {
                "0": {"negative": 1.0, "positive": 0.0},
                "1": {"negative": 0.0, "positive": 0.0},
                "2": {"negative": 0.0, "positive": 1.0},
            }.get(label)
            if signals is None:
                stats.skip("label")
                continue
            calm = label != "0"
            labels = {"insult": 0.0, "threat": 0.0, "identity_attack": 0.0} if calm else {}
            categories = {"abuse": 0.0, "threat": 0.0, "hate": 0.0} if calm else {}
            out.append(_make(text, labels, "sentiment", stats, categories, signals))
    return _collect(out)


def derive_categories(example: Example) -> Example:
    """Fill the public harm categories a dataset's labels imply (where a loader set none).

    A label at 1 raises its category (insult -> abuse, identity_attack -> hate, ...); a label at
    0 on a text known not to be toxic lowers it; anything else stays unknown.
    """
    if example.categories:
        return example
    toxic = example.labels.get("toxicity")
    categories: dict[str, float] = {}
    for label, category in LABEL_CATEGORY.items():
        value = example.labels.get(label)
        if value == 1.0:
            categories[category] = 1.0
        elif value == 0.0 and toxic == 0.0:
            categories[category] = 0.0
    return Example(example.text, example.labels, example.source, categories, example.signals)


Loader = Callable[..., list[Example]]
LOADERS: dict[str, Loader] = {
    "olid": load_olid,
    "davidson": load_davidson,
    "trac1": load_trac1,
    "jigsaw_subset": load_jigsaw_subset,
    "toxic_spans": load_toxic_spans,
    "cyber_trolls": load_cyber_trolls,
    "toxigen": load_toxigen,
    "hateval": load_hateval,
    "sentiment": load_sentiment,
}


def load_all(root: str | Path, stats: dict[str, LoadStats] | None = None) -> list[Example]:
    """Every dataset, in ``LOADERS`` order (not deduplicated: see :func:`dedupe`)."""
    examples: list[Example] = []
    for name, loader in LOADERS.items():
        dataset_stats = LoadStats()
        examples.extend(derive_categories(e) for e in loader(root, dataset_stats))
        if stats is not None:
            stats[name] = dataset_stats
    return examples


# --- dedupe -----------------------------------------------------------------------------------


def _mean_per_key(dicts: Iterable[dict[str, float]]) -> dict[str, float]:
    values: dict[str, list[float]] = defaultdict(list)
    for mapping in dicts:
        for key, value in mapping.items():
            values[key].append(value)
    return {key: sum(v) / len(v) for key, v in values.items()}


def merge(group: list[Example]) -> Example:
    """One example for duplicates: per target, the mean over the examples that know it."""
    sources = "+".join(sorted({example.source for example in group}))
    return Example(
        group[0].text,
        _mean_per_key(e.labels for e in group),
        sources,
        _mean_per_key(e.categories for e in group),
        _mean_per_key(e.signals for e in group),
    )


def dedupe(examples: Iterable[Example]) -> list[Example]:
    """Merge examples with the same normalised text (first text kept; conflicting labels averaged)."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        groups[normalise(example.text)].append(example)
    return [merge(group) for group in groups.values()]


# --- summary ----------------------------------------------------------------------------------


def label_counts(examples: list[Example]) -> dict[str, tuple[int, int, int, int]]:
    """label -> (positives == 1, negatives == 0, soft values strictly between, unknown)."""
    counts: dict[str, tuple[int, int, int, int]] = {}
    for label in LABELS:
        known = [e.labels[label] for e in examples if label in e.labels]
        pos, neg = known.count(1.0), known.count(0.0)
        counts[label] = (pos, neg, len(known) - pos - neg, len(examples) - len(known))
    return counts


def summary(root: str | Path) -> str:
    lines: list[str] = []
    everything: list[Example] = []
    for name, loader in LOADERS.items():
        stats = LoadStats()
        examples = loader(root, stats)
        everything.extend(examples)
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(stats.reasons.items()))
        line = f"{name}: loaded {stats.loaded}, skipped {stats.skipped}"
        lines.append(line + (f" ({reasons})" if reasons else ""))
        lines.extend(_count_lines(examples))
    merged = dedupe(everything)
    lines.append(f"all: {len(everything)} examples, {len(merged)} after dedupe")
    lines.extend(_count_lines(merged))
    return "\n".join(lines)


def _count_lines(examples: list[Example]) -> list[str]:
    header = f"  {'label':<16}{'pos':>8}{'neg':>8}{'soft':>8}{'unknown':>9}"
    rows = [
        f"  {k:<16}{p:>8}{n:>8}{s:>8}{u:>9}" for k, (p, n, s, u) in label_counts(examples).items()
    ]
    return [header, *rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", type=Path, help="folder of the public datasets (../shared/datasets)"
    )
    args = parser.parse_args(argv)
    print(summary(args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
