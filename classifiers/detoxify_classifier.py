"""The real Detoxify package as a :class:`~classifiers.base.Classifier`.

Loading. With ``checkpoint=None`` this is plain ``detoxify.Detoxify(model)``, which
downloads the release checkpoint and the Hugging Face config (needs internet). Schools
run offline, so production sets ``checkpoint`` (a release ``.ckpt``) and
``huggingface_config_path`` (a directory with ``config.json`` and the tokenizer files).

Pickle. ``detoxify.load_checkpoint`` calls ``torch.load(..., weights_only=False)``, i.e.
full pickle: a crafted checkpoint can run arbitrary code. This module therefore reads the
file itself with ``torch.load(weights_only=True)`` (tensors and plain dicts/lists/strings
only, which is all a Detoxify checkpoint needs) and hands the result to Detoxify's own
``get_model_and_tokenizer`` and ``Detoxify.predict``. A checkpoint holding other pickled
objects is refused unless ``trust_checkpoint=True`` (full pickle: only for files you trust).

Offline. ``get_model_and_tokenizer`` always calls ``config_class.from_pretrained(model_type)``
with the checkpoint's hub name (``bert-base-uncased``...), which goes to the network even
when ``huggingface_config_path`` is given; we point ``model_type`` at that directory instead.
Detoxify's ``predict`` tokenizes with ``truncation=True``, but a local tokenizer config
without ``model_max_length`` means "no limit", so we cap it at the model's position count,
and pre-cut texts to :data:`MAX_CHARS` to bound tokenizer work.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from detoxify import Detoxify
from detoxify.detoxify import get_model_and_tokenizer

from classifiers.base import LABELS, REQUIRED_LABELS, Scores, clamp
from classifiers.errors import ClassifierError
from classifiers.filehash import file_sha256

MODELS: tuple[str, ...] = (
    "original",
    "unbiased",
    "multilingual",
    "original-small",
    "unbiased-small",
)
#: Texts are cut to this many characters before tokenizing (512 tokens need far fewer).
MAX_CHARS = 5000
#: Detoxify's class names (raw checkpoint names and its normalised ones) -> our LABELS.
_LABEL_MAP: dict[str, str] = {label: label for label in LABELS} | {
    "toxic": "toxicity",
    "severe_toxic": "severe_toxicity",
    "identity_hate": "identity_attack",
}


class DetoxifyLoadError(ClassifierError, ValueError):
    """The Detoxify model could not be loaded; the message says what to do."""


class DetoxifyClassifier:
    """Scores texts with a Detoxify model; implements :class:`~classifiers.base.Classifier`."""

    def __init__(
        self,
        model: str = "original",
        checkpoint: Path | None = None,
        huggingface_config_path: Path | None = None,
        device: str = "cpu",
        batch_size: int = 32,
        trust_checkpoint: bool = False,
    ) -> None:
        if model not in MODELS:
            raise DetoxifyLoadError(f"unknown Detoxify model {model!r}; choose one of {MODELS}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.name = f"detoxify:{model}"
        self.version = importlib.metadata.version("detoxify")
        self.batch_size = batch_size
        hf_path = str(huggingface_config_path) if huggingface_config_path is not None else None
        try:
            if checkpoint is None:
                self._detox = Detoxify(model, device=device, huggingface_config_path=hf_path)
            else:
                self._detox = _load(Path(checkpoint), hf_path, device, trust_checkpoint)
                self.version += f"+{file_sha256(Path(checkpoint))[:12]}"
        except DetoxifyLoadError:
            raise
        except Exception as exc:  # torch/transformers raise many types; one clear message
            advice = _advice(model, checkpoint, huggingface_config_path, exc)
            raise DetoxifyLoadError(advice) from exc

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Score ``texts`` in order, ``batch_size`` at a time; one :class:`Scores` per text."""
        results: list[Scores] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [text[:MAX_CHARS] for text in texts[start : start + self.batch_size]]
            raw = self._detox.predict(batch)
            for i in range(len(batch)):
                labels = dict.fromkeys(REQUIRED_LABELS, 0.0)
                for cls, values in raw.items():
                    if cls in _LABEL_MAP:
                        value = values[i] if isinstance(values, list) else values
                        labels[_LABEL_MAP[cls]] = clamp(float(value))
                results.append(Scores(labels=labels))
        return results


def _load(checkpoint: Path, hf_path: str | None, device: str, trust: bool) -> Detoxify:
    """Build a :class:`Detoxify` from a local checkpoint with Detoxify's own model builder."""
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no such checkpoint file: {checkpoint}")
    try:
        loaded: Any = torch.load(checkpoint, map_location="cpu", weights_only=not trust)
    except Exception as exc:  # pickle.UnpicklingError for non-tensor objects
        raise DetoxifyLoadError(
            f"Detoxify checkpoint {checkpoint} holds pickled objects beyond tensors and plain "
            f"data, so it was not loaded ({exc}). Re-save it as "
            "{'config': ..., 'state_dict': ...}, or pass trust_checkpoint=True for a file "
            "you trust."
        ) from exc
    if not isinstance(loaded, dict) or "config" not in loaded or "state_dict" not in loaded:
        raise DetoxifyLoadError(
            f"{checkpoint} is not a Detoxify checkpoint (needs 'config' and 'state_dict')"
        )
    arch = dict(loaded["config"]["arch"]["args"])
    if hf_path is not None:
        arch["model_type"] = hf_path  # keep from_pretrained(model_type) off the network
    model, tokenizer = get_model_and_tokenizer(
        **arch, state_dict=loaded["state_dict"], huggingface_config_path=hf_path
    )
    limit = model.config.max_position_embeddings
    if model.config.model_type in ("roberta", "xlm-roberta"):
        limit -= model.config.pad_token_id + 1  # positions start after the padding index
    tokenizer.model_max_length = min(tokenizer.model_max_length, limit)
    detox = Detoxify.__new__(Detoxify)  # Detoxify.__init__ would torch.load with full pickle
    detox.model, detox.tokenizer, detox.device = model.to(device), tokenizer, device
    detox.class_names = list(loaded["config"]["dataset"]["args"]["classes"])
    return detox


def _advice(model: str, checkpoint: Path | None, hf_path: Path | None, exc: Exception) -> str:
    """A load-failure message naming the files and the fix."""
    where = f"checkpoint {checkpoint}" if checkpoint else "the release checkpoint (download)"
    return (
        f"could not load Detoxify model {model!r} from {where} with huggingface_config_path="
        f"{hf_path}: {type(exc).__name__}: {exc}. This machine may have no internet: download "
        f"the {model!r} release checkpoint and its Hugging Face config/tokenizer files on a "
        "machine with internet, copy them here, and set [classifier] checkpoint = <path to .ckpt> "
        "and huggingface_config_path = <directory with config.json and tokenizer files>."
    )
