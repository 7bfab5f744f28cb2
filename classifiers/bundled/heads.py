"""The trained part of the bundled model: small heads on the frozen sentence embedding.

Two heads read the same standardised embedding ``z = (x - mean) / std``:

* the **label head**, a one-hidden-layer network (``GELU``) giving Detoxify's labels, trained on
  the public datasets with unknown labels masked out of the loss;
* the **category head**, a linear layer giving the school policy categories, trained on
  school-style comments written for the project.

Weights are plain tensors in a safetensors file (no pickle); the layout is checked on load so a
file from another version fails with a clear message rather than a shape error mid-scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from classifiers.errors import ClassifierError

#: The tensors a heads file must hold.
TENSORS: tuple[str, ...] = (
    "embedding.mean",
    "embedding.std",
    "labels.hidden.weight",
    "labels.hidden.bias",
    "labels.output.weight",
    "labels.output.bias",
    "categories.weight",
    "categories.bias",
)


class HeadsError(ClassifierError, ValueError):
    """The heads file is missing tensors or has the wrong shapes."""


@dataclass(frozen=True)
class Heads:
    """The heads' tensors; call :meth:`labels` and :meth:`categories` on embeddings."""

    tensors: dict[str, torch.Tensor]

    @classmethod
    def load(cls, path: Path, dimensions: int, labels: int, categories: int) -> Heads:
        try:
            tensors = load_file(str(path))
        except Exception as exc:  # OSError, or safetensors' own SafetensorError for bad bytes
            raise HeadsError(f"cannot read model heads {path}: {exc}") from exc
        heads = cls({name: tensor.float() for name, tensor in tensors.items()})
        heads.check(dimensions, labels, categories, where=str(path))
        return heads

    def save(self, path: Path, metadata: dict[str, str] | None = None) -> None:
        tensors = {name: tensor.contiguous() for name, tensor in self.tensors.items()}
        save_file(tensors, str(path), metadata=metadata)

    def check(self, dimensions: int, labels: int, categories: int, where: str) -> None:
        missing = sorted(set(TENSORS) - set(self.tensors))
        if missing:
            raise HeadsError(f"{where}: missing tensors {', '.join(missing)}")
        hidden = self.tensors["labels.hidden.weight"].shape[0]
        expected = {
            "embedding.mean": (dimensions,),
            "embedding.std": (dimensions,),
            "labels.hidden.weight": (hidden, dimensions),
            "labels.hidden.bias": (hidden,),
            "labels.output.weight": (labels, hidden),
            "labels.output.bias": (labels,),
            "categories.weight": (categories, dimensions),
            "categories.bias": (categories,),
        }
        for name, shape in expected.items():
            if tuple(self.tensors[name].shape) != shape:
                raise HeadsError(
                    f"{where}: tensor {name} has shape {tuple(self.tensors[name].shape)}, "
                    f"expected {shape}"
                )

    def standardise(self, vectors: torch.Tensor) -> torch.Tensor:
        return (vectors - self.tensors["embedding.mean"]) / self.tensors["embedding.std"]

    def label_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        t = self.tensors
        hidden = torch.nn.functional.gelu(
            self.standardise(vectors) @ t["labels.hidden.weight"].T + t["labels.hidden.bias"]
        )
        return hidden @ t["labels.output.weight"].T + t["labels.output.bias"]

    def category_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        t = self.tensors
        return self.standardise(vectors) @ t["categories.weight"].T + t["categories.bias"]
