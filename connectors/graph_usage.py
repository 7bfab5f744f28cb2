"""Rate-limit usage headers (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).

``X-App-Usage`` and ``X-Page-Usage`` carry whole-number percentages (``call_count``,
``total_time``, ``total_cputime``); ``X-Business-Use-Case-Usage`` carries the same per business
object, plus ``estimated_time_to_regain_access`` in **minutes**. A missing header means
"unknown", not zero. A header that is not valid JSON is ignored: it never fails a call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_HEADERS = ("x-app-usage", "x-page-usage", "x-ad-account-usage")
_BUC = "x-business-use-case-usage"
_PERCENT_KEYS = ("call_count", "total_time", "total_cputime", "acc_id_util_pct")


@dataclass(frozen=True)
class Reading:
    """One response's usage: the highest percentage seen and Meta's wait, in seconds."""

    percent: float | None = None
    regain_seconds: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)


def read(headers: Mapping[str, str]) -> Reading:
    """The usage in ``headers`` (any mapping with case-insensitive or lower-case keys)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    percents: list[float] = []
    regain = 0.0
    raw: dict[str, Any] = {}
    for name in _HEADERS:
        value = _json(lowered.get(name))
        if isinstance(value, dict):
            raw[name] = value
            percents += _percents(value)
    buc = _json(lowered.get(_BUC))
    if isinstance(buc, dict):
        raw[_BUC] = buc
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    percents += _percents(entry)
                    regain = max(regain, _number(entry.get("estimated_time_to_regain_access")) * 60)
    return Reading(max(percents) if percents else None, regain, raw)


class Tracker:
    """The latest reading for one source, shared by the threads that call for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latest = Reading()

    def record(self, headers: Mapping[str, str]) -> Reading:
        reading = read(headers)
        if reading.raw:
            with self._lock:
                self.latest = reading
        return reading

    def forget(self) -> None:
        with self._lock:
            self.latest = Reading()


def _json(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _percents(entry: dict[str, Any]) -> list[float]:
    return [_number(entry[k]) for k in _PERCENT_KEYS if k in entry]


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0
