"""Platform timestamps to timezone-aware UTC datetimes."""

from __future__ import annotations

import datetime as dt
import re

_FB_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def parse(value: object) -> dt.datetime | None:
    """Parse ISO 8601 (``Z``, ``+00:00`` or Graph's ``+0000``) or Unix seconds.

    ``None`` and ``""`` give ``None``; a time without a zone is taken as UTC. Anything else
    raises ``ValueError`` with a message that names the expected forms.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected an ISO 8601 time or Unix seconds; got {value!r}")
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"Unix seconds out of range; got {str(value)[:40]}") from None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time or Unix seconds; got {type(value).__name__}")
    text = _FB_OFFSET.sub(r"\1:\2", value.strip().replace("Z", "+00:00"))
    try:
        parsed = dt.datetime.fromisoformat(text)
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError(
            f"expected an ISO 8601 time such as 2026-10-05T08:12:00+00:00; got {value[:40]!r}"
        ) from None
