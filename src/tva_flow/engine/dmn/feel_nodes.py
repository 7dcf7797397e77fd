"""The FEEL AST: expression and unary-test nodes, each evaluating itself against a Scope.

Unary tests evaluate to True, False or None (FEEL null: the comparison did not apply). Values are plain
data: a path `a.b` reads a context entry or a documented property of a date, time or duration, never an
attribute of a Python object; a call reaches only the FEEL built-ins and the functions the caller passes in.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .builtins import BUILTINS, call_builtin
from .feel_errors import FeelError
from .values import arithmetic, feel_compare, feel_equal, from_python, kind, to_python


# ---------------------------------------------------------------- AST: expressions
class Node:
    fields: tuple = ()

    def __init__(self, *values):
        for name, value in zip(self.fields, values):
            setattr(self, name, value)

    def children(self):
        for name in self.fields:
            value = getattr(self, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Node):
                    yield item
                elif isinstance(item, tuple):  # context entries (key, node)
                    yield from (x for x in item if isinstance(x, Node))

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()


class Lit(Node):
    fields = ("value",)

    def eval(self, s):
        return self.value


class Name(Node):
    fields = ("name",)

    def eval(self, s):
        return s.lookup(self.name)


class InputRef(Node):
    def eval(self, s):
        return s.input


def _offset(v):
    return v.utcoffset() if v.tzinfo is not None else None


def _zone(v):
    return v.tzinfo.key if isinstance(v.tzinfo, ZoneInfo) else None


def _day_time(v: timedelta, part: str):
    sign, a = (-1 if v < timedelta(0) else 1), abs(v)
    seconds = a.seconds % 60 + (Decimal(a.microseconds) / 1_000_000 if a.microseconds else 0)
    return sign * {"days": a.days, "hours": a.seconds // 3600, "minutes": a.seconds // 60 % 60,
                   "seconds": seconds}[part]


def _year_month(v: relativedelta, part: str):
    total = v.years * 12 + v.months
    sign, a = (-1 if total < 0 else 1), abs(total)
    return sign * (a // 12 if part == "years" else a % 12)


_DATE = {"year": lambda v: v.year, "month": lambda v: v.month, "day": lambda v: v.day,
         "weekday": lambda v: v.isoweekday()}
_TIME = {"hour": lambda v: v.hour, "minute": lambda v: v.minute, "second": lambda v: v.second,
         "time offset": _offset, "timezone": _zone}
# the properties FEEL documents for each temporal type (DMN 1.5, 10.3.2.3); nothing else is readable
PROPERTIES = {
    "date": _DATE,
    "dateTime": {**_DATE, **_TIME},
    "time": _TIME,
    "dayTimeDuration": {p: (lambda v, p=p: _day_time(v, p)) for p in ("days", "hours", "minutes", "seconds")},
    "yearMonthDuration": {p: (lambda v, p=p: _year_month(v, p)) for p in ("years", "months")},
}


class Path(Node):
    """`a.b`: a context's entry (a list of contexts gives the list of their entries), or a documented
    property of a date, time or duration. Anything else - a Python object's attributes included - is null."""
    fields = ("base", "attr")

    def eval(self, s):
        return self._get(self.base.eval(s))

    def _get(self, value):
        if isinstance(value, dict):
            return from_python(value.get(self.attr))
        if isinstance(value, list):
            return [self._get(item) for item in value]
        read = PROPERTIES.get(kind(value), {}).get(self.attr)
        return from_python(read(value)) if read else None


class Filter(Node):
    """`list[condition]` (items for which the condition, with `item` and the item's entries in scope, is
    true) or `list[index]`: 1-based, negative counts from the end, out of range is null. A non-list is a
    list of one. The condition is first evaluated without an item: a number there is an index."""
    fields = ("base", "condition")

    def eval(self, s):
        base = self.base.eval(s)
        if base is None:
            return None
        items = base if isinstance(base, list) else [base]
        probe = s.probe()
        index = self.condition.eval(probe)
        if kind(index) == "number":
            s.missing |= probe.missing
            return _at(items, index)
        return [item for item in items if self.condition.eval(s.with_item(item)) is True]


