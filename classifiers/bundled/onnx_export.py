"""Build the bundled model's ONNX file: the fine-tuned encoder and the head in one graph.

Input: token-id windows and their attention mask (int64, batch x length). Output: the head's
sigmoid probabilities (float32, batch x outputs): the encoder, the mean pool over the mask
and the head all run inside ONNX Runtime, so classifying needs neither torch nor the base
weights once the file exists.

The file is built from the installed base weights with the artefact's adapter merged in
(:mod:`classifiers.bundled.adapter`), traced by ``torch.onnx.export`` with fixed settings, so
the same inputs and library versions give the same bytes; then, for the int8 variant, ONNX
Runtime's dynamic quantisation turns the encoder's matrix weights into int8 (activations are
quantised per batch at run time). Before a file is kept, its outputs are compared with the
PyTorch path's on a few texts. This module needs torch, onnx and onnxruntime; it runs once per
machine and model (:mod:`classifiers.bundled.onnx_cache`).
"""

from __future__ import annotations

import math
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch.nn import functional

from classifiers.bundled import adapter
from classifiers.errors import ClassifierError

OPSET = 17
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "probabilities"
#: Texts whose outputs the built file must reproduce (fp32 within 1e-4 of PyTorch's).
CHECK_TEXTS = (
    "Mr Hughes is a kind man",
    "you are a useless idiot and everyone knows it",
    "I know where she parks every morning",
    "",
)


class ExportError(ClassifierError, RuntimeError):
    """The ONNX file could not be built, or does not reproduce the PyTorch model."""


class _Network(torch.nn.Module):
    """MiniLM (post-LayerNorm BERT) + mean pool + head, written for export: the weights are
    buffers (so they become initialisers that quantisation can find) and attention is the
    textbook ``softmax(QK^T / sqrt(d) + mask) V``, which ONNX Runtime's optimiser fuses."""

    def __init__(
        self, tensors: dict[str, torch.Tensor], config: dict[str, object], head: adapter.Head
    ) -> None:
        super().__init__()
        self.layers = int(config["num_hidden_layers"])  # type: ignore[call-overload]
        self.heads = int(config["num_attention_heads"])  # type: ignore[call-overload]
        self.hidden = int(config["hidden_size"])  # type: ignore[call-overload]
        self.eps = float(config["layer_norm_eps"])  # type: ignore[arg-type]
        for name, tensor in tensors.items():
            self.register_buffer(name.replace(".", "__"), tensor.float().contiguous())
        for name, tensor in zip(adapter.HEAD_TENSORS, head.tensors(), strict=True):
            self.register_buffer(name.replace(".", "__"), tensor.float().contiguous())

    def _w(self, name: str) -> torch.Tensor:
        tensor: torch.Tensor = getattr(self, name.replace(".", "__"))
        return tensor

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.linear(x, self._w(name + ".weight"), self._w(name + ".bias"))

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.layer_norm(
            x, (self.hidden,), self._w(name + ".weight"), self._w(name + ".bias"), self.eps
        )

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        batch, length = input_ids.shape
        positions = torch.arange(length, dtype=torch.long).unsqueeze(0)
        x = (
            functional.embedding(input_ids, self._w("embeddings.word_embeddings.weight"))
            + functional.embedding(positions, self._w("embeddings.position_embeddings.weight"))
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        mask = attention_mask.to(torch.float32)
        additive = (1.0 - mask)[:, None, None, :] * -10000.0
        size = self.hidden // self.heads
        for index in range(self.layers):
            layer = f"encoder.layer.{index}."

            def split(t: torch.Tensor) -> torch.Tensor:
                return t.view(batch, length, self.heads, size).permute(0, 2, 1, 3)

            q = split(self._linear(x, layer + "attention.self.query"))
            k = split(self._linear(x, layer + "attention.self.key"))
            v = split(self._linear(x, layer + "attention.self.value"))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(size) + additive
            context = torch.matmul(torch.softmax(scores, dim=-1), v)
            context = context.permute(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = self._norm(
                self._linear(context, layer + "attention.output.dense") + x,
                layer + "attention.output.LayerNorm",
            )
            inner = functional.gelu(self._linear(x, layer + "intermediate.dense"))
            x = self._norm(
                self._linear(inner, layer + "output.dense") + x, layer + "output.LayerNorm"
            )
        weights = mask.unsqueeze(-1)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        hidden = functional.gelu(self._linear(pooled, "head.hidden"))
        return torch.sigmoid(self._linear(hidden, "head.output"))


def build(
    encoder_dir: Path,
    artefact_weights: Path,
    scale: float,
    outputs: int,
    target: Path,
    quantise: bool,
) -> dict[str, str]:
    """Write the ONNX file for the base encoder in ``encoder_dir`` with the artefact merged in
    to ``target``: int8 weights when ``quantise``, float32 otherwise. Returns the versions of
    the libraries that built it."""
    import json

    import onnx
    import onnxruntime

    from classifiers.bundled.tokens import DIMENSIONS, TokenWindows, length_batches

    torch.manual_seed(0)
    config = json.loads((encoder_dir / "config.json").read_text(encoding="utf-8"))
    base = load_file(str(encoder_dir / "model.safetensors"))
    tensors = load_file(str(artefact_weights))
    adapter.apply(base, tensors, scale)
    head = adapter.Head.from_tensors(tensors, DIMENSIONS, outputs)
    base = {k: v for k, v in base.items() if k.startswith(("embeddings.", "encoder."))}
    base.pop("embeddings.position_ids", None)
    network = _Network(base, config, head).eval()
    tokens = TokenWindows(encoder_dir)
    windows, _ = tokens.windows(list(CHECK_TEXTS))
    [(_, ids, mask)] = list(length_batches(windows, len(windows), tokens.pad_id))
    with torch.inference_mode():
        expected = network(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    with tempfile.TemporaryDirectory(prefix="moderator-onnx-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        with warnings.catch_warnings():
            # the TorchScript exporter is deprecated in favour of torch.export's, which needs
            # onnxscript and writes graphs ONNX Runtime's fusions do not yet recognise
            warnings.simplefilter("ignore")
            torch.onnx.export(
                network,
                (torch.from_numpy(ids), torch.from_numpy(mask)),
                str(fp32),
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "length"},
                    "attention_mask": {0: "batch", 1: "length"},
                    OUTPUT: {0: "batch"},
                },
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        _check(fp32, ids, mask, expected, tolerance=1e-4)
        if quantise:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantised = Path(tmp) / "int8.onnx"
            quantize_dynamic(
                fp32,
                quantised,
                op_types_to_quantize=["MatMul"],
                weight_type=QuantType.QInt8,
                per_channel=True,
            )
            # int8 moves probabilities by up to a few tenths on single texts (by under 0.01 on
            # average); this only catches a broken file: its quality is measured by
            # bench/evaluate.py and recorded in the model card
            _check(quantised, ids, mask, expected, tolerance=0.35)
            quantised.replace(target)
        else:
            fp32.replace(target)
    return {
        "torch": str(torch.__version__),
        "onnx": str(onnx.__version__),
        "onnxruntime": str(onnxruntime.__version__),
    }


def _check(
    path: Path, ids: np.ndarray, mask: np.ndarray, expected: np.ndarray, tolerance: float
) -> None:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run([OUTPUT], {"input_ids": ids, "attention_mask": mask})[0]
    difference = float(np.abs(got - expected).max())
    if not difference <= tolerance:
        raise ExportError(
            f"the ONNX model differs from the PyTorch model by {difference:.3g} "
            f"(allowed {tolerance:g})"
        )
