"""The bundled model on ONNX Runtime: built from the real artefact at first use, cached outside
the repository and checked by hash, the same outputs as the PyTorch path, and no torch import
when classifying with a warm cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifiers.bundled import BundledClassifier, BundledModelError, onnx_cache
from classifiers.bundled.classifier import ARTEFACT_DIR
from classifiers.filehash import file_sha256
from moderator.settings import config as config_mod

ROOT = Path(__file__).resolve().parents[3]
TEXTS = [
    "you are a pathetic useless idiot",
    "Lovely concert tonight, well done everyone",
    "I will find you after school and hurt you",
    "",
    "Mrs Hartley is a liar and everyone knows she took the money",
    "The school fair raised money for the library and everyone enjoyed it. " * 30,
    "f a i r w e a t h e r is a p r i c k",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private cache, so these tests build the file themselves and leave the user's alone."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def fp32(cache: Path) -> BundledClassifier:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODERATOR_CACHE_DIR", str(cache))
        return BundledClassifier()


@pytest.fixture(scope="module")
def int8(cache: Path) -> BundledClassifier:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODERATOR_CACHE_DIR", str(cache))
        return BundledClassifier(precision="int8")


@pytest.fixture(scope="module")
def torch_path() -> BundledClassifier:
    return BundledClassifier(runtime="torch")


def cached_files(cache: Path, precision: str) -> tuple[Path, Path]:
    [model] = cache.glob(f"bundled-onnx/*/model-{precision}.onnx")
    return model, model.with_suffix(".json")


def test_the_cpu_default_is_onnx_runtime_with_float32_weights(
    fp32: BundledClassifier, cache: Path
) -> None:
    assert (fp32.runtime, fp32.precision, fp32.encoder) == ("onnx", "fp32", None)
    model, record = cached_files(cache, "fp32")
    entry = json.loads(record.read_text())
    assert entry["sha256"] == file_sha256(model)
    assert entry["precision"] == "fp32" and entry["onnxruntime"] and entry["torch"]
    assert not list((ROOT / "classifiers").glob("**/*.onnx"))  # never inside the repository


def test_float32_onnx_reproduces_the_pytorch_model(
    fp32: BundledClassifier, torch_path: BundledClassifier
) -> None:
    assert np.abs(fp32.probabilities(TEXTS) - torch_path.probabilities(TEXTS)).max() < 1e-4


def test_int8_weights_are_a_quarter_of_the_encoders(
    int8: BundledClassifier, fp32: BundledClassifier
) -> None:
    assert int8.onnx is not None and fp32.onnx is not None
    shipped = json.loads((ARTEFACT_DIR / "model.json").read_text())["version"]
    assert (fp32.version, int8.version) == (shipped, f"{shipped}+int8")
    # the matrices shrink fourfold; the word embedding table (47 MB) stays float32
    assert int8.onnx.path.stat().st_size < 0.7 * fp32.onnx.path.stat().st_size


def test_int8_scores_stay_close_to_the_pytorch_model(
    int8: BundledClassifier, torch_path: BundledClassifier
) -> None:
    sample = config_mod.SAMPLE_CONFIG.parent / "comments.jsonl"
    texts = TEXTS + [json.loads(line)["text"] for line in sample.read_text().splitlines()]
    ours, reference = int8.probabilities(texts), torch_path.probabilities(texts)
    difference = np.abs(ours - reference)
    assert difference.mean() < 0.01
    assert difference.max() < 0.35
    # the decisions that matter: the same texts above and below one half
    toxicity = 0
    assert ((ours[:, toxicity] > 0.5) == (reference[:, toxicity] > 0.5)).mean() > 0.95


def test_int8_scores_do_not_depend_on_the_batch(int8: BundledClassifier) -> None:
    together = int8.probabilities(TEXTS)
    alone = np.vstack([int8.probabilities([text]) for text in TEXTS])
    assert np.array_equal(together, alone)


def test_a_damaged_cached_file_is_built_again_byte_for_byte(
    int8: BundledClassifier, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATOR_CACHE_DIR", str(cache))
    model, record = cached_files(cache, "int8")
    first = json.loads(record.read_text())["sha256"]
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    again = BundledClassifier(precision="int8")
    # the hash check refused the damaged file, and the export is deterministic
    assert file_sha256(model) == first == json.loads(record.read_text())["sha256"]
    assert np.array_equal(again.probabilities(TEXTS), int8.probabilities(TEXTS))


def test_the_cache_key_follows_the_artefact(tmp_path: Path) -> None:
    artefact = tmp_path / "artefact"
    shutil.copytree(ARTEFACT_DIR, artefact)
    manifest = json.loads((artefact / "model.json").read_text())
    key = onnx_cache.build_key(artefact, manifest, "model.safetensors", "int8")
    assert key == onnx_cache.build_key(ARTEFACT_DIR, manifest, "model.safetensors", "int8")
    assert key != onnx_cache.build_key(artefact, manifest, "model.safetensors", "fp32")
    assert key != onnx_cache.build_key(
        artefact, manifest | {"version": "other"}, "model.safetensors", "int8"
    )
    (artefact / "model.safetensors").write_bytes(b"other weights")
    assert key != onnx_cache.build_key(artefact, manifest, "model.safetensors", "int8")


def test_the_cache_lives_where_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODERATOR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert onnx_cache.cache_root() == Path("/somewhere/cache/school-moderator")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert onnx_cache.cache_root() == Path.home() / ".cache" / "school-moderator"
    monkeypatch.setenv("MODERATOR_CACHE_DIR", "/elsewhere")
    assert onnx_cache.cache_root() == Path("/elsewhere")


def test_an_unwritable_cache_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MODERATOR_CACHE_DIR", str(blocker))
    with pytest.raises(BundledModelError, match="cannot store the bundled model's ONNX file"):
        BundledClassifier()


def test_an_unknown_runtime_or_precision_is_refused() -> None:
    with pytest.raises(BundledModelError, match="not 'tensorflow'"):
        BundledClassifier(runtime="tensorflow")
    with pytest.raises(BundledModelError, match="unknown precision"):
        BundledClassifier(precision="int4")


def test_classify_with_a_warm_cache_imports_neither_torch_nor_the_database(
    fp32: BundledClassifier, cache: Path, tmp_path: Path
) -> None:
    comments = tmp_path / "comments.jsonl"
    comments.write_text(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(TEXTS))
    )
    env = dict(os.environ, MODERATOR_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "moderator", "classify", str(comments)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["id"] for v in verdicts] == [str(i) for i in range(len(TEXTS))]
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "onnxruntime" in imported and "tokenizers" in imported
    assert not imported & {"torch", "transformers", "safetensors", "onnx"}
    # the command line loads the other commands' modules only when they run (cli/lazy.py)
    assert not imported & {"sqlalchemy", "alembic", "matplotlib", "reportlab", "starlette"}
