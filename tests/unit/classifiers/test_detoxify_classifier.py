"""Unit tests for DetoxifyClassifier, run offline against tiny checkpoints built here.

Each test builds, in ``tmp_path``, a randomly initialised model of the architecture a
Detoxify release uses (BERT, RoBERTa, XLM-R, ALBERT; a few thousand parameters), a Hugging
Face config directory (config.json + tokenizer files) and a Detoxify-format checkpoint
``{"config": {...}, "state_dict": ...}``. The checkpoints name the hub models
(``bert-base-uncased``...) exactly as the release ones do, so a load that tried to reach
the Hub would fail: the network is switched off for the whole module.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is first imported
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import huggingface_hub.constants
import pytest
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers

from classifiers.base import REQUIRED_LABELS, Classifier, Scores
from classifiers.detoxify_classifier import DetoxifyClassifier, DetoxifyLoadError
from moderator.errors import ClassifierError
from moderator.policy import classify
from moderator.settings import config

ORIGINAL_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
UNBIASED_CLASSES = [
    "toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
    "sexual_explicit", "male", "female", "homosexual_gay_or_lesbian", "christian", "jewish",
    "muslim", "black", "white", "psychiatric_or_mental_illness",
]  # fmt: skip
WORDS = ["you", "are", "an", "idiot", "hello", "the", "school", "i", "will", "hurt"]
TINY = {"num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 37}


@dataclass(frozen=True)
class Family:
    """How one Detoxify model type is built: transformers classes, hub name, classes."""

    model_name: str
    tokenizer_name: str
    hub_name: str
    classes: list[str]


FAMILIES = {
    "original": Family(
        "BertForSequenceClassification", "BertTokenizer", "bert-base-uncased", ORIGINAL_CLASSES
    ),
    "unbiased": Family(
        "RobertaForSequenceClassification", "RobertaTokenizer", "roberta-base", UNBIASED_CLASSES
    ),
    "multilingual": Family(
        "XLMRobertaForSequenceClassification",
        "XLMRobertaTokenizer",
        "xlm-roberta-base",
        UNBIASED_CLASSES,
    ),
    "original-small": Family(
        "AlbertForSequenceClassification", "AlbertTokenizer", "albert-base-v2", ORIGINAL_CLASSES
    ),
    "unbiased-small": Family(
        "AlbertForSequenceClassification", "AlbertTokenizer", "albert-base-v2", UNBIASED_CLASSES
    ),
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline mode for the Hub, and any socket connection fails at once."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in unit tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def _bytes_to_unicode() -> list[str]:
    """GPT-2's byte-level alphabet: the 256 symbols a byte-level BPE vocabulary starts from."""
    kept = [*range(33, 127), *range(161, 173), *range(174, 256)]
    extra = [b for b in range(256) if b not in kept]
    return [chr(b) for b in kept] + [chr(256 + n) for n in range(len(extra))]


