"""Times as evidence prints them: UK local time with UTC beside it, never ambiguous."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def parse(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time from a snapshot (always with an offset), or None."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def words(moment: dt.datetime | str | None) -> str:
    """ "Wed 12 Mar 2025 16:40:01 GMT (2025-03-12 16:40:01 UTC)"; "unknown" when none."""
    if isinstance(moment, str) or moment is None:
        moment = parse(moment)
    if moment is None:
        return "unknown"
    local = moment.astimezone(UK)
    utc = moment.astimezone(dt.UTC)
    return f"{local:%a %d %b %Y %H:%M:%S} {local.tzname()} ({utc:%Y-%m-%d %H:%M:%S} UTC)"


def utc(moment: dt.datetime) -> str:
    """ "2025-03-12 16:40:01 UTC"."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
