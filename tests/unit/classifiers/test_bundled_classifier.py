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
from classifiers.bundled.encoder import MAX_WINDOWS, WINDOW_TOKENS
from moderator import config as config_mod
from moderator.categories import NEVER_FLAG
from moderator.policy import Policy
from moderator.roster import Roster


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
    assert {"model.json", "heads.safetensors", "MODEL_CARD.md"} <= files
    assert not {p for p in files if p.endswith((".pt", ".pkl", ".ckpt", ".bin"))}
    assert sum(p.stat().st_size for p in ARTEFACT_DIR.iterdir()) < 2_000_000
    tensors = load_file(str(ARTEFACT_DIR / "heads.safetensors"))
    assert all(t.dtype == torch.float32 for t in tensors.values())


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
    label_p, _ = bundled.probabilities(
        ["you are a disgusting worthless idiot", "thank you for a wonderful school trip"]
    )
    toxicity = LABELS.index("toxicity")
    assert label_p[0, toxicity] > 0.5 > label_p[1, toxicity]


def test_abuse_deep_in_a_long_comment_is_seen(bundled: BundledClassifier) -> None:
    filler = "The school fair raised money for the library and everyone enjoyed it. " * 20
    assert len(bundled.encoder.windows([filler])[0]) > 1  # several windows
    late = filler + "Mrs Hartley is a worthless disgusting idiot and a liar."
    label_p, _ = bundled.probabilities([filler, late])
    insult = LABELS.index("insult")
    assert label_p[1, insult] > label_p[0, insult] + 0.2


def test_windows_are_capped(bundled: BundledClassifier) -> None:
    windows, owners = bundled.encoder.windows(["word " * 50_000, ""])
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
    with pytest.raises(BundledModelError, match="not a version 1"):
        BundledClassifier(artefact_dir=artefact)


def test_heads_for_other_encoder_weights_are_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    manifest = json.loads((artefact / "model.json").read_text())
    manifest["encoder"]["sha256"] = "0" * 64
    (artefact / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(BundledModelError, match="not the ones the bundled heads were trained on"):
        BundledClassifier(artefact_dir=artefact)


def test_heads_with_wrong_shapes_are_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    tensors = load_file(str(artefact / "heads.safetensors"))
    tensors["categories.weight"] = torch.zeros(3, 7)
    save_file(tensors, str(artefact / "heads.safetensors"))
    with pytest.raises(BundledModelError, match=r"categories\.weight has shape"):
        BundledClassifier(artefact_dir=artefact)


def test_corrupt_heads_file_is_refused(tmp_path: Path) -> None:
    artefact = copy_artefact(tmp_path)
    (artefact / "heads.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(BundledModelError, match="cannot read model heads"):
        BundledClassifier(artefact_dir=artefact)


def test_window_maximum_is_per_text() -> None:
    from classifiers.bundled.classifier import _max_per_owner

    rows = np.array([[0.1, 0.9], [0.7, 0.2], [0.3, 0.3]], dtype=np.float32)
    out = _max_per_owner(rows, np.array([0, 0, 1]), 2)
    assert np.allclose(out, [[0.7, 0.9], [0.3, 0.3]])


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
    label_p, category_p = bundled.probabilities([text])
    assert not label_p.any() and not category_p.any()


def test_identity_words_add_nothing_to_abuse_but_hostility_still_counts(
    bundled: BundledClassifier, policy: Policy
) -> None:
    toxicity = LABELS.index("toxicity")
    label_p, _ = bundled.probabilities(["I am a gay Muslim woman", "I am a local woman"])
    assert label_p[0, toxicity] <= label_p[1, toxicity] + 0.01
    for text in ("all muslims are terrorists, keep them out", "gays are perverts"):
        [scores] = bundled.score([text])
        assert "hate" in policy.decide(text, scores).categories, text


def test_every_raised_category_points_at_text(bundled: BundledClassifier, policy: Policy) -> None:
    sample = config_mod.SAMPLE_CONFIG.parent / "comments.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    texts = [row["text"] for row in rows] + ["Mr Asante would look better with a few broken ribs"]
    for text, scores in zip(texts, bundled.score(texts), strict=True):
        decision = policy.decide(text, scores)
        assert set(decision.categories) <= {category for _, _, category in decision.spans}, text
        assert all(0 <= start < end <= len(text) for start, end, _ in decision.spans)