def _at(items: list, index):
    try:
        i = int(index)
    except (ArithmeticError, ValueError, OverflowError):  # NaN, infinity: no such item
        return None
    if i != index:
        return None
    if 1 <= i <= len(items):
        return items[i - 1]
    if -len(items) <= i <= -1:
        return items[i]
    return None


class Call(Node):
    fields = ("name", "args")

    def eval(self, s):
        args = [a.eval(s) for a in self.args]
        fn = s.functions.get(self.name)
        if fn is not None:
            try:
                return from_python(fn(*[to_python(a) for a in args]))
            except Exception as exc:  # caller-supplied code; report it with the call
                raise FeelError(f"function {self.name}() failed: {type(exc).__name__}: {exc}") from exc
        if self.name in BUILTINS:
            return call_builtin(self.name, args)
        raise FeelError(f"unknown function {self.name}()")


class Neg(Node):
    fields = ("operand",)

    def eval(self, s):
        v = self.operand.eval(s)
        return -v if kind(v) in ("number", "dayTimeDuration", "yearMonthDuration") else None


class Arith(Node):
    fields = ("op", "left", "right")

    def eval(self, s):
        return arithmetic(self.op, self.left.eval(s), self.right.eval(s))


class Cmp(Node):
    fields = ("op", "left", "right")

    def eval(self, s):
        return feel_compare(self.op, self.left.eval(s), self.right.eval(s))


class And(Node):
    fields = ("left", "right")

    def eval(self, s):
        a, b = self.left.eval(s), self.right.eval(s)
        if a is False or b is False:
            return False
        return True if a is True and b is True else None


class Or(Node):
    fields = ("left", "right")

    def eval(self, s):
        a, b = self.left.eval(s), self.right.eval(s)
        if a is True or b is True:
            return True
        return False if a is False and b is False else None


class If(Node):
    fields = ("cond", "then", "other")

    def eval(self, s):
        return self.then.eval(s) if self.cond.eval(s) is True else self.other.eval(s)


class ListLit(Node):
    fields = ("items",)

    def eval(self, s):
        return [item.eval(s) for item in self.items]


class ContextLit(Node):
    fields = ("entries",)

    def eval(self, s):
        return {key: node.eval(s) for key, node in self.entries}


class Between(Node):
    fields = ("value", "low", "high")

    def eval(self, s):
        v = self.value.eval(s)
        return And(Lit(feel_compare(">=", v, self.low.eval(s))), Lit(feel_compare("<=", v, self.high.eval(s)))).eval(s)


class In(Node):
    fields = ("value", "tests")

    def eval(self, s):
        return any_test(self.tests, s.with_input(self.value.eval(s)))


# ---------------------------------------------------------------- AST: unary tests (evaluate to True/False/None)
class AnyTest(Node):
    def eval(self, s):
        return True


class CmpTest(Node):
    fields = ("op", "endpoint")

    def eval(self, s):
        return feel_compare(self.op, s.input, self.endpoint.eval(s))


class RangeTest(Node):
    fields = ("low", "low_closed", "high", "high_closed")

    def eval(self, s):
        low = feel_compare(">=" if self.low_closed else ">", s.input, self.low.eval(s))
        high = feel_compare("<=" if self.high_closed else "<", s.input, self.high.eval(s))
        return And(Lit(low), Lit(high)).eval(s)


class ExprTest(Node):
    fields = ("expr", "uses_input")

    def eval(self, s):
        value = self.expr.eval(s)
        if self.uses_input:
            return value if isinstance(value, bool) else None
        if isinstance(value, list) and not isinstance(s.input, list):
            return any(feel_equal(s.input, item) is True for item in value)
        return feel_equal(s.input, value)


class NotTest(Node):
    fields = ("tests",)

    def eval(self, s):
        result = any_test(self.tests, s)
        return None if result is None else not result


def any_test(tests, s):
    results = [t.eval(s) for t in tests]
    return True if True in results else (None if None in results else False)
