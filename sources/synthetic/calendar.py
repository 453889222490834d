"""Dates for the generator: collection years, working days (England bank holidays), CSV/XML date text."""

from bisect import bisect_right
from datetime import date, timedelta

import holidays


def collection_year_label(end_year: int) -> str:
    """`2025` (the year a collection ends) -> `2024-25`."""
    return f"{end_year - 1}-{end_year % 100:02d}"


def year_start(end_year: int) -> date:
    return date(end_year - 1, 4, 1)


def year_end(end_year: int) -> date:
    return date(end_year, 3, 31)


def last_collection_year(reference: date) -> int:
    """The collection year (by its end year) that holds the reference date."""
    return reference.year + (1 if reference.month >= 4 else 0)


def dmy(day: date | None) -> str:
    """CSV date text, dd/mm/YYYY; blank when unknown."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""  # f-string: strftime is the hot spot


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class WorkingDays:
    """Monday-Friday excluding England bank holidays, as MEASURES.md counts them."""

    def __init__(self, first: date, last: date):
        bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
        self._days = [
            first + timedelta(days=offset)
            for offset in range((last - first).days + 1)
            if (first + timedelta(days=offset)).weekday() < 5 and first + timedelta(days=offset) not in bank_holidays
        ]
        self._ordinals = [day.toordinal() for day in self._days]

    def add(self, start: date, working_days: int) -> date:
        """The date that is `working_days` working days after `start` (counted after start, end included)."""
        return self._days[bisect_right(self._ordinals, start.toordinal()) + working_days - 1]

    def on_or_after(self, day: date) -> date:
        return self._days[bisect_right(self._ordinals, day.toordinal() - 1)]
