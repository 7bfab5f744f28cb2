"""scripts/train_bundled.py end to end on tiny datasets in the real formats, with the real
encoder: the artefact it writes loads, reproduces the trained model, and is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file

from classifiers.base import LABELS
from classifiers.bundled import BundledClassifier
from moderator.policy.categories import CATEGORIES
from scripts import school_data, train_bundled
from scripts import training_data as td
from tests.training_files import DAVIDSON, JIGSAW, spans_root, write

NICE = ["what a lovely day", "great match today", "thanks for the help", "see you at the fair"]
NASTY = ["you are a total idiot", "shut up you moron", "what a pathetic loser", "you stupid clown"]


def tiny_datasets(root: Path) -> Path:
    rows = ["id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c"]
    for i in range(12):
        rows.append(f"{100 + i}\t@USER {NICE[i % 4]} number {i}\tNOT\tNULL\tNULL")
        rows.append(f"{200 + i}\t@USER {NASTY[i % 4]} number {i}\tOFF\tTIN\tIND")
    write(root, td.OLID_FILE, "\n".join(rows) + "\n")
    write(root, td.DAVIDSON_FILE, DAVIDSON)
    write(root, td.TRAC1_FILES[0], "facebook_corpus_msr_1,you are a total clown!,OAG\r\n")
    write(root, td.JIGSAW_FILE, JIGSAW)
    spans_root(root)
    write(root, td.CYBER_TROLLS_FILE, json.dumps({"content": "hi", "annotation": {"label": ["0"]}}))
    toxigen = [
        {
            "group": "muslim",
            "label": "hate",
            "text": "they should all go back where they came from",
        },
        {"group": "muslim", "label": "neutral", "text": "many families celebrate eid together"},
    ]
    write(root, td.TOXIGEN_FILE, "".join(json.dumps(r) + "\n" for r in toxigen))
    write(root, td.HATEVAL_FILES[0][0], "send them all home\nlovely sunny day\n")
    write(root, td.HATEVAL_FILES[0][1], "1\n0\n")
    write(root, td.SENTIMENT_FILES[0][0], "love this so much\nterrible service today\n")
    write(root, td.SENTIMENT_FILES[0][1], "2\n0\n")
    return root


def train(root: Path, name: str, steps: int = 6) -> tuple[Path, dict[str, object]]:
    out = root / name
    code = train_bundled.main(
        [
            str(root / "datasets"),
            "--out",
            str(out),
            "--epochs",
            "1",
            "--max-steps",
            str(steps),
            "--groups",
            "20",
            "--scale",
            "0.02",
            "--examples",
            str(root / "no-examples"),
        ]
    )
    assert code == 0
    return out, json.loads((out / "model.json").read_text())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("train")
    tiny_datasets(root / "datasets")
    return root


@pytest.fixture(scope="module")
def trained(root: Path) -> tuple[Path, dict[str, object]]:
    return train(root, "artefact")


def test_writes_a_loadable_artefact(trained: tuple[Path, dict[str, object]]) -> None:
    out, manifest = trained
    assert manifest["labels"] == list(LABELS)
    assert manifest["categories"] == list(CATEGORIES)
    tensors = load_file(str(out / "model.safetensors"))
    assert tensors["head.output.weight"].shape[0] == len(train_bundled.OUTPUTS)
    assert any(name.startswith("lora.encoder.layer.5.") for name in tensors)
    classifier = BundledClassifier(artefact_dir=out)
    [scores] = classifier.score(["you are a total idiot"])
    assert set(scores.labels) == set(LABELS) and set(scores.categories) == set(CATEGORIES)
    assert set(scores.signals) == {"counter_speech", "positive", "negative"}


def test_the_artefact_reproduces_the_trained_model(
    trained: tuple[Path, dict[str, object]],
) -> None:
    _, manifest = trained
    difference = manifest["self_check_max_difference"]
    assert isinstance(difference, float) and difference < 1e-4


def test_records_held_out_figures_and_what_it_learnt_from(
    trained: tuple[Path, dict[str, object]],
) -> None:
    _, manifest = trained
    held = manifest["held_out"]
    assert isinstance(held, dict)
    assert held["public"]["examples"] > 0 and "by_dataset" in held["public"]
    assert held["school_development"]["comments"] == 90
    training = manifest["training"]
    assert isinstance(training, dict) and training["public_examples"] > 24
    assert training["seed"] == 0 and training["threads"] == 2
    assert set(training["school_by_source"]) >= {"generated", "project", "sample"}


def test_training_is_deterministic_for_a_seed(root: Path) -> None:
    first, _ = train(root, "first", steps=3)
    second, _ = train(root, "second", steps=3)
    assert (first / "model.safetensors").read_bytes() == (second / "model.safetensors").read_bytes()


def test_public_held_out_split_is_stable_and_about_a_tenth() -> None:
    examples = [td.Example(f"comment number {i}", {}, "olid") for i in range(2000)]
    held = [e for e in examples if train_bundled.holdout_public(e)]
    assert 150 < len(held) < 250
    assert held == [e for e in examples if train_bundled.holdout_public(e)]


def test_targets_mark_what_a_dataset_does_not_say() -> None:
    row = train_bundled.targets(td.Example("x", {"toxicity": 1.0}, "olid", {"abuse": 1.0}))
    assert row[LABELS.index("toxicity")] == 1.0
    assert np.isnan(row[LABELS.index("threat")])
    assert row[len(LABELS) + CATEGORIES.index("abuse")] == 1.0
    assert np.isnan(row[len(LABELS) + CATEGORIES.index("complaint")])


def test_school_comments_imply_labels_and_signals() -> None:
    praise = school_data.SchoolComment(
        "a",
        "Mr Hughes is a legend",
        frozenset(),
        False,
        "generated",
        "g",
        "praise",
        "plain",
        "train",
    )
    example = praise.example()
    assert example.labels["toxicity"] == 0.0 and example.signals["positive"] == 1.0
    assert all(v == 0.0 for v in example.categories.values())
    counter = school_data.SchoolComment(
        "b",
        "whoever called him an idiot should be ashamed",
        frozenset(),
        False,
        "generated",
        "g",
        "counter",
        "plain",
        "train",
    )
    assert counter.example().signals["counter_speech"] == 1.0
    hate = school_data.SchoolComment(
        "c", "x", frozenset({"hate", "abuse"}), True, "generated", "g", "harmful", "plain", "train"
    )
    labels = hate.example().labels
    assert labels["identity_attack"] == 1.0 and labels["insult"] == 1.0
    assert labels["toxicity"] == 1.0


def test_school_comments_with_unknown_categories_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "school.jsonl"
    bad.write_text(json.dumps({"text": "x", "labels": ["rudeness"], "hide": False}) + "\n")
    monkeypatch.setattr(school_data, "PROJECT_FILE", bad)
    with pytest.raises(
        ValueError, match=r"school\.jsonl line 1: unknown categories \['rudeness'\]"
    ):
        school_data.earlier(None)
