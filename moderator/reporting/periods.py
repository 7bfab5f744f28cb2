"""A reporting period: whole UK days ``first``..``last``, counted in weeks or months.

A span of up to 13 weeks is counted per week (weeks start on Monday), a longer one per month.
Everything is bucketed by the UK date of the moment it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from moderator.errors import InputError
from moderator.evidence.times import UK

#: The longest span counted per week; anything longer is counted per month.
WEEKLY_UP_TO = dt.timedelta(weeks=13)
#: The longest span a report covers (ten years).
LONGEST = dt.timedelta(days=3660)


@dataclass(frozen=True)
class Period:
    first: dt.date  #: the first day, inclusive
    last: dt.date  #: the last day, inclusive

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """From two ISO dates (``2026-10-01``); a wrong or reversed pair is a one-line error."""
        try:
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        except ValueError:
            raise InputError("dates are written YYYY-MM-DD, e.g. 2026-10-01") from None
        if end < start:
            raise InputError("the report's last day is before its first day")
        if end - start > LONGEST:
            raise InputError("a report covers ten years at most")
        return cls(start, end)

    @property
    def unit(self) -> str:
        """``week`` or ``month``."""
        return "week" if self.last - self.first < WEEKLY_UP_TO else "month"

    @property
    def start(self) -> dt.datetime:
        """The first moment (UK midnight), timezone-aware."""
        return dt.datetime.combine(self.first, dt.time(), tzinfo=UK)

    @property
    def end(self) -> dt.datetime:
        """The moment after the last day (exclusive)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=UK)

    def bucket(self, moment: dt.datetime) -> dt.date:
        """The first day of the week or month ``moment`` falls in (UK time)."""
        day = moment.astimezone(UK).date()
        if self.unit == "week":
            return day - dt.timedelta(days=day.weekday())
        return day.replace(day=1)

    def buckets(self) -> list[dt.date]:
        """Every week or month of the period, oldest first."""
        out, at = [], self.bucket(self.start)
        while at <= self.last:
            out.append(at)
            at = (
                at + dt.timedelta(weeks=1)
                if self.unit == "week"
                else (at.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            )
        return out

    def label(self, bucket: dt.date) -> str:
        return f"{bucket:%d %b %Y}" if self.unit == "week" else f"{bucket:%b %Y}"
