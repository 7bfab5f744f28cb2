"""Check an evidence bundle: every member's SHA-256 and each exhibit's custody chain.

This file uses the Python standard library only, and a copy of it travels inside every bundle as
``verify_bundle.py``, so a recipient with nothing but the zip and Python 3.11+ can run::

    python3 verify_bundle.py bundle.zip

It prints "intact" and exits 0, or names the first member that fails and exits 1. It also
defines the formats it checks (``canonical``, ``entry_hash``), which the exporter imports.

A bundle may come from anyone, so the checker reads it as hostile input, in constant memory:
only a regular file is opened (never a FIFO, a device or a folder); the zip's directory is
sized before it is parsed; each member is hashed as a stream after its size in the zip has been
compared with the manifest's; the few members parsed whole (the manifest, ``SHA256SUMS``, the
time-stamp token, one custody entry) have a ceiling; members may not overlap; and only the
compression the exporter uses (deflate, which cannot expand more than about 1,032 times) is
read, so the work is bounded by the file's size too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
TOKEN = "timestamp.tsr"
FORMAT = "school-moderator/evidence-bundle/1"

CHUNK = 1 << 20  #: bytes hashed at a time
MAX_DIRECTORY = 4 << 20  #: bytes of zip directory parsed (some 30,000 members; a member costs
#: about ten times its directory entry in memory)
MAX_PARSED = 4 << 20  #: bytes of a member read whole: the manifest, SHA256SUMS, the token
MAX_ENTRY = 1 << 20  #: bytes of one custody entry (one line of custody.jsonl)
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}  #: what is read
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
)


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
    with _open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        _check_directory(path, handle)
        try:
            archive = zipfile.ZipFile(handle)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise Broken(str(path), f"not a readable zip file ({exc})") from exc
        with archive:
            bundle = _Bundle(archive, _index(path, archive, size))
            result = Result()
            manifest = _check_manifest(bundle, result)
            listed = _check_members(bundle, manifest, result)
            _check_exhibits(bundle, manifest, listed, result)
            _check_token(bundle, manifest, result)
    return result


def _open_regular(path: str) -> IO[bytes]:
    """``path`` opened for reading when it is a regular file. It is opened without waiting (a
    FIFO would block until someone writes to it) and looked at through the open handle, so what
    is checked is what is read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise Broken(str(path), f"cannot be opened ({exc.strerror or exc})") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Broken(str(path), f"is {_kind(mode)}, not a file; give the bundle's .zip file")
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _check_directory(path: str, handle: IO[bytes]) -> None:
    """Refuse a zip directory too big to parse in bounded memory, before zipfile parses it
    (zipfile makes an object of every entry the directory's size allows). zipfile's own reader
    of the end record is used when this Python has it."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        record = end_record(handle)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return  # zipfile says what is wrong
    if record and record[5] > MAX_DIRECTORY:  # 5: the directory's size in bytes
        raise Broken(
            str(path),
            f"its zip directory is {record[5]} bytes, more than a bundle's can be "
            f"({MAX_DIRECTORY}); not read",
        )


def _index(path: str, archive: zipfile.ZipFile, size: int) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by name, after checking every entry's name, kind and compression, and
    that the members' compressed data fits in the file (overlapping members are a zip bomb)."""
    files: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    packed = 0
    for info in archive.infolist():
        name = info.filename
        _check_name(name)
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            raise Broken(name, "appears twice in the zip (names differing only in case count)")
        seen.add(folded)
        if info.compress_type not in METHODS:
            raise Broken(
                name,
                f"is compressed with zip method {info.compress_type}; a bundle uses only "
                f"{' or '.join(METHODS.values())}; not read",
            )
        packed += info.compress_size
        if info.is_dir():
            if info.file_size:
                raise Broken(name, "is a folder entry that holds data")
            continue
        files[name] = info
    if packed > size:
        raise Broken(
            str(path),
            f"its members claim {packed} bytes of compressed data in a {size}-byte file "
            "(overlapping members: a zip bomb); not read",
        )
    return files


