"""``--since`` values: a duration back from now (``30m``, ``24h``, ``7d``, ``2w``) or a date."""

from __future__ import annotations

import datetime as dt
import re

from moderator.errors import ModeratorError

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class WindowError(ModeratorError):
    """A ``--since`` value is not a duration or a date."""


def since(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """The UTC start of the window ``value`` describes."""
    now = now or dt.datetime.now(dt.UTC)
    match = _DURATION.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return now - dt.timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise WindowError(
            f"--since {value!r}: expected a duration such as 24h, 7d or 2w, or a date such as 2026-10-01"
        ) from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
