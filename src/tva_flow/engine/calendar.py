"""Finland's working days: Monday to Friday less public holidays, Christmas Eve and Midsummer Eve included.

The `holidays` package keeps the calendar (Easter-dependent holidays, Midsummer, All Saints' Day); this
module only counts with it. Dates in and out are ISO strings, as process data carries them.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

# Statutory deadlines count weeks or months of working days; no diagram needs decades. A bound keeps one
# expression from looping day by day for minutes (add_working_days(d, 10**9)).
MAX_WORKING_DAYS = 10_000  # about 40 years
MAX_SPAN_DAYS = 366 * 100
MAX_NON_WORKING_RUN = 14  # the longest run of days off in the calendar is 5 (Christmas on a weekend)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Finland(years=year))


def _d(value) -> date:
    from .functions import _d as to_date  # one parser of dates for all expression functions
    return to_date(value)


def is_working_day(day) -> bool:
    """Mon–Fri and not a Finnish public holiday (Christmas Eve and Midsummer Eve count as holidays)."""
    d = _d(day)
    return d.weekday() < 5 and d not in _holidays(d.year)


def next_working_day(day) -> str:
    """``day`` itself if it is a working day, otherwise the first working day after it.

    Act 150/1930 on the calculation of time limits, 5 §: when the last day of a time limit falls on a
    Saturday, a Sunday or a public holiday (Independence Day, May Day, Christmas Eve and Midsummer Eve
    included), the act may still be done on the next working day. Every statutory deadline goes
    through this: a payment application due on Sat 31.10.2026 (All Saints' Day) is in time on Mon 2.11.2026.
    """
    d = _d(day)
    for _ in range(MAX_NON_WORKING_RUN):
        if is_working_day(d):
            return d.isoformat()
        d += timedelta(days=1)
    raise ValueError(f"no working day within {MAX_NON_WORKING_RUN} days of {_d(day).isoformat()}")


def add_working_days(day, n: int) -> str:
    """The n-th working day after ``day`` (``day`` itself is not counted): 5.1.2026 + 10 → 20.1.2026."""
    d, left = _d(day), int(n)
    if abs(left) > MAX_WORKING_DAYS:
        raise ValueError(f"add_working_days counts at most {MAX_WORKING_DAYS} working days, not {left}")
    step = 1 if left >= 0 else -1
    while left:
        d += timedelta(days=step)
        if is_working_day(d):
            left -= step
    return d.isoformat()


def working_days_between(start, end) -> int:
    """Working days d with start < d <= end (0 when end is not after start)."""
    first, last = _d(start), _d(end)
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError(f"working_days_between counts over at most {MAX_SPAN_DAYS} days")
    count, d = 0, first
    while d < last:
        d += timedelta(days=1)
        count += is_working_day(d)
    return count
