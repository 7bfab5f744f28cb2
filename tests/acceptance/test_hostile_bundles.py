"""Hostile "bundles" handed to both checkers a recipient may run: ``moderator evidence verify`` and
the ``verify_bundle.py`` copied out of a bundle and run by the system's Python alone. A 1 MB zip
holding a 1 GiB member, ``/dev/zero``, a FIFO and a folder each get one line (or "intact") within
a time limit, and each checker's peak memory, measured by a parent process that runs nothing
else, stays under 200 MB."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from moderator.evidence import verify
from tests.custody import SNAPSHOT, chain

PEAK_LIMIT = 200 * 10**6  # bytes
BIG = "attachment.bin"
GIB = 1 << 30

# Runs the command given as its arguments and reports how it ended and the peak memory of that
# command alone (RUSAGE_CHILDREN of a fresh parent). A checker that hangs is killed; one that
# grows without bound stops at 1 GiB of address space instead of exhausting the machine.
MEASURE = """
import json, resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
try:
    done = subprocess.run(
        sys.argv[1:], capture_output=True, text=True, timeout=240, preexec_fn=cap
    )
    code, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired:
    code, out, err = "timeout", "", ""
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": code, "out": out, "err": err, "peak": peak}))
"""


def checkers(folder: Path) -> dict[str, list[str]]:
    alone = folder / "verify_bundle.py"
    shutil.copyfile(verify.__file__, alone)
    system_python = shutil.which("python3") or sys.executable
    return {
        "cli": [sys.executable, "-m", "moderator", "evidence", "verify"],
        "verify_bundle.py": [system_python, "-I", "-S", str(alone)],
    }


@pytest.fixture(scope="module", params=["cli", "verify_bundle.py"])
def checker(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return checkers(tmp_path_factory.mktemp("checker"))[request.param]


def check(checker: list[str], target: str | Path, cwd: Path) -> dict[str, Any]:
    """Run ``checker`` on ``target``: its exit code, the one line it printed, its peak memory."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODERATOR_")}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *checker, str(target)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=400,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["code"] != "timeout", f"{checker} on {target} did not finish in 240 s"
    assert "Traceback" not in report["err"], report["err"]
    assert report["peak"] < PEAK_LIMIT, f"peak memory {report['peak'] / 1e6:.0f} MB"
    report["lines"] = (report["out"] + report["err"]).strip().splitlines()
    return report


@pytest.fixture(scope="module")
def zeros(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A bundle without its manifest whose first member is 1 GiB of zeros (about 1 MB deflated,
    written as a stream so this test stays small too); the member's SHA-256."""
    base = tmp_path_factory.mktemp("zeros") / "base.zip"
    digest, block = hashlib.sha256(), bytes(1 << 20)
    files = {
        "exhibits/EX-001/snapshot.json": SNAPSHOT,
        "exhibits/EX-001/custody.jsonl": chain(),
        "README.txt": b"read me",
    }
    with zipfile.ZipFile(base, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(BIG, "w", force_zip64=True) as stream:
            for _ in range(GIB // len(block)):
                stream.write(block)
                digest.update(block)
        for name, body in files.items():
            archive.writestr(name, body)
        sums = {**{p: verify.sha256(d) for p, d in files.items()}, BIG: digest.hexdigest()}
        archive.writestr("SHA256SUMS", "".join(f"{h}  {p}\n" for p, h in sums.items()))
    assert base.stat().st_size < 2 * 10**6
    return base, digest.hexdigest()


def with_manifest(base: Path, out: Path, big_size: int, big_sha256: str) -> Path:
    """``base`` plus a sealed manifest that lists the big member with ``big_size``."""
    shutil.copyfile(base, out)
    with zipfile.ZipFile(out, "a") as archive:
        described = [
            {"path": info.filename, "sha256": "", "size": info.file_size}
            for info in archive.infolist()
        ]
        for member in described:
            if member["path"] == BIG:
                member["sha256"], member["size"] = big_sha256, big_size
            else:
                member["sha256"] = verify.sha256(archive.read(member["path"]))
        body: dict[str, Any] = {
            "format": verify.FORMAT,
            "exhibits": [{"folder": "exhibits/EX-001", "snapshot_sha256": verify.sha256(SNAPSHOT)}],
            "members": described,
        }
        body["seal"] = verify.seal(body)
        archive.writestr("manifest.json", verify.canonical(body))
    return out


@pytest.mark.slow
def test_a_1_gib_member_the_manifest_calls_small_is_refused_unread(
    checker: list[str], zeros: tuple[Path, str], tmp_path: Path
) -> None:
    base, digest = zeros
    bundle = with_manifest(base, tmp_path / "lying.zip", 10, digest)
    report = check(checker, bundle, tmp_path)
    assert report["code"] == 1
    assert report["lines"] == [
        f"BROKEN: {BIG}: is {GIB} bytes in the zip; the manifest says 10; not read"
    ]


@pytest.mark.slow
def test_a_1_gib_member_the_manifest_agrees_with_is_hashed_as_a_stream(
    checker: list[str], zeros: tuple[Path, str], tmp_path: Path
) -> None:
    base, digest = zeros
    bundle = with_manifest(base, tmp_path / "big.zip", GIB, digest)
    report = check(checker, bundle, tmp_path)
    assert report["code"] == 0, report["lines"]
    assert report["lines"][-1].startswith("intact: manifest SHA-256 ")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda folder: Path("/dev/zero"), "a character device"),
        (lambda folder: folder / "folder.zip", "a folder"),
        (lambda folder: folder / "pipe.zip", "a FIFO (named pipe)"),
    ],
    ids=["dev-zero", "folder", "fifo"],
)
def test_what_is_not_a_regular_file_is_refused_in_one_line(
    checker: list[str], tmp_path: Path, make: Any, kind: str
) -> None:
    (tmp_path / "folder.zip").mkdir()
    os.mkfifo(tmp_path / "pipe.zip")  # nobody writes to it: reading it would wait for ever
    target = make(tmp_path)
    report = check(checker, target, tmp_path)
    assert report["code"] == 1
    assert report["lines"] == [
        f"BROKEN: {target}: is {kind}, not a file; give the bundle's .zip file"
    ]
