"""A BERT-family encoder forward pass in plain torch, for the frozen MiniLM.

The bundled model only ever runs MiniLM forward at inference, with fixed weights (the
installed ones with the fine-tuned adapter merged in). Doing that through
``transformers.AutoModel`` costs about 3.5 seconds of imports and loading per process, which
is most of the start-up of ``moderator classify``; this module does the same arithmetic
(post-LayerNorm BERT: embeddings, then per layer self-attention and a GELU feed-forward, each
with a residual connection and LayerNorm) from the safetensors file in a fraction of that.
``tests/unit/classifiers/test_minilm.py`` checks it against ``transformers`` on real text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch.nn import functional

from classifiers.errors import ClassifierError


class EncoderWeightsError(ClassifierError, ValueError):
    """The encoder directory's config or weights are not a BERT encoder this module can run."""


class MiniLM:
    """The encoder; call :meth:`hidden_states` with token ids and an attention mask."""

    def __init__(
        self,
        directory: Path,
        device: torch.device | None = None,
        patch: Callable[[dict[str, torch.Tensor]], object] | None = None,
    ) -> None:
        """Load the encoder in ``directory``; ``patch`` may change its weights (a fine-tuned
        adapter, :mod:`classifiers.bundled.adapter`) before they are moved to ``device``."""
        try:
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
            tensors = load_file(str(directory / "model.safetensors"))
        except (OSError, ValueError) as exc:
            raise EncoderWeightsError(f"cannot read the encoder in {directory}: {exc}") from exc
        if patch is not None:
            patch(tensors)
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise EncoderWeightsError(f"{directory}/config.json is not a BERT encoder with GELU")
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config["layer_norm_eps"])
        self.max_positions = int(config["max_position_embeddings"])
        device = device or torch.device("cpu")
        self.w = {name: t.float().to(device) for name, t in tensors.items()}
        for index in range(self.layers):
            prefix = f"encoder.layer.{index}.attention.self."
            # one matrix multiply for query, key and value instead of three
            self.w[f"qkv.{index}.weight"] = torch.cat(
                [self.w[prefix + part + ".weight"] for part in ("query", "key", "value")]
            )
            self.w[f"qkv.{index}.bias"] = torch.cat(
                [self.w[prefix + part + ".bias"] for part in ("query", "key", "value")]
            )

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.layer_norm(
            x, (self.hidden,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps
        )

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def hidden_states(self, input_ids: torch.Tensor, mask: torch.Tensor) -> list[torch.Tensor]:
        """The embedding output and every layer's output: ``layers + 1`` tensors (B, L, H)."""
        batch, length = input_ids.shape
        if length > self.max_positions:
            raise ValueError(f"{length} tokens exceed the encoder's {self.max_positions}")
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][input_ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        states = [x]
        keys = mask.bool()[:, None, None, :]  # attend to real tokens only
        head_size = self.hidden // self.heads
        scale = 1.0 / math.sqrt(head_size)
        for index in range(self.layers):
            layer = f"encoder.layer.{index}."
            qkv = self._linear(x, f"qkv.{index}")
            q, k, v = (
                part.view(batch, length, self.heads, head_size).transpose(1, 2)
                for part in qkv.split(self.hidden, dim=-1)
            )
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=keys, scale=scale)
            context = context.transpose(1, 2).reshape(batch, length, self.hidden)
            x = self._norm(
                self._linear(context, layer + "attention.output.dense") + x,
                layer + "attention.output.LayerNorm",
            )
            inner = functional.gelu(self._linear(x, layer + "intermediate.dense"))
            x = self._norm(
                self._linear(inner, layer + "output.dense") + x, layer + "output.LayerNorm"
            )
            states.append(x)
        return states
