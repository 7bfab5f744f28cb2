"""scripts/train_bundled.py end to end on tiny datasets in the real formats, with the real encoder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file

from classifiers.base import LABELS
from classifiers.bundled import BundledClassifier
from moderator.categories import CATEGORIES
from scripts import train_bundled
from scripts import training_data as td
from tests.unit.test_training_data import DAVIDSON, JIGSAW, spans_root, write

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
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("train")
    datasets = tiny_datasets(root / "datasets")
    out = root / "artefact"
    code = train_bundled.main(
        [str(datasets), "--out", str(out), "--folds", "2", "--epochs", "2", "--cache", str(root)]
    )
    assert code == 0
    return out, json.loads((out / "model.json").read_text())


def test_writes_a_loadable_artefact(trained: tuple[Path, dict[str, object]]) -> None:
    out, manifest = trained
    assert manifest["labels"] == list(LABELS)
    assert manifest["categories"] == list(CATEGORIES)
    tensors = load_file(str(out / "heads.safetensors"))
    assert tensors["labels.output.weight"].shape[0] == len(LABELS)
    classifier = BundledClassifier(artefact_dir=out)
    [scores] = classifier.score(["you are a total idiot"])
    assert set(scores.labels) == set(LABELS) and set(scores.categories) == set(CATEGORIES)


def test_reports_cross_validated_figures(trained: tuple[Path, dict[str, object]]) -> None:
    _, manifest = trained
    cv = manifest["cross_validation"]
    assert isinstance(cv, dict)
    olid = cv["labels"]["olid"]
    assert olid["tweets"] == 24 and 0.0 <= olid["macro_f1_at_0.5"] <= 1.0
    assert "threat" in cv["categories"] and "recall_at_0.5" in cv["categories"]["threat"]
    training = manifest["training"]
    assert isinstance(training, dict) and training["public_examples"] > 24


def test_embedding_cache_is_reused(
    trained: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encoder = BundledClassifier(artefact_dir=trained[0]).encoder
    texts = ["one", "two"]
    first = train_bundled.cached_embeddings(encoder, texts, tmp_path, print)
    second = train_bundled.cached_embeddings(encoder, texts, tmp_path, print)
    assert np.array_equal(first, second)
    assert "from cache" in capsys.readouterr().out


def test_school_comments_with_unknown_categories_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "school.jsonl"
    bad.write_text(json.dumps({"text": "x", "labels": ["rudeness"], "hide": False}) + "\n")
    monkeypatch.setattr(train_bundled, "SCHOOL_TRAINING", bad)
    with pytest.raises(
        ValueError, match=r"school\.jsonl line 1: unknown categories \['rudeness'\]"
    ):
        train_bundled.load_school(None)


def test_label_matrix_marks_unknown_labels() -> None:
    matrix = train_bundled.label_matrix([td.Example("x", {"toxicity": 1.0}, "olid")])
    assert matrix[0, LABELS.index("toxicity")] == 1.0
    assert np.isnan(matrix[0, LABELS.index("threat")])
