"""FEEL values in Python: conversion from/to plain Python and JSON, typeRef coercion, and the
null-propagating comparison and arithmetic that FEEL defines.

FEEL type            Python
number               decimal.Decimal (34 significant digits)
string / boolean     str / bool
date, date and time  datetime.date, datetime.datetime
time                 datetime.time
days and time dur.   datetime.timedelta
years and months d.  dateutil.relativedelta.relativedelta
list / context       list / dict
null                 None
"""
from __future__ import annotations

import operator
import re
from datetime import date, datetime, time, timedelta
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow, ROUND_HALF_EVEN

from dateutil.relativedelta import relativedelta

CTX = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
ORDERED = {"number", "string", "date", "dateTime", "time", "dayTimeDuration", "yearMonthDuration"}


def kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (Decimal, int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, datetime):
        return "dateTime"
    if isinstance(v, date):
        return "date"
    if isinstance(v, time):
        return "time"
    if isinstance(v, timedelta):
        return "dayTimeDuration"
    if isinstance(v, relativedelta):
        return "yearMonthDuration"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, dict):
        return "context"
    return "other"


# ---------------------------------------------------------------- conversion
def from_python(v):
    """Plain Python (JSON-ish) value -> FEEL value: ints and floats become Decimal."""
    if v is None or isinstance(v, (bool, Decimal, str)):
        return v
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v)) if v == v and v not in (float("inf"), float("-inf")) else None
    if isinstance(v, dict):
        return {k: from_python(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [from_python(x) for x in v]
    return v


def _number_out(v: Decimal):
    if v.is_finite() and v == v.to_integral_value():
        return int(v)
    return float(v)


def to_python(v):
    """FEEL value -> plain Python: Decimal becomes int when integral, else float."""
    if isinstance(v, Decimal):
        return _number_out(v)
    if isinstance(v, dict):
        return {k: to_python(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_python(x) for x in v]
    return v


def to_json(v):
    """FEEL value -> JSON-ready value: numbers as int/float, dates, times and durations as ISO 8601."""
    if isinstance(v, Decimal):
        return _number_out(v)
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    if isinstance(v, (timedelta, relativedelta)):
        return format_duration(v)
    if isinstance(v, dict):
        return {str(k): to_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [to_json(x) for x in v]
    return v


# ---------------------------------------------------------------- parsing of temporal strings
_DURATION = re.compile(
    r"^(-)?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str):
    m = _DURATION.match(text.strip())
    if not m:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    neg, y, mo, w, d, h, mi, s = m.groups()
    sign = -1 if neg else 1
    if (y or mo) and not (w or d or h or mi or s):
        return relativedelta(years=sign * int(y or 0), months=sign * int(mo or 0))
    if y or mo:
        return relativedelta(years=sign * int(y or 0), months=sign * int(mo or 0), weeks=sign * int(w or 0),
                             days=sign * int(d or 0), hours=sign * int(h or 0), minutes=sign * int(mi or 0),
                             seconds=sign * float(s or 0))
    return sign * timedelta(weeks=int(w or 0), days=int(d or 0), hours=int(h or 0), minutes=int(mi or 0),
                            seconds=float(s or 0))


def format_duration(v) -> str:
    if isinstance(v, relativedelta):
        months = v.years * 12 + v.months
        sign = "-" if months < 0 else ""
        y, m = divmod(abs(months), 12)
        text = f"{sign}P" + (f"{y}Y" if y else "") + (f"{m}M" if m or not y else "")
        if v.days or v.hours or v.minutes or v.seconds:
            text += f"{abs(v.days)}D" if v.days else ""
            if v.hours or v.minutes or v.seconds:
                text += f"T{abs(v.hours)}H{abs(v.minutes)}M{abs(v.seconds)}S"
        return text
    total = v.total_seconds()
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}P" + (f"{int(days)}D" if days else "")
    if hours or minutes or seconds or not days:
        sec = f"{seconds:g}"
        text += "T" + (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
        text += f"{sec}S" if seconds or not (hours or minutes) else ""
    return text


def parse_date(text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_datetime(text).date()


def parse_datetime(text: str) -> datetime:
    text = text.strip()
    zone = None
    if "@" in text:
        text, zone = text.split("@", 1)
    if "T" not in text and len(text) <= 10:
        value = datetime.combine(date.fromisoformat(text), time())
    else:
        value = datetime.fromisoformat(text)
    if zone:
        from zoneinfo import ZoneInfo
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value


def parse_time(text: str) -> time:
    return time.fromisoformat(text.strip())


# ---------------------------------------------------------------- typeRef coercion
_TYPE_ALIASES = {
    "number": "number", "decimal": "number", "integer": "number", "int": "number", "double": "number",
    "long": "number", "string": "string", "boolean": "boolean", "date": "date",
    "datetime": "dateTime", "date and time": "dateTime", "time": "time",
    "daytimeduration": "dayTimeDuration", "days and time duration": "dayTimeDuration",
    "yearmonthduration": "yearMonthDuration", "years and months duration": "yearMonthDuration",
    "duration": "duration", "any": "Any",
}


def base_type(type_ref: str | None) -> str | None:
    """'feel:number', 'xsd:date', 'date and time' ... -> canonical FEEL type name, None if not built in."""
    if not type_ref:
        return None
    name = type_ref.strip()
    if ":" in name:
        name = name.split(":", 1)[1]
    return _TYPE_ALIASES.get(name.lower())


def coerce(value, type_ref: str | None):
    """Bring a caller's value to the FEEL type a typeRef names (ISO strings to dates, numbers to Decimal).
    A value that cannot be converted stays as it is (and then compares as null with other types)."""
    v = from_python(value)
    t = base_type(type_ref)
    if v is None or t is None:
        return v
    try:
        if t == "number" and isinstance(v, str):
            return Decimal(v.strip())
        if t == "date":
            if isinstance(v, str):
                return parse_date(v)
            if isinstance(v, datetime):
                return v.date()
        if t == "dateTime":
            if isinstance(v, str):
                return parse_datetime(v)
            if isinstance(v, date) and not isinstance(v, datetime):
                return datetime.combine(v, time())
        if t == "time" and isinstance(v, str):
            return parse_time(v)
        if t in ("dayTimeDuration", "yearMonthDuration", "duration") and isinstance(v, str):
            return parse_duration(v)
        if t == "boolean" and isinstance(v, str) and v.lower() in ("true", "false"):
            return v.lower() == "true"
    except (ValueError, ArithmeticError):
        return v
    return v


# ---------------------------------------------------------------- equality, ordering, arithmetic
def months(v: relativedelta) -> int:
    return v.years * 12 + v.months


def feel_equal(a, b):
    """FEEL '=': true/false, or None (null) when the two values have different types."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return None
    if ka == "list":
        if len(a) != len(b):
            return False
        results = [feel_equal(x, y) for x, y in zip(a, b)]
        return False if False in results else (None if None in results else True)
    if ka == "context":
        if set(a) != set(b):
            return False
        results = [feel_equal(a[k], b[k]) for k in a]
        return False if False in results else (None if None in results else True)
    try:
        return a == b
    except TypeError:
        return None


_ORDER_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def feel_compare(op: str, a, b):
    """FEEL comparison: True/False, or None when either side is null or the types differ."""
    if op in ("=", "!="):
        eq = feel_equal(a, b)
        return eq if op == "=" or eq is None else not eq
    if a is None or b is None:
        return None
    ka, kb = kind(a), kind(b)
    if ka != kb or ka not in ORDERED:
        return None
    if ka == "yearMonthDuration":
        a, b = months(a), months(b)
    try:
        return _ORDER_OPS[op](a, b)
    except TypeError:  # naive vs aware date-times
        return None


def arithmetic(op: str, a, b):
    """FEEL + - * / **; null in, or types that do not combine, give null."""
    if a is None or b is None:
        return None
    ka, kb = kind(a), kind(b)
    try:
        if ka == kb == "number":
            a, b = Decimal(a), Decimal(b)
            if op == "**":
                return CTX.power(a, b)
            return {"+": CTX.add, "-": CTX.subtract, "*": CTX.multiply, "/": CTX.divide}[op](a, b)
        temporal = ("date", "dateTime", "time")
        durations = ("dayTimeDuration", "yearMonthDuration")
        if op == "+":
            if ka == kb == "string":
                return a + b
            if ka in temporal and kb in durations or ka == kb and ka in durations:
                return a + b
            if ka in durations and kb in temporal:
                return b + a
        elif op == "-":
            if ka == kb and ka in ("date", "dateTime", *durations):
                return a - b
            if ka in temporal and kb in durations:
                return a - b
        elif op == "*":
            if ka == "number" and kb in durations:
                a, b, ka, kb = b, a, kb, ka
            if ka in durations and kb == "number":
                if ka == "yearMonthDuration":
                    total = int(CTX.multiply(Decimal(months(a)), b).to_integral_value())
                    return relativedelta(months=total)
                return a * float(b)
        elif op == "/":
            if ka in durations and kb == "number":
                if ka == "yearMonthDuration":
                    return relativedelta(months=int(CTX.divide(Decimal(months(a)), b).to_integral_value()))
                return a / float(b)
            if ka == kb == "dayTimeDuration":
                return CTX.divide(Decimal(repr(a.total_seconds())), Decimal(repr(b.total_seconds())))
            if ka == kb == "yearMonthDuration":
                return CTX.divide(Decimal(months(a)), Decimal(months(b)))
    except (ArithmeticError, TypeError, ValueError, OverflowError):
        return None
    return None
