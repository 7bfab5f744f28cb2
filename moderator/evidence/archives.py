"""Zip files handed to people outside the school (evidence bundles, subject access exports):
the same bytes for the same members and time, and written beside their destination first so a
failure never leaves half a file under the final name."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from pathlib import Path

from moderator.errors import ModeratorError


def deterministic(members: dict[str, bytes], at: dt.datetime) -> bytes:
    """A zip of ``members`` in order, every entry dated ``at`` (UTC) and mode 0644."""
    moment = at.astimezone(dt.UTC).timetuple()[:6]
    with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, body in members.items():
                info = zipfile.ZipInfo(path, date_time=moment)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, body)
        buffer.seek(0)
        return buffer.read()


def write_beside(
    out: Path, data: bytes, *, what: str, prefix: str, error: type[ModeratorError]
) -> Path:
    """``data`` synced to a temporary file in ``out``'s folder, for the caller to rename over
    ``out``; ``error`` (naming ``out`` and ``what``) when it cannot be written."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".zip", dir=out.parent)
    except OSError as exc:
        raise error(f"{out}: cannot write the {what} there ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise error(f"{out}: cannot write the {what} ({exc.strerror})") from exc
    return Path(temporary)