def _write_tokenizer(family: Family, directory: Path) -> int:
    """Write the tokenizer files for ``family`` into ``directory``; return the vocab size."""
    if family.tokenizer_name == "BertTokenizer":  # WordPiece: vocab.txt
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "##s", "##ing"]
        vocab += list("abcdefghijklmnopqrstuvwxyz")
        (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
        config: dict[str, object] = {"do_lower_case": True}
    elif family.tokenizer_name == "RobertaTokenizer":  # byte-level BPE: vocab.json + merges
        vocab = ["<s>", "<pad>", "</s>", "<unk>", "<mask>", *_bytes_to_unicode()]
        ids = {token: i for i, token in enumerate(vocab)}
        (directory / "vocab.json").write_text(json.dumps(ids), encoding="utf-8")
        (directory / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
        config = {}
    else:  # ALBERT / XLM-R: SentencePiece unigram, as tokenizer.json (spiece.model needs protobuf)
        vocab = ["<pad>", "<unk>", "<s>", "</s>", "[CLS]", "[SEP]", "[MASK]", "<mask>", "▁"]
        vocab += ["▁" + word for word in WORDS] + list("abcdefghijklmnopqrstuvwxyz")
        unigram = models.Unigram([(p, 0.0 if i < 8 else -1.0) for i, p in enumerate(vocab)], 1)
        tokenizer = Tokenizer(unigram)
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        tokenizer.save(str(directory / "tokenizer.json"))
        config = {"unk_token": "<unk>", "pad_token": "<pad>"}
        config |= {"bos_token": "<s>", "eos_token": "</s>"}
        if family.tokenizer_name == "AlbertTokenizer":
            config |= {"cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
        else:
            config |= {"cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>"}
    # No model_max_length, as in many hand-copied configs: the classifier must cap it.
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return len(vocab)


def build_checkpoint(tmp_path: Path, model: str) -> tuple[Path, Path]:
    """Save a tiny ``model``-type Detoxify checkpoint and HF config dir; return both paths."""
    family = FAMILIES[model]
    config_dir = tmp_path / f"{model}-hf"
    config_dir.mkdir()
    vocab_size = _write_tokenizer(family, config_dir)
    model_class = getattr(transformers, family.model_name)
    sizes: dict[str, int] = {"hidden_size": 32, "max_position_embeddings": 40, **TINY}
    if family.model_name.startswith("Albert"):
        sizes["embedding_size"] = 16
    if family.tokenizer_name == "XLMRobertaTokenizer":
        sizes |= {"pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 3}
    config = model_class.config_class(
        vocab_size=vocab_size, num_labels=len(family.classes), **sizes
    )
    config.save_pretrained(config_dir)
    torch.manual_seed(0)
    network = model_class(config)
    checkpoint = tmp_path / f"{model}.ckpt"
    arch = {
        "model_type": family.hub_name,  # as in the release checkpoints: a Hub name
        "model_name": family.model_name,
        "tokenizer_name": family.tokenizer_name,
        "num_classes": len(family.classes),
    }
    detoxify_config = {"arch": {"args": arch}, "dataset": {"args": {"classes": family.classes}}}
    torch.save({"config": detoxify_config, "state_dict": network.state_dict()}, checkpoint)
    return checkpoint, config_dir


def assert_valid(scores: list[Scores], count: int) -> None:
    """``count`` results, each with every required label as a probability."""
    assert len(scores) == count
    for result in scores:
        assert set(REQUIRED_LABELS) <= set(result.labels)
        assert all(0.0 <= value <= 1.0 for value in result.labels.values())


@pytest.mark.parametrize("model", list(FAMILIES))
def test_scores_every_text_with_every_required_label(tmp_path: Path, model: str) -> None:
    checkpoint, config_dir = build_checkpoint(tmp_path, model)
    classifier = DetoxifyClassifier(
        model=model, checkpoint=checkpoint, huggingface_config_path=config_dir, device="cpu"
    )
    assert isinstance(classifier, Classifier)
    texts = [
        "you are an idiot",
        "",
        "x" * 100_000,
        "Tu es un idiot 你好 مرحبا 😀",
        "hello " * 20_000,
    ]
    scores = classifier.score(texts)
    assert_valid(scores, len(texts))
    has_sexual = "sexual_explicit" in FAMILIES[model].classes
    assert all(("sexual_explicit" in result.labels) is has_sexual for result in scores)
    assert not {"male", "black", "toxic", "identity_hate"} & set(scores[0].labels)
    # Order is kept: each text alone gets the score it got in the batch.
    alone = classifier.score([texts[3]])[0]
    assert alone.labels == pytest.approx(scores[3].labels, abs=1e-5)


def test_batches_keep_order_and_match_one_big_batch(tmp_path: Path) -> None:
    checkpoint, config_dir = build_checkpoint(tmp_path, "original")
    texts = ["you", "are an idiot", "", "hello school", "i will hurt you"]
    small = DetoxifyClassifier(
        checkpoint=checkpoint, huggingface_config_path=config_dir, batch_size=2
    ).score(texts)
    big = DetoxifyClassifier(checkpoint=checkpoint, huggingface_config_path=config_dir).score(texts)
    assert_valid(small, 5)
    for one, other in zip(small, big, strict=True):
        assert one.labels == pytest.approx(other.labels, abs=1e-5)
    empty = DetoxifyClassifier(checkpoint=checkpoint, huggingface_config_path=config_dir)
    assert empty.score([]) == []


def test_name_and_version(tmp_path: Path) -> None:
    checkpoint, config_dir = build_checkpoint(tmp_path, "original-small")
    classifier = DetoxifyClassifier(
        model="original-small", checkpoint=checkpoint, huggingface_config_path=config_dir
    )
    digest = hashlib.sha256(checkpoint.read_bytes()).hexdigest()[:12]
    assert classifier.name == "detoxify:original-small"
    assert classifier.version == f"{importlib.metadata.version('detoxify')}+{digest}"


def test_missing_checkpoint_gives_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "toxic_original.ckpt"
    with pytest.raises(DetoxifyLoadError) as caught:
        DetoxifyClassifier(checkpoint=missing, huggingface_config_path=tmp_path)
    message = str(caught.value)
    assert str(missing) in message
    assert "checkpoint =" in message and "huggingface_config_path =" in message
    assert isinstance(caught.value, ValueError)


def test_non_detoxify_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.ckpt"
    torch.save({"weights": torch.zeros(2)}, bogus)
    with pytest.raises(DetoxifyLoadError, match="not a Detoxify checkpoint"):
        DetoxifyClassifier(checkpoint=bogus)
    garbage = tmp_path / "garbage.ckpt"
    garbage.write_bytes(b"not a torch file")
    with pytest.raises(DetoxifyLoadError, match=str(garbage)):
        DetoxifyClassifier(checkpoint=garbage)


class _Payload:
    """Stands in for an arbitrary pickled object (what a malicious checkpoint would carry)."""


def test_pickled_objects_are_refused_unless_trusted(tmp_path: Path) -> None:
    checkpoint, config_dir = build_checkpoint(tmp_path, "original")
    loaded = torch.load(checkpoint, weights_only=True)
    loaded["extra"] = _Payload()
    torch.save(loaded, checkpoint)
    with pytest.raises(DetoxifyLoadError, match="trust_checkpoint=True"):
        DetoxifyClassifier(checkpoint=checkpoint, huggingface_config_path=config_dir)
    trusted = DetoxifyClassifier(
        checkpoint=checkpoint, huggingface_config_path=config_dir, trust_checkpoint=True
    )
    assert_valid(trusted.score(["hello"]), 1)


def test_unknown_model_and_auto_device(tmp_path: Path) -> None:
    with pytest.raises(DetoxifyLoadError, match="unknown Detoxify model"):
        DetoxifyClassifier(model="huge")
    checkpoint, config_dir = build_checkpoint(tmp_path, "original")
    classifier = DetoxifyClassifier(
        checkpoint=checkpoint, huggingface_config_path=config_dir, device="auto"
    )
    assert_valid(classifier.score(["hello"]), 1)


def test_a_school_config_selects_the_detoxify_backend(tmp_path: Path) -> None:
    checkpoint, hf_dir = build_checkpoint(tmp_path, "original")
    path = tmp_path / "moderator.toml"
    path.write_text(
        f'[school]\nname = "T"\n\n[classifier]\nbackend = "detoxify"\nmodel = "original"\n'
        f'checkpoint = "{checkpoint.name}"\nhuggingface_config_path = "{hf_dir.name}"\nbatch_size = 4\n',
        encoding="utf-8",
    )
    classifier = classify.classifier_for(config.load(path))
    assert isinstance(classifier, DetoxifyClassifier) and classifier.name == "detoxify:original"
    assert_valid(classifier.score(["hello", "you idiot"]), 2)


def test_a_missing_checkpoint_is_a_one_line_config_error(tmp_path: Path) -> None:
    path = tmp_path / "moderator.toml"
    path.write_text(
        '[school]\nname = "T"\n\n[classifier]\nbackend = "detoxify"\ncheckpoint = "gone.ckpt"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ClassifierError, match=r"\[classifier\] backend 'detoxify'.*gone\.ckpt"
    ) as error:
        classify.classifier_for(config.load(path))
    assert "\n" not in str(error.value)