class _Bundle:
    """The zip's files, read as streams within limits; a member that cannot be read is named."""

    def __init__(self, archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo]) -> None:
        self.archive = archive
        self.files = files
        self.hashes: dict[str, str] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.files

    def names(self) -> list[str]:
        return sorted(self.files)

    def size(self, name: str) -> int:
        return self.files[name].file_size

    def chunks(self, name: str, limit: int) -> Iterator[bytes]:
        """The member's bytes in pieces; :class:`Broken` when it holds more than ``limit``."""
        total = 0
        try:
            with self.archive.open(self.files[name]) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise Broken(name, f"holds more than the {limit} bytes it should")
                    yield chunk
        except _DAMAGE as exc:
            raise Broken(name, f"cannot be read: the zip says it is damaged ({exc})") from exc

    def digest(self, name: str, limit: int) -> tuple[str, int]:
        """SHA-256 and size of a member, hashed as a stream (remembered by name)."""
        hasher, total = hashlib.sha256(), 0
        for chunk in self.chunks(name, limit):
            hasher.update(chunk)
            total += len(chunk)
        self.hashes[name] = hasher.hexdigest()
        return self.hashes[name], total

    def sha256(self, name: str) -> str:
        known = self.hashes.get(name)
        return known if known is not None else self.digest(name, self.size(name))[0]

    def read(self, name: str, what: str, limit: int = MAX_PARSED) -> bytes:
        """A member read whole, when its size in the zip is within ``limit``."""
        if self.size(name) > limit:
            raise Broken(
                name, f"is {self.size(name)} bytes, more than {what} can be ({limit}); not read"
            )
        return b"".join(self.chunks(name, limit))

    def lines(self, name: str, limit: int = MAX_ENTRY) -> Iterator[bytes]:
        """A member's lines (split at newline only), each within ``limit`` bytes."""
        try:
            with self.archive.open(self.files[name]) as stream:
                for number, line in enumerate(iter(lambda: stream.readline(limit + 1), b""), 1):
                    if len(line) > limit:
                        raise Broken(name, f"entry {number} is longer than {limit} bytes")
                    yield line
        except _DAMAGE as exc:
            raise Broken(name, f"cannot be read: the zip says it is damaged ({exc})") from exc


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


def _check_manifest(bundle: _Bundle, result: Result) -> dict[str, Any]:
    if MANIFEST not in bundle:
        raise Broken(MANIFEST, "missing from the bundle")
    data = bundle.read(MANIFEST, "a bundle's manifest")
    if data.count(b"{") + data.count(b"[") > 2 * len(bundle.files) + 64:
        raise Broken(MANIFEST, "has more entries than the bundle has members")
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
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
    bundle: _Bundle, manifest: dict[str, Any], result: Result
) -> dict[str, dict[str, Any]]:
    listed = {m["path"]: m for m in manifest["members"]}
    stamp = manifest.get("timestamp")
    expected = {**listed, **({TOKEN: {"path": TOKEN, **stamp}} if stamp else {})}
    for path, member in expected.items():
        if path not in bundle:
            raise Broken(path, "is listed in the manifest but missing from the bundle")
        size, stated = member.get("size"), member.get("sha256")
        if type(size) is not int or size < 0:
            raise Broken(path, "has no size in the manifest")
        if bundle.size(path) != size:  # before reading: a small zip can hold a huge member
            raise Broken(
                path, f"is {bundle.size(path)} bytes in the zip; the manifest says {size}; not read"
            )
        actual, _ = bundle.digest(path, size)
        if actual != stated:
            raise Broken(path, f"SHA-256 is {actual}; the manifest says {stated}")
    for path in bundle.names():
        if path not in expected and path != MANIFEST:
            raise Broken(path, "is in the bundle but not in the manifest")
    sums = _parse_sums(bundle.read(SUMS, f"a bundle's {SUMS}") if SUMS in bundle else b"")
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
    bundle: _Bundle,
    manifest: dict[str, Any],
    listed: dict[str, dict[str, Any]],
    result: Result,
) -> None:
    """Every exhibit folder is in the manifest's exhibits, and each one's chain holds."""
    folders = {e["folder"]: e for e in manifest["exhibits"]}
    for path in bundle.names():
        if path.startswith("exhibits/") and path.rsplit("/", 1)[0] not in folders:
            raise Broken(path, "is in an exhibit folder the manifest does not name")
    for folder, exhibit in folders.items():
        _check_exhibit(bundle, folder, exhibit["snapshot_sha256"], result)


