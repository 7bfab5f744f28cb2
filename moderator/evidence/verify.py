"""Check an evidence bundle: every member's SHA-256 and each exhibit's custody chain.

This file uses the Python standard library only, and a copy of it travels inside every bundle as
``verify_bundle.py``, so a recipient with nothing but the zip and Python 3.11+ can run::

    python3 verify_bundle.py bundle.zip

It prints "intact" and exits 0, or names the first member that fails and exits 1. It also
defines the formats it checks (``canonical``, ``entry_hash``), which the exporter imports.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
TOKEN = "timestamp.tsr"
FORMAT = "school-moderator/evidence-bundle/1"


def canonical(data: Any) -> bytes:
    """The one byte string for ``data``: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_hash(entry: dict[str, Any]) -> str:
    """A custody entry's hash: SHA-256 of its canonical JSON without the ``hash`` key."""
    return sha256(canonical({k: v for k, v in entry.items() if k != "hash"}))


def seal(manifest: dict[str, Any]) -> str:
    """The manifest's seal: SHA-256 of its canonical JSON without the ``seal`` key. With the
    manifest stored in canonical form, any changed byte breaks the seal, so a damaged manifest is
    told apart from a damaged member."""
    return sha256(canonical({k: v for k, v in manifest.items() if k != "seal"}))


def imprint(manifest: dict[str, Any]) -> str:
    """What a time-stamping authority signs: SHA-256 of the canonical manifest without ``seal``
    and ``timestamp`` (the token then travels as a member the sealed manifest lists)."""
    return sha256(canonical({k: v for k, v in manifest.items() if k not in ("seal", "timestamp")}))


class Broken(Exception):
    """A member of the bundle fails a check; ``member`` names it."""

    def __init__(self, member: str, problem: str) -> None:
        super().__init__(f"{member}: {problem}")
        self.member = member


@dataclass
class Result:
    """What a check found: the manifest hash (the bundle's fingerprint) and what passed."""

    manifest_sha256: str = ""
    checked: list[str] = field(default_factory=list)
    timestamp: str | None = None


def verify(path: str) -> Result:
    """Check the bundle at ``path``; raise :class:`Broken` naming the first failure."""
    try:
        return _verify(path)
    except Broken:
        raise
    except Exception as exc:  # damage nobody foresaw is still a broken bundle
        raise Broken(str(path), f"cannot be checked ({type(exc).__name__}: {exc})") from exc


def _verify(path: str) -> Result:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise Broken(str(path), f"not a readable zip file ({exc})") from exc
    with archive:
        files = _read_all(archive)
    result = Result()
    manifest = _check_manifest(files, result)
    listed = _check_members(files, manifest, result)
    _check_exhibits(files, manifest, listed, result)
    _check_token(files, manifest, result)
    return result


def _read_all(archive: zipfile.ZipFile) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        _check_name(name)
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            raise Broken(name, "appears twice in the zip (names differing only in case count)")
        seen.add(folded)
        try:
            data = archive.read(info)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            NotImplementedError,
            RuntimeError,
            EOFError,
            ValueError,
        ) as exc:
            problem = f"cannot be read: the zip says it is damaged ({exc})"
            raise Broken(name, problem) from exc
        if info.is_dir():
            if data:
                raise Broken(name, "is a folder entry that holds data")
            continue
        files[name] = data
    return files


def _check_name(name: str) -> None:
    parts = name.rstrip("/").split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or ":" in parts[0]
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise Broken(name, "is not a safe relative name (absolute, '..', or empty parts)")


