"""Functions that BPMN scripts, conditions, timer expressions and DMN cells may call.

Dates travel through process data as ISO strings ("2026-01-05"); date-times as ISO strings with the
Finnish offset ("2026-03-01T00:00:00+02:00"). Every function here is pure except ``today`` and
``now``, which read the clock of the step being run (:func:`clock.current`). Documented for process
owners in the README.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from . import clock
from .clock import HELSINKI


def _d(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def today() -> str:
    """Today's date in Finland (engine clock), e.g. "2026-01-05"."""
    return clock.current().today().isoformat()


def now() -> str:
    """The engine clock as an ISO date-time in Finnish time."""
    return clock.current().now().astimezone(HELSINKI).isoformat()


def add_days(day, n: int) -> str:
    return (_d(day) + timedelta(days=int(n))).isoformat()


def add_months(day, n: int) -> str:
    """Calendar months; the day is clamped to the month's end (31.1 + 1 month = 28.2)."""
    return (_d(day) + relativedelta(months=int(n))).isoformat()


def start_of_day(day) -> str:
    """00:00 Finnish time on ``day``, as an ISO date-time (for timers)."""
    return datetime.combine(_d(day), time(0), HELSINKI).isoformat()


def end_of_day(day) -> str:
    """The instant a day ends: 00:00 Finnish time on the next day (a deadline "by day X" passes then)."""
    return start_of_day(_d(day) + timedelta(days=1))


def monthly_periods(start, months: int) -> list[dict]:
    """Consecutive one-month periods from ``start``: [{"index": 1, "start": .., "end": ..}, ...]."""
    first = _d(start)
    if not 0 <= int(months) <= 1200:
        raise ValueError(f"monthly_periods makes 0 to 1200 periods (a hundred years), not {months}")
    periods = []
    for k in range(int(months)):
        p_start = first + relativedelta(months=k)
        p_end = first + relativedelta(months=k + 1) - timedelta(days=1)
        periods.append({"index": k + 1, "start": p_start.isoformat(), "end": p_end.isoformat()})
    return periods


def weekdays_between(start, end) -> int:
    """Mondays to Fridays from ``start`` to ``end``, both included."""
    first, last = _d(start), _d(end)
    if last < first:
        return 0
    days = (last - first).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(rest):
        if (first + timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def days_between(start, end) -> int:
    """Calendar days from ``start`` to ``end`` (the notice day 1.10. to 30.11. is 60 days)."""
    return (_d(end) - _d(start)).days


def area_of(municipality) -> str | None:
    """The employment-authority area of a municipality (code "091" or Finnish name), or None (Åland, unknown)."""
    from ..areas import area_of_municipality
    return area_of_municipality(str(municipality)) if municipality is not None else None


def later_date(a, b) -> str:
    return max(_d(a), _d(b)).isoformat()


def earlier_date(a, b) -> str:
    return min(_d(a), _d(b)).isoformat()


def finnish_date(day) -> str:
    """A date as Finnish letters write it, without leading zeros: "2026-01-05" gives "5.1.2026"."""
    d = _d(day)
    return f"{d.day}.{d.month}.{d.year}"


def euros(amount) -> str:
    """An amount of euros with two decimals and a decimal comma, as letters write it: 1260 gives "1260,00"."""
    return f"{amount:.2f}".replace(".", ",")


def _calendar_functions():
    from .calendar import add_working_days, is_working_day, next_working_day, working_days_between
    return add_working_days, is_working_day, next_working_day, working_days_between


EXPRESSION_FUNCTIONS = {
    f.__name__: f
    for f in (today, now, add_days, add_months, start_of_day, end_of_day, monthly_periods,
              weekdays_between, days_between, later_date, earlier_date, finnish_date, euros, area_of,
              *_calendar_functions())
}
