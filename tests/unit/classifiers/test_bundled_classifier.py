"""The bundled model: the committed artefact on the real MiniLM encoder, and its failure modes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from classifiers.base import LABELS, Classifier
from classifiers.bundled import BundledClassifier, BundledModelError
from classifiers.bundled.classifier import ARTEFACT_DIR
from classifiers.bundled.tokens import MAX_WINDOWS, WINDOW_TOKENS
from moderator.policy.categories import NEVER_FLAG
from moderator.policy.decide import Policy
from moderator.policy.roster import Roster
from moderator.settings import config as config_mod


@pytest.fixture(scope="module")
def bundled() -> BundledClassifier:
    return BundledClassifier()


@pytest.fixture(scope="module")
def policy() -> Policy:
    sample = config_mod.load(config_mod.SAMPLE_CONFIG)
    return Policy(Roster(sample.people), sample.thresholds)


def copy_artefact(tmp_path: Path) -> Path:
    target = tmp_path / "artefact"
    shutil.copytree(ARTEFACT_DIR, target)
    return target


def test_is_a_classifier_with_a_recorded_version(bundled: BundledClassifier) -> None:
    assert isinstance(bundled, Classifier)
    assert bundled.name == "bundled"
    manifest = json.loads((ARTEFACT_DIR / "model.json").read_text())
    assert bundled.version == manifest["version"]


def test_artefact_is_small_and_pickle_free() -> None:
    files = {p.name for p in ARTEFACT_DIR.iterdir()}
    assert {"model.json", "model.safetensors", "MODEL_CARD.md"} <= files
    assert not {p for p in files if p.endswith((".pt", ".pkl", ".ckpt", ".bin"))}
    assert sum(p.stat().st_size for p in ARTEFACT_DIR.iterdir()) < 10_000_000
    tensors = load_file(str(ARTEFACT_DIR / "model.safetensors"))
    assert all(t.dtype == torch.float32 for t in tensors.values())
    assert {name.split(".")[0] for name in tensors} == {"lora", "head"}


def test_the_manifest_names_the_weights_it_ships() -> None:
    import hashlib

    manifest = json.loads((ARTEFACT_DIR / "model.json").read_text())
    digest = hashlib.sha256((ARTEFACT_DIR / "model.safetensors").read_bytes()).hexdigest()
    assert manifest["sha256"] == digest


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 100_000,
        "word " * 20_000,
        "Merci pour le spectacle, c'était magnifique",
        "Wszystkiego najlepszego dla całej klasy",
        "مدرسة رائعة شكرا للمعلمين",
        "学校的音乐会很精彩",
        "👏👏🔥🔥💯",
        "zero\u200bwidth\u200dand\ufeffbom",
        "\x00\x01 control characters \x7f",
        "\ud800 lone surrogate",
    ],
)
def test_any_text_gives_every_label_as_a_probability(bundled: BundledClassifier, text: str) -> None:
    [scores] = bundled.score([text])
    assert set(scores.labels) == set(LABELS)
    assert all(0.0 <= v <= 1.0 for v in scores.labels.values())
    assert all(0.0 <= v <= 1.0 for v in scores.categories.values())


def test_order_and_batch_independence(bundled: BundledClassifier) -> None:
    texts = [
        "you are a pathetic useless idiot",
        "Lovely concert tonight, well done everyone",
        "I will find you after school and hurt you",
        "",
        "Happy Eid to all our families",
    ] * 3
    together = bundled.score(texts)
    alone = [bundled.score([text])[0] for text in texts]
    for a, b in zip(together, alone, strict=True):
        for label in LABELS:
            assert a.labels[label] == pytest.approx(b.labels[label], abs=1e-4)


def test_the_model_ranks_abuse_above_praise(bundled: BundledClassifier) -> None:
    outputs = bundled.probabilities(
        ["you are a disgusting worthless idiot", "thank you for a wonderful school trip"]
    )
    toxicity = LABELS.index("toxicity")
    assert outputs[0, toxicity] > 0.5 > outputs[1, toxicity]


def test_abuse_deep_in_a_long_comment_is_seen(bundled: BundledClassifier) -> None:
    filler = "The school fair raised money for the library and everyone enjoyed it. " * 20
    assert len(bundled.tokens.windows([filler])[0]) > 1  # several windows
    late = filler + "Mrs Hartley is a worthless disgusting idiot and a liar."
    outputs = bundled.probabilities([filler, late])
    abuse = len(bundled.labels) + bundled.categories.index("abuse")
    assert outputs[1, abuse] > outputs[0, abuse] + 0.3


def test_windows_are_capped(bundled: BundledClassifier) -> None:
    windows, owners = bundled.tokens.windows(["word " * 50_000, ""])
    assert owners.count(0) == MAX_WINDOWS and owners.count(1) == 1
    assert max(len(w) for w in windows) == WINDOW_TOKENS + 2


@pytest.mark.parametrize("text", NEVER_FLAG)
def test_identity_terms_and_innocent_words_do_not_flag(
    bundled: BundledClassifier, policy: Policy, text: str
) -> None:
    [scores] = bundled.score([text])
    decision = policy.decide(text, scores)
    assert decision.categories == () and not decision.hide


def test_missing_manifest_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BundledModelError, match=r"model\.json is missing"):
        BundledClassifier(artefact_dir=tmp_path)


def test_wrong_format_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    manifest = json.loads((artefact / "model.json").read_text())
    (artefact / "model.json").write_text(json.dumps(manifest | {"format_version": 99}))
    with pytest.raises(BundledModelError, match="not a version 2"):
        BundledClassifier(artefact_dir=artefact)


def test_an_artefact_for_other_base_weights_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    manifest = json.loads((artefact / "model.json").read_text())
    manifest["encoder"]["sha256"] = "0" * 64
    (artefact / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(
        BundledModelError, match="not the ones the bundled model was fine-tuned from"
    ):
        BundledClassifier(artefact_dir=artefact)


def test_a_head_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    tensors = load_file(str(artefact / "model.safetensors"))
    tensors["head.output.weight"] = torch.zeros(3, 7)
    save_file(tensors, str(artefact / "model.safetensors"))
    with pytest.raises(BundledModelError, match=r"head\.output\.weight has shape"):
        BundledClassifier(artefact_dir=artefact)


def test_an_adapter_for_another_encoder_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    tensors = load_file(str(artefact / "model.safetensors"))
    tensors["lora.encoder.layer.9.attention.self.query.weight.A"] = torch.zeros(4, 384)
    tensors["lora.encoder.layer.9.attention.self.query.weight.B"] = torch.zeros(384, 4)
    save_file(tensors, str(artefact / "model.safetensors"))
    with pytest.raises(BundledModelError, match=r"has no weight encoder\.layer\.9"):
        BundledClassifier(artefact_dir=artefact)


def test_corrupt_weights_file_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    (artefact / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(BundledModelError, match="cannot read the bundled model"):
        BundledClassifier(artefact_dir=artefact)


def test_windows_pool_per_text_and_signals_follow_the_most_harmful_window() -> None:
    from classifiers.bundled.classifier import _pool_windows

    # columns: two harm outputs, then one signal
    rows = np.array([[0.1, 0.2, 0.9], [0.8, 0.1, 0.05], [0.3, 0.3, 0.4]], dtype=np.float32)
    out = _pool_windows(rows, np.array([0, 0, 1]), 2, signals=1)
    assert np.allclose(out, [[0.8, 0.2, 0.05], [0.3, 0.3, 0.4]])


@pytest.mark.parametrize(
    "text",
    [
        "Ça alors, quelle belle fête de l'école !",
        "Vielen Dank für das wunderbare Konzert gestern",
        "学校的音乐会很精彩",
    ],
)
def test_comments_in_other_languages_get_no_model_scores(
    bundled: BundledClassifier, text: str
) -> None:
    assert not bundled.probabilities([text]).any()


@pytest.mark.parametrize(
    ("harmful", "harmless"),
    [
        ("Mrs Mistry is a useless lazy cow", "Mrs Mistry is a kind and patient woman"),
        ("Mr Asante is a disgusting idiot", "Mr Asante is a legend"),
        ("all muslims are terrorists, keep them out", "Happy Eid to all our Muslim families"),
        ("I'm going to stab Mr Fairweather after school", "The choir killed it on stage tonight"),
    ],
)
def test_the_same_frame_is_judged_by_what_it_says(
    bundled: BundledClassifier, policy: Policy, harmful: str, harmless: str
) -> None:
    bad, good = bundled.score([harmful, harmless])
    assert policy.decide(harmful, bad).hide, harmful
    assert policy.decide(harmless, good).categories == (), harmless


def test_every_raised_category_points_at_text(bundled: BundledClassifier, policy: Policy) -> None:
    sample = config_mod.SAMPLE_CONFIG.parent / "comments.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    texts = [row["text"] for row in rows] + ["Mr Asante would look better with a few broken ribs"]
    for text, scores in zip(texts, bundled.score(texts), strict=True):
        decision = policy.decide(text, scores)
        assert set(decision.categories) <= {category for _, _, category in decision.spans}, text
        assert all(0 <= start < end <= len(text) for start, end, _ in decision.spans)
