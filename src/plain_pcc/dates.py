"""Dates as editors write them: a day (2016-11-03) or, where only the month is known, a month
(2016-03)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY-MM-DD`` or ``YYYY-MM``; ValueError says what is wrong in plain words."""
        match = _PATTERN.fullmatch(text.strip())
        if not match:
            raise ValueError(
                f"'{text}' is not a date: write it as year-month-day, like 2016-11-03, "
                "or year-month, like 2016-03, when the day is not known"
            )
        year, month, day = int(match[1]), int(match[2]), match[3]
        try:
            dt.date(year, month, int(day) if day else 1)
        except ValueError:
            raise ValueError(f"'{text}' is not a date in the calendar") from None
        return cls(year, month, int(day) if day else None)

    @property
    def iso(self) -> str:
        """The value of ``<time datetime>``: a valid date or month string (HTML)."""
        month = f"{self.year:04d}-{self.month:02d}"
        return f"{month}-{self.day:02d}" if self.day else month

    @property
    def month_name(self) -> str:
        return dt.date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def text(self) -> str:
        return f"{self.day} {self.month_name}" if self.day else self.month_name

    def days_until(self, later: PartialDate) -> int | None:
        """Whole days from this date to ``later``, when both name a day."""
        if self.day is None or later.day is None:
            return None
        start = dt.date(self.year, self.month, self.day)
        return (dt.date(later.year, later.month, later.day) - start).days
