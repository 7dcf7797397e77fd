"""The FEEL built-in functions this engine knows. Each takes and returns FEEL values; a null argument or
an argument of the wrong type gives null, as FEEL says."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from dateutil.relativedelta import relativedelta

from ..calendar import next_working_day
from .values import CTX, feel_compare, feel_equal, kind, parse_date, parse_datetime, parse_duration, parse_time


def _items(args):
    """min(1, 2) and min([1, 2]) mean the same."""
    return list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)


def _extreme(args, op):
    xs = _items(args)
    if not xs or any(x is None for x in xs):
        return None
    best = xs[0]
    for x in xs[1:]:
        better = feel_compare(op, x, best)
        if better is None:
            return None
        if better:
            best = x
    return best


def f_sum(*args):
    xs = _items(args)
    if not xs or any(kind(x) != "number" for x in xs):
        return None
    total = Decimal(0)
    for x in xs:
        total = CTX.add(total, Decimal(x))
    return total


def f_mean(*args):
    total = f_sum(*args)
    return None if total is None else CTX.divide(total, Decimal(len(_items(args))))


def f_count(*args):
    return Decimal(len(_items(args)))


def _round(n, scale, rounding):
    if kind(n) != "number":
        return None
    exp = Decimal(1).scaleb(-int(scale or 0))
    return Decimal(n).quantize(exp, rounding=rounding, context=CTX)


def f_date(*args):
    if len(args) == 3:
        return date(*(int(a) for a in args))
    (x,) = args
    if isinstance(x, str):
        return parse_date(x)
    if isinstance(x, datetime):
        return x.date()
    return x if isinstance(x, date) else None


def f_date_and_time(*args):
    if len(args) == 2:
        d, t = args
        return datetime.combine(d if not isinstance(d, datetime) else d.date(), t)
    (x,) = args
    if isinstance(x, str):
        return parse_datetime(x)
    if isinstance(x, datetime):
        return x
    return datetime.combine(x, time()) if isinstance(x, date) else None


def f_time(*args):
    if len(args) >= 3:
        h, m, s = args[:3]
        return time(int(h), int(m), int(s))
    (x,) = args
    if isinstance(x, str):
        return parse_time(x)
    if isinstance(x, datetime):
        return x.timetz()
    return x if isinstance(x, time) else None


def f_years_and_months(start, end):
    start = start.date() if isinstance(start, datetime) else start
    end = end.date() if isinstance(end, datetime) else end
    delta = relativedelta(end, start)
    return relativedelta(years=delta.years, months=delta.months)


def f_string(x):
    if kind(x) == "other":  # not a FEEL value: no Python str() of foreign objects
        return None
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, Decimal):
        text = format(x.normalize(), "f")
        return text
    if isinstance(x, (date, time)):
        return x.isoformat()
    return str(x)


def f_substring(s, start, length=None):
    start = int(start)
    begin = start - 1 if start > 0 else len(s) + start
    return s[begin:] if length is None else s[begin:begin + int(length)]


def f_number(text):
    if not isinstance(text, str):
        return None
    n = Decimal(text.strip())
    return n if n.is_finite() else None


def _all(*args):
    xs = _items(args)
    if any(x is False for x in xs):
        return False
    return True if all(x is True for x in xs) else None


def _any(*args):
    xs = _items(args)
    if any(x is True for x in xs):
        return True
    return False if all(x is False for x in xs) else None


def f_not(b):
    return (not b) if isinstance(b, bool) else None


def f_list_contains(xs, x):
    return any(feel_equal(item, x) is True for item in xs)


def f_next_working_day(d):
    """`next_working_day(d)`: d itself if it is a working day, else the next one (Act 150/1930 5 §).

    The one Finnish calendar of engine/calendar.py; the same function BPMN expressions call, with the same
    answer: the ISO date text ("2026-11-02"), which is what a date output carries into process data. Compare
    it as a date with `date(next_working_day(d))`. (One word with underscores, not `next working day`:
    SpiffWorkflow's own DMN parser, which modellers' tools use, reads output entries as Python.)"""
    if isinstance(d, str):
        d = parse_date(d)
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        return None
    return next_working_day(d)


def _abs(n):
    return abs(n) if kind(n) in ("number", "dayTimeDuration") else None


# name -> (function, whether a null argument makes the result null without calling it)
BUILTINS = {
    "date": (f_date, True),
    "date and time": (f_date_and_time, True),
    "time": (f_time, True),
    "duration": (lambda s: parse_duration(s), True),
    "years and months duration": (f_years_and_months, True),
    "today": (lambda: date.today(), False),
    "now": (lambda: datetime.now().astimezone(), False),
    "min": (lambda *a: _extreme(a, "<"), False),
    "max": (lambda *a: _extreme(a, ">"), False),
    "sum": (f_sum, False),
    "mean": (f_mean, False),
    "count": (f_count, True),
    "abs": (_abs, True),
    "floor": (lambda n, scale=0: _round(n, scale, ROUND_FLOOR), True),
    "ceiling": (lambda n, scale=0: _round(n, scale, ROUND_CEILING), True),
    "decimal": (lambda n, scale: _round(n, scale, ROUND_HALF_EVEN), True),
    "string length": (lambda s: Decimal(len(s)) if isinstance(s, str) else None, True),
    "substring": (f_substring, True),
    "upper case": (lambda s: s.upper() if isinstance(s, str) else None, True),
    "lower case": (lambda s: s.lower() if isinstance(s, str) else None, True),
    "contains": (lambda s, t: t in s if isinstance(s, str) and isinstance(t, str) else None, True),
    "starts with": (lambda s, t: s.startswith(t) if isinstance(s, str) and isinstance(t, str) else None, True),
    "ends with": (lambda s, t: s.endswith(t) if isinstance(s, str) and isinstance(t, str) else None, True),
    "string": (f_string, True),
    "number": (f_number, True),
    "not": (f_not, False),
    "list contains": (f_list_contains, False),
    "all": (_all, False),
    "next_working_day": (f_next_working_day, True),
    "any": (_any, False),
}


def call_builtin(name: str, args: list):
    fn, null_in_null_out = BUILTINS[name]
    if null_in_null_out and any(a is None for a in args):
        return None
    try:
        return fn(*args)
    except (TypeError, ValueError, ArithmeticError, AttributeError, OverflowError):  # FEEL: null
        return None
