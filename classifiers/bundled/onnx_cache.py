"""Where the bundled model's ONNX file lives: built at first use, cached, checked by hash.

The file is derived data (the installed base weights with the committed adapter merged in,
:mod:`classifiers.bundled.onnx_export`), so it is kept outside the repository and the package,
in ``$XDG_CACHE_HOME/school-moderator/bundled-onnx/KEY/`` (``~/.cache/...`` when the variable
is unset; ``MODERATOR_CACHE_DIR`` overrides both), one folder per model and precision. Beside
each file, a small JSON record says what it was built from (:func:`build_key`: the artefact's
weights and manifest, the precision, the export format) and the file's SHA-256.

At load the record's key must equal the key of the artefact in hand, and the file's SHA-256
its record's; otherwise the file is built again (which needs torch, once), under a lock so
that several workers starting together build it once. With a good file in the cache, nothing
here imports torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from classifiers.errors import ClassifierError
from classifiers.filehash import file_sha256

log = logging.getLogger(__name__)

#: Bumped whenever :mod:`classifiers.bundled.onnx_export` changes the graph it writes.
EXPORT_FORMAT = 1
PRECISIONS = ("int8", "fp32")


class CacheError(ClassifierError, RuntimeError):
    """The ONNX file could not be built or stored."""


def cache_root() -> Path:
    """The folder the project caches derived files in (created on demand)."""
    explicit = os.environ.get("MODERATOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "school-moderator"


def build_key(
    artefact_dir: Path, manifest: dict[str, Any], weights_file: str, precision: str
) -> str:
    """SHA-256 over everything the ONNX file is built from (the base weights are named by the
    manifest's ``encoder.sha256``, which the build checks against the installed ones)."""
    parts = {
        "export_format": EXPORT_FORMAT,
        "precision": precision,
        "manifest": manifest,
        "weights_sha256": file_sha256(artefact_dir / weights_file),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def cached_model(
    key: str, precision: str, build: Callable[[Path], dict[str, Any]], root: Path | None = None
) -> Path:
    """The path of the checked ONNX file for ``key``; ``build(target)`` writes it when it is
    missing, stale or fails its hash, and returns facts to record beside it."""
    folder = (root or cache_root()) / "bundled-onnx" / key[:20]
    model = folder / f"model-{precision}.onnx"
    record = folder / f"model-{precision}.json"
    if _valid(model, record, key):
        return model
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / f".{precision}.lock"):
            if _valid(model, record, key):  # another process built it while we waited
                return model
            log.info("building the bundled model's ONNX file (%s) in %s", precision, folder)
            try:
                with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
                    fresh = Path(tmp) / model.name
                    facts = build(fresh)
                    entry = {"key": key, "sha256": file_sha256(fresh), "precision": precision}
                    fresh.replace(model)
                    text = json.dumps(entry | facts, indent=2, sort_keys=True) + "\n"
                    _write_atomic(record, text)
            except BaseException:
                if not model.exists():  # leave no empty folder behind a refused artefact
                    shutil.rmtree(folder, ignore_errors=True)
                raise
    except OSError as exc:
        raise CacheError(f"cannot store the bundled model's ONNX file in {folder}: {exc}") from exc
    return model


def _valid(model: Path, record: Path, key: str) -> bool:
    try:
        entry = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(entry, dict) or entry.get("key") != key:
        return False
    try:
        digest = file_sha256(model)
    except OSError:
        return False
    if digest != entry.get("sha256"):
        log.warning("the cached ONNX file %s fails its SHA-256 check; building it again", model)
        return False
    return True


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