def _check_exhibit(bundle: _Bundle, folder: str, stated: str, result: Result) -> None:
    snapshot_path, custody_path = f"{folder}/snapshot.json", f"{folder}/custody.jsonl"
    for path in (snapshot_path, custody_path):
        if path not in bundle:
            raise Broken(path, "missing from the bundle")
    anchor = bundle.sha256(snapshot_path)
    if anchor != stated:
        raise Broken(snapshot_path, "is not the snapshot the manifest's exhibit names")
    entries = _check_chain(custody_path, _custody_entries(bundle, custody_path), anchor)
    recorded = [(n, _artefacts(e)) for n, e in enumerate(entries, start=1)]
    if recorded[0][1] is None:
        raise Broken(custody_path, "entry 1 does not list the artefacts captured")
    for number, named in recorded:  # the capture's, then any drawn later (the capture image)
        for name, digest in (named or {}).items():
            path = f"{folder}/{name}"
            if path not in bundle:
                raise Broken(path, f"is named by custody entry {number} but missing")
            if bundle.sha256(path) != digest:
                raise Broken(path, f"differs from what custody entry {number} recorded")
    result.checked.append(f"{folder}: snapshot anchors a custody chain of {len(entries)} entries")


def _artefacts(entry: dict[str, Any]) -> dict[str, Any] | None:
    """What a ``captured`` or ``artefact_added`` entry says was stored; None if it says nothing."""
    detail = entry.get("detail") if entry.get("action") in ("captured", "artefact_added") else None
    named = detail.get("artefacts") if isinstance(detail, dict) else None
    return named if isinstance(named, dict) else None


def _custody_entries(bundle: _Bundle, path: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(bundle.lines(path), start=1):
        try:
            entry = json.loads(line.decode("utf-8", "replace"))
        except (ValueError, RecursionError) as exc:
            raise Broken(path, f"entry {number} is not valid JSON") from exc
        if not isinstance(entry, dict):
            raise Broken(path, f"entry {number} is not a JSON object")
        yield entry


def _check_chain(path: str, entries: Iterator[dict[str, Any]], anchor: str) -> list[dict[str, Any]]:
    """Check the chain entry by entry; its entries, the capture first."""
    checked: list[dict[str, Any]] = []
    prev = anchor
    for number, entry in enumerate(entries, start=1):
        if not checked and entry.get("action") != "captured":
            raise Broken(path, "does not begin with the capture")
        seq = entry.get("seq")
        if type(seq) is not int or seq != number or entry.get("snapshot") != anchor:
            raise Broken(path, f"entry {number} is out of sequence or names another snapshot")
        if entry.get("prev") != prev:
            raise Broken(path, f"entry {number} does not follow the entry before it")
        if entry_hash(entry) != entry.get("hash"):
            raise Broken(path, f"entry {number} has been altered (its hash does not recompute)")
        prev = entry["hash"]
        checked.append(entry)
    if not checked:
        raise Broken(path, "does not begin with the capture")
    return checked


def _check_token(bundle: _Bundle, manifest: dict[str, Any], result: Result) -> None:
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
    token = bundle.read(TOKEN, "a time-stamp token")
    try:
        info = timestamp.check(token, bytes.fromhex(expected))
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