def _check_manifest(files: dict[str, bytes], result: Result) -> dict[str, Any]:
    if MANIFEST not in files:
        raise Broken(MANIFEST, "missing from the bundle")
    data = files[MANIFEST]
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Broken(MANIFEST, f"is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Broken(MANIFEST, f"is not a {FORMAT} manifest")
    if canonical(manifest) != data or seal(manifest) != manifest.get("seal"):
        raise Broken(MANIFEST, "has been altered (its seal does not recompute)")
    _check_shape(manifest)
    result.manifest_sha256 = sha256(data)
    result.checked.append(f"{MANIFEST}: sealed; SHA-256 {result.manifest_sha256}")
    return manifest


def _check_shape(manifest: dict[str, Any]) -> None:
    """The manifest's lists hold what they should (a sealed manifest can still be forged)."""
    members, exhibits = manifest.get("members"), manifest.get("exhibits")
    stamp = manifest.get("timestamp")
    fine = (
        isinstance(members, list)
        and all(
            isinstance(m, dict)
            and _text(m.get("path"))
            and _text(m.get("sha256"))
            and type(m.get("size")) is int
            for m in members
        )
        and isinstance(exhibits, list)
        and all(
            isinstance(e, dict) and _text(e.get("folder")) and _text(e.get("snapshot_sha256"))
            for e in exhibits
        )
        and (stamp is None or (isinstance(stamp, dict) and _text(stamp.get("sha256"))))
    )
    if not fine:
        raise Broken(MANIFEST, "does not have the shape of a bundle manifest")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _check_members(
    files: dict[str, bytes], manifest: dict[str, Any], result: Result
) -> dict[str, dict[str, Any]]:
    listed = {m["path"]: m for m in manifest["members"]}
    stamp = manifest.get("timestamp")
    expected = {**listed, **({TOKEN: {"path": TOKEN, **stamp}} if stamp else {})}
    for path, member in expected.items():
        if path not in files:
            raise Broken(path, "is listed in the manifest but missing from the bundle")
        data = files[path]
        actual = sha256(data)
        if actual != member.get("sha256") or len(data) != member.get("size"):
            raise Broken(path, f"SHA-256 is {actual}; the manifest says {member.get('sha256')}")
    for path in sorted(files):
        if path not in expected and path != MANIFEST:
            raise Broken(path, "is in the bundle but not in the manifest")
    sums = _parse_sums(files.get(SUMS, b""))
    if sums != {path: m["sha256"] for path, m in listed.items() if path != SUMS}:
        raise Broken(SUMS, "does not list exactly the manifest's members and hashes")
    result.checked.append(f"{len(expected)} members: SHA-256 and size as the manifest says")
    return expected


def _parse_sums(data: bytes) -> dict[str, str]:
    sums: dict[str, str] = {}
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not match:
            raise Broken(SUMS, f"line {number} is not '<sha256>  <name>'")
        sums[match.group(2)] = match.group(1)
    return sums


def _check_exhibits(
    files: dict[str, bytes],
    manifest: dict[str, Any],
    listed: dict[str, dict[str, Any]],
    result: Result,
) -> None:
    """Every exhibit folder is in the manifest's exhibits, and each one's chain holds."""
    folders = {e["folder"]: e for e in manifest["exhibits"]}
    for path in sorted(files):
        if path.startswith("exhibits/") and path.rsplit("/", 1)[0] not in folders:
            raise Broken(path, "is in an exhibit folder the manifest does not name")
    for folder, exhibit in folders.items():
        _check_exhibit(files, folder, exhibit["snapshot_sha256"], result)


def _check_exhibit(files: dict[str, bytes], folder: str, stated: str, result: Result) -> None:
    snapshot_path, custody_path = f"{folder}/snapshot.json", f"{folder}/custody.jsonl"
    for path in (snapshot_path, custody_path):
        if path not in files:
            raise Broken(path, "missing from the bundle")
    anchor = sha256(files[snapshot_path])
    if anchor != stated:
        raise Broken(snapshot_path, "is not the snapshot the manifest's exhibit names")
    entries = list(_custody_entries(custody_path, files[custody_path]))
    _check_chain(custody_path, entries, anchor)
    detail = entries[0].get("detail")
    artefacts = detail.get("artefacts") if isinstance(detail, dict) else None
    if not isinstance(artefacts, dict):
        raise Broken(custody_path, "entry 1 does not list the artefacts captured")
    for name, digest in artefacts.items():
        path = f"{folder}/{name}"
        if path not in files:
            raise Broken(path, "was recorded at capture but is missing from the bundle")
        if sha256(files[path]) != digest:
            raise Broken(path, "differs from what was recorded at capture")
    result.checked.append(f"{folder}: snapshot anchors a custody chain of {len(entries)} entries")


def _custody_entries(path: str, data: bytes) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise Broken(path, f"entry {number} is not valid JSON") from exc
        if not isinstance(entry, dict):
            raise Broken(path, f"entry {number} is not a JSON object")
        yield entry


def _check_chain(path: str, entries: list[dict[str, Any]], anchor: str) -> None:
    if not entries or entries[0].get("action") != "captured":
        raise Broken(path, "does not begin with the capture")
    prev = anchor
    for number, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if type(seq) is not int or seq != number or entry.get("snapshot") != anchor:
            raise Broken(path, f"entry {number} is out of sequence or names another snapshot")
        if entry.get("prev") != prev:
            raise Broken(path, f"entry {number} does not follow the entry before it")
        if entry_hash(entry) != entry.get("hash"):
            raise Broken(path, f"entry {number} has been altered (its hash does not recompute)")
        prev = entry["hash"]


def _check_token(files: dict[str, bytes], manifest: dict[str, Any], result: Result) -> None:
    """The token's bytes are already checked against the sealed manifest; here, that it
    time-stamps this manifest. Its signature is for ``openssl ts -verify`` (README.txt)."""
    stamp = manifest.get("timestamp")
    if not stamp:
        return
    expected = imprint(manifest)
    if stamp.get("imprint") != expected:
        raise Broken(MANIFEST, "its timestamp entry names another manifest")
    try:
        from moderator.evidence import timestamp
    except ImportError:
        result.timestamp = (
            f"listed and intact; signature and time not read here: check with openssl "
            f"ts -verify -digest {expected} (README.txt)"
        )
        return
    try:
        info = timestamp.check(files[TOKEN], bytes.fromhex(expected))
    except Exception as exc:  # any parsing failure is a broken token
        raise Broken(TOKEN, f"is not a usable time-stamp token ({exc})") from exc
    if not info.imprint_ok:
        raise Broken(TOKEN, "does not time-stamp this manifest (its imprint differs)")
    result.timestamp = (
        f"manifest time-stamped at {info.gen_time.isoformat()} by {info.tsa or 'the TSA'} "
        f"(the signature: openssl ts -verify, README.txt)"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python3 verify_bundle.py BUNDLE.zip", file=sys.stderr)
        return 2
    try:
        result = verify(args[0])
    except Broken as exc:
        print(f"BROKEN: {exc}")
        return 1
    for line in result.checked:
        print(f"ok  {line}")
    if result.timestamp:
        print(f"ok  {TOKEN}: {result.timestamp}")
    print(f"intact: manifest SHA-256 {result.manifest_sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
