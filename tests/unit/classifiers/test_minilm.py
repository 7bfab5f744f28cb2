"""Our MiniLM forward pass and tokenisation against transformers' own, on the real weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from classifiers.bundled.encoder import EncoderError, SentenceEncoder, default_encoder_dir
from classifiers.bundled.minilm import EncoderWeightsError, MiniLM

TEXTS = [
    "Mrs Holloway is a jumped up little dictator",
    "Well done Year 6!! 👏",
    "",
    "Ça alors, quelle belle fête de l'école",
    "f a i r w e a t h e r is a p r i c k",
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


def test_tokenisation_matches_transformers(encoder: SentenceEncoder) -> None:
    reference = AutoTokenizer.from_pretrained(default_encoder_dir(), use_fast=True)
    for text in TEXTS:
        ours = encoder.tokenizer.encode(text, add_special_tokens=False).ids
        assert ours == reference(text, add_special_tokens=False)["input_ids"], text


def test_hidden_states_match_transformers(encoder: SentenceEncoder) -> None:
    reference = AutoModel.from_pretrained(default_encoder_dir(), use_safetensors=True).eval()
    windows, _ = encoder.windows(TEXTS)
    width = max(len(w) for w in windows)
    ids = torch.zeros((len(windows), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, window in enumerate(windows):
        ids[row, : len(window)] = torch.tensor(window)
        mask[row, : len(window)] = 1
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        ours = encoder.model.hidden_states(ids, mask)
    assert len(ours) == len(expected.hidden_states) == 7
    real = mask.bool()
    for got, want in zip(ours, expected.hidden_states, strict=True):
        assert torch.allclose(got[real], want[real], atol=1e-4)


def test_not_a_bert_encoder_is_refused(tmp_path: Path) -> None:
    shutil.copy(default_encoder_dir() / "model.safetensors", tmp_path / "model.safetensors")
    config = json.loads((default_encoder_dir() / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps(config | {"model_type": "gpt2"}))
    with pytest.raises(EncoderWeightsError, match="not a BERT encoder"):
        MiniLM(tmp_path)


def test_missing_tokenizer_is_a_clear_error(tmp_path: Path) -> None:
    for name in ("model.safetensors", "config.json"):
        shutil.copy(default_encoder_dir() / name, tmp_path / name)
    with pytest.raises(EncoderError, match="cannot load the encoder"):
        SentenceEncoder(tmp_path)


def test_too_many_positions_are_refused(encoder: SentenceEncoder) -> None:
    ids = torch.zeros((1, 600), dtype=torch.long)
    with pytest.raises(ValueError, match="600 tokens exceed"):
        encoder.model.hidden_states(ids, torch.ones_like(ids))
