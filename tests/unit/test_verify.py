"""The bundle checker on hand-made bundles: a good one passes; forged shapes, stray exhibit
folders, unsafe names and damaged containers are named in one line, never a traceback. The
checker is also run alone, with Python's standard library only, as a recipient would."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from moderator.evidence import verify
from tests.custody import SNAPSHOT, chain


def members(extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    files = {
        "exhibits/EX-001/snapshot.json": SNAPSHOT,
        "exhibits/EX-001/custody.jsonl": chain(),
        "README.txt": b"read me",
        **(extra or {}),
    }
    files["SHA256SUMS"] = "".join(f"{verify.sha256(d)}  {p}\n" for p, d in files.items()).encode()
    return files


def manifest(files: dict[str, bytes], **changes: Any) -> bytes:
    body: dict[str, Any] = {
        "format": verify.FORMAT,
        "exhibits": [{"folder": "exhibits/EX-001", "snapshot_sha256": verify.sha256(SNAPSHOT)}],
        "members": [
            {"path": p, "sha256": verify.sha256(d), "size": len(d)} for p, d in files.items()
        ],
        **changes,
    }
    body["seal"] = verify.seal(body)
    return verify.canonical(body)


def write(path: Path, files: dict[str, bytes], head: bytes | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
        archive.writestr("manifest.json", head if head is not None else manifest(files))
    return path


def broken(path: Path) -> verify.Broken:
    with pytest.raises(verify.Broken) as caught:
        verify.verify(str(path))
    return caught.value


def test_a_well_formed_bundle_is_intact(tmp_path: Path) -> None:
    result = verify.verify(str(write(tmp_path / "ok.zip", members())))
    assert result.manifest_sha256 and len(result.checked) == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"members": ["a"]},
        {"members": {"path": "x"}},
        {"members": [{"path": "README.txt", "sha256": "x", "size": True}]},
        {"exhibits": ["x"]},
        {"exhibits": [{}]},
        {"exhibits": 5},
        {"timestamp": "yes"},
    ],
)
def test_a_sealed_manifest_of_the_wrong_shape_is_named(
    tmp_path: Path, changes: dict[str, Any]
) -> None:
    files = members()
    found = broken(write(tmp_path / "b.zip", files, manifest(files, **changes)))
    assert found.member == "manifest.json"


def test_an_exhibit_folder_the_manifest_leaves_out_is_named(tmp_path: Path) -> None:
    stray = {"exhibits/EX-002/custody.jsonl": b'{"hash":"0000"}\n'}
    files = members(stray)
    found = broken(write(tmp_path / "b.zip", files, manifest(files, exhibits=[])))
    assert found.member == "exhibits/EX-001/custody.jsonl"


def test_a_custody_log_without_its_artefact_list_is_named(tmp_path: Path) -> None:
    anchor = verify.sha256(SNAPSHOT)
    entry: dict[str, Any] = {
        "snapshot": anchor,
        "seq": 1,
        "at": "x",
        "actor": "a",
        "action": "captured",
        "detail": ["not", "a", "dict"],
        "prev": anchor,
    }
    entry["hash"] = verify.entry_hash(entry)
    files = members({"exhibits/EX-001/custody.jsonl": verify.canonical(entry) + b"\n"})
    found = broken(write(tmp_path / "b.zip", files))
    assert found.member == "exhibits/EX-001/custody.jsonl"


@pytest.mark.parametrize("name", ["../evil.txt", "/abs.txt", "a//b.txt", "exhibits/./x"])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    files = members({name: b"x"})
    assert broken(write(tmp_path / "b.zip", files)).member == name


def test_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    files = members({"readme.TXT": b"x"})
    assert broken(write(tmp_path / "b.zip", files)).member == "readme.TXT"


def test_every_damaged_byte_of_the_container_is_one_line(tmp_path: Path) -> None:
    good = write(tmp_path / "ok.zip", members())
    data = good.read_bytes()
    for where in range(0, len(data), 7):
        damaged = bytearray(data)
        damaged[where] ^= 0xFF
        path = tmp_path / "damaged.zip"
        path.write_bytes(bytes(damaged))
        try:
            verify.verify(str(path))
        except verify.Broken as exc:
            assert "\n" not in str(exc)


def test_the_checker_runs_alone_with_the_standard_library(tmp_path: Path) -> None:
    """As a recipient runs it: the file copied out, isolated mode, no site-packages."""
    alone = tmp_path / "verify_bundle.py"
    alone.write_bytes(Path(verify.__file__).read_bytes())
    good = write(tmp_path / "ok.zip", members())
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(alone), str(good)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0 and "intact" in done.stdout, done.stderr
    files = members()
    files["README.txt"] = b"changed"
    bad = write(tmp_path / "bad.zip", files, manifest(members()))
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(alone), str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1 and "BROKEN: README.txt" in done.stdout


def test_a_zip_method_the_exporter_never_uses_is_refused_unread(tmp_path: Path) -> None:
    """bzip2 and LZMA can expand far more than deflate's ~1,032 times (LZMA's window alone can
    take gigabytes), so only stored and deflated members are read."""
    path = write(tmp_path / "b.zip", members())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("extra.txt", b"x" * 100, compress_type=zipfile.ZIP_BZIP2)
    found = broken(path)
    assert found.member == "extra.txt" and "zip method 12" in str(found)


def test_overlapping_members_are_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    """Two directory entries over the same data (how the densest zip bombs are made)."""
    path = tmp_path / "overlap.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a", bytes(1000))
    data = path.read_bytes()
    start, end = data.index(b"PK\x01\x02"), data.index(b"PK\x05\x06")
    entry = data[start:end]
    twin = entry[:46] + b"b" + entry[47:]  # the same entry named "b" (the name starts at 46)
    record = bytearray(data[end:])
    struct.pack_into("<HHL", record, 8, 2, 2, 2 * len(entry))  # entries, entries, directory size
    path.write_bytes(data[:end] + twin + bytes(record))
    found = broken(path)
    assert found.member == str(path) and "overlapping members" in str(found)


def test_a_zip_directory_too_big_to_parse_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "wide.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(verify.MAX_DIRECTORY // 0xFFFF + 1):
            info = zipfile.ZipInfo(f"n{number}")
            info.comment = b"c" * 0xFFFF  # kept only in the directory
            archive.writestr(info, b"")
    found = broken(path)
    assert found.member == str(path) and "zip directory is" in str(found)


def test_a_huge_manifest_is_refused_unread(tmp_path: Path) -> None:
    found = broken(write(tmp_path / "b.zip", members(), b" " * (verify.MAX_PARSED + 1)))
    assert found.member == "manifest.json" and "not read" in str(found)


def test_a_manifest_of_more_objects_than_members_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    """A few megabytes of ``{},`` would be tens of millions of bytes of objects once parsed."""
    head = b"[" + b"{}," * 10_000 + b"{}]"
    found = broken(write(tmp_path / "b.zip", members(), head))
    assert found.member == "manifest.json" and "more entries than" in str(found)


def test_a_custody_entry_longer_than_any_real_one_is_refused(tmp_path: Path) -> None:
    long = chain() + b'{"x":"' + b"y" * verify.MAX_ENTRY + b'"}\n'
    found = broken(write(tmp_path / "b.zip", members({"exhibits/EX-001/custody.jsonl": long})))
    assert str(found) == (
        f"exhibits/EX-001/custody.jsonl: entry 2 is longer than {verify.MAX_ENTRY} bytes"
    )


def test_a_huge_checksum_list_is_refused_unread(tmp_path: Path) -> None:
    files = members()
    files["SHA256SUMS"] += b"\n" * verify.MAX_PARSED
    found = broken(write(tmp_path / "b.zip", files))
    assert found.member == "SHA256SUMS" and "not read" in str(found)


def test_a_timestamp_entry_without_a_size_is_named(tmp_path: Path) -> None:
    files = members({"timestamp.tsr": b"token"})
    head = manifest(files, timestamp={"sha256": verify.sha256(b"token"), "imprint": "x"})
    found = broken(write(tmp_path / "b.zip", files, head))
    assert str(found) == "timestamp.tsr: has no size in the manifest"


def test_a_member_bigger_in_the_zip_than_in_the_manifest_is_refused_unread(
    tmp_path: Path,
) -> None:
    files = members()
    stated = manifest({**files, "README.txt": b"short"})
    found = broken(write(tmp_path / "b.zip", files, stated))
    assert str(found) == "README.txt: is 7 bytes in the zip; the manifest says 5; not read"
