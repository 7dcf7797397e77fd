"""The sandbox's run-time side: what an expression may call and reach, and the bounds of one evaluation.

Every evaluation has a :class:`Budget` (made current by the environment): loop rounds and calls, items
and characters it may build in all, and wall-clock seconds. Single operations that would build a huge
value in one C call (``"a" * n``, ``2 ** n``, ``range(n)``) are refused before Python builds them.
What an evaluation leaves in the process data must be JSON (and dates): :func:`check_data`.
"""
from __future__ import annotations

import builtins
import math
import operator
import time
from collections.abc import MutableMapping
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safe_builtins

from ..text import storable

MAX_STEPS = 1_000_000        # loop rounds and calls of one evaluation
MAX_ITEMS = 1_000_000        # items and characters one operation may build
MAX_BUILT = 20 * MAX_ITEMS   # items and characters one evaluation may build in all
MAX_SECONDS = 2.0            # wall-clock time of one evaluation
MAX_INT_BITS = 10_000        # about 3,000 digits
MAX_DATA = 10 * MAX_ITEMS    # items and characters of the process data, shared parts counted each time
MAX_DEPTH = 100              # lists and dicts inside each other (copying and saving data recurse)
MAX_STORED_INT = 2 ** 53 - 1  # what a browser keeps exactly, as the API allows
RESERVED_KEY = "typename"    # SpiffWorkflow's serializer reads a dict with this key as a typed object


class SandboxError(Exception):
    """An expression used something it may not, or went beyond a bound."""


def _clock() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)  # freezegun leaves this one alone


class Budget:
    """What one evaluation may still spend: loop rounds and calls, items built, and time."""

    def __init__(self):
        self.steps, self.built, self.deadline = MAX_STEPS, MAX_BUILT, _clock() + MAX_SECONDS

    def tick(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise SandboxError(f"too many loop rounds and calls (at most {MAX_STEPS:,} per evaluation)")
        if self.steps % 1024 == 0 and _clock() > self.deadline:
            raise SandboxError(f"the evaluation took too long (at most {MAX_SECONDS:g} s)")

    def iterate(self, iterable):
        for item in iterable:
            self.tick()
            yield item

    def charge(self, size: int) -> None:
        self.built -= size
        if self.built < 0:
            raise SandboxError(f"the evaluation built too much (at most {MAX_BUILT:,} items and characters)")


BUDGET: ContextVar[Budget | None] = ContextVar("tva_flow_sandbox_budget", default=None)


def charge(result):
    """Count what an operation built against the current evaluation's budget; give the result back."""
    budget = BUDGET.get()
    if budget is not None and isinstance(result, (str, list, tuple, dict, set, frozenset)):
        budget.charge(len(result))
    return result


def check_size(size: int, limit: int = MAX_ITEMS, what: str = "the result") -> None:
    if size > limit:
        raise SandboxError(f"{what} would be too large (at most {limit:,} items and characters)")


def measure(value, limit: int = MAX_ITEMS, what: str = "the result", kept: bool = False) -> int:
    """Items and characters in ``value`` as text spells it out (a shared part counts each time it appears).

    Refuses past ``limit`` or MAX_DEPTH levels, and stops walking there: it costs at most about ``limit``.
    With ``kept``, the same walk also refuses what the process data cannot keep (:func:`check_data`).
    """
    size, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, (dict, list, tuple, set, frozenset)):
            if depth > MAX_DEPTH:
                raise SandboxError(f"{what} is nested too deeply (at most {MAX_DEPTH} levels)")
            size += len(item)
            if isinstance(item, dict):
                if kept:
                    _check_keys(item, what)
                parts = [*item.keys(), *item.values()]
            else:
                parts = item
            pending += [(part, depth + 1) for part in parts]
        if kept:
            _check_value(item, what)
        check_size(size, limit, what)
    return size


def check_data(value, what: str) -> None:
    """Process data is what JSON keeps, and date-times: text, numbers, true/false, null, lists, objects
    with text keys, at most MAX_DATA items and characters. Anything else (a generator, a range, bytes,
    NaN, a huge integer, an exception) could not be saved or shown, so it is refused where it was made."""
    measure(value, limit=MAX_DATA, what=what, kept=True)


def _check_keys(item: dict, what: str) -> None:
    for key in item:
        if not isinstance(key, str):
            raise SandboxError(f"{what}: the key {key!r} is not text (JSON objects have text keys)")
        if key == RESERVED_KEY:
            raise SandboxError(f"{what}: the key '{RESERVED_KEY}' is reserved for the engine")


def _check_value(item, what: str) -> None:
    if isinstance(item, date) and not isinstance(item, datetime):
        raise SandboxError(f"{what}: a date cannot be kept as it is; keep it as text (d.isoformat())")
    if item is None or isinstance(item, (bool, datetime, timedelta, dict, list, tuple, set, frozenset)):
        return
    if isinstance(item, str):
        if not storable(item):
            raise SandboxError(f"{what}: text with a NUL character or a lone surrogate cannot be kept")
    elif isinstance(item, int):
        if abs(item) > MAX_STORED_INT:
            raise SandboxError(f"{what}: the integer is out of range (at most {MAX_STORED_INT} either way)")
    elif isinstance(item, float):
        if not math.isfinite(item):
            raise SandboxError(f"{what}: {item} is not a number JSON keeps")
    else:
        raise SandboxError(f"{what}: a {type(item).__name__} cannot be kept in the process data "
                           "(only text, numbers, true/false, null, lists, objects and dates)")


# -- what an expression may use ------------------------------------------------------------------------

def _range(*args) -> range:
    """``range`` of at most MAX_ITEMS numbers (``list(range(10**12))`` would not pass the loop budget)."""
    numbers = range(*args)
    check_size((numbers.stop - numbers.start) // numbers.step)  # len(), give or take one; len() fails past 2**63
    return numbers


def _sum(values, start=0):
    """``sum`` of numbers (``sum(lists, [])`` would concatenate quadratically)."""
    if not isinstance(start, (int, float)):
        raise SandboxError("sum adds numbers only")
    return sum(values, start)


def _round(number, ndigits=None):
    """``round`` to at most 100 digits either side (``round(5, -10**9)`` would compute 10**10**9)."""
    if ndigits is not None and not -100 <= ndigits <= 100:
        raise SandboxError("round takes at most 100 digits")
    return round(number, ndigits)


class _Counted(type):
    """A builtin type (str, list, …) whose calls count what they build; ``isinstance(x, str)`` still works."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, cls.real)

    def __call__(cls, *args, **kwargs):
        return charge(cls.real(*args, **kwargs))


def _counted(real: type) -> type:
    return _Counted(real.__name__, (), {"real": real})


def _counting(function):
    def counted(*args, **kwargs):
        return charge(function(*args, **kwargs))
    counted.__name__ = function.__name__
    return counted


BUILTINS = {name: getattr(builtins, name) for name in (
    "abs", "all", "any", "bool", "chr", "divmod", "enumerate", "float", "int", "isinstance", "len", "max",
    "min", "ord", "reversed", "zip")}
BUILTINS.update({name: _counted(getattr(builtins, name)) for name in ("dict", "list", "set", "str", "tuple")})
BUILTINS.update(repr=_counting(repr), sorted=_counting(sorted), range=_range, sum=_sum, round=_round)
BUILTINS.update({name: value for name, value in safe_builtins.items()
                 if isinstance(value, type) and issubclass(value, Exception)})
FORBIDDEN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_")) - set(BUILTINS) - {"globals"}


class ProcessData(MutableMapping):
    """What ``globals()`` gives an expression: its variables (the process data), never the guards."""
    __slots__ = ("_scope",)

    def __init__(self, scope: dict):
        self._scope = scope

    def _key(self, key):
        if not isinstance(key, str) or key.startswith("_"):
            raise KeyError(key)
        return key

    def __getitem__(self, key):
        return self._scope[self._key(key)]

    def __setitem__(self, key, value):
        self._scope[self._key(key)] = value

    def __delitem__(self, key):
        del self._scope[self._key(key)]

    def __iter__(self):
        return iter([key for key in self._scope if not key.startswith("_")])

    def __len__(self):
        return len(list(iter(self)))


_DICT = {"get", "keys", "values", "items", "copy", "setdefault", "update", "pop"}
_DATE = {"year", "month", "day", "weekday", "isoweekday", "isoformat"}
ATTRIBUTES = [(types, frozenset(names)) for types, names in (  # first matching type decides
    ((dict, ProcessData), _DICT),
    (list, {"append", "extend", "index", "count", "copy", "insert", "pop", "remove", "sort", "reverse"}),
    (tuple, {"index", "count"}),
    (set, {"add", "discard", "remove", "union", "intersection", "difference", "issubset", "issuperset"}),
    (str, {"lower", "upper", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith", "split",
           "splitlines", "join", "replace", "find", "count", "isdigit", "isalpha", "isalnum"}),
    (datetime, _DATE | {"hour", "minute", "second", "date"}),
    (date, _DATE),
    (timedelta, {"days", "seconds", "total_seconds"}),
)]
ALLOWED_ATTRIBUTE_NAMES = frozenset().union(*(names for _, names in ATTRIBUTES))


def _replace(text: str):
    def replace(old, new, count=-1):
        found = text.count(old) if count < 0 else min(count, text.count(old))
        check_size(len(text) + found * (len(new) - len(old)))
        return text.replace(old, new, count)
    return replace


def _join(separator: str):
    def join(parts):
        parts = list(parts)
        check_size(len(separator) * len(parts) + measure(parts))
        return separator.join(parts)
    return join


def _extend(items: list):
    def extend(more):
        more = list(more)
        check_size(len(items) + len(more))
        items.extend(more)
    return extend


_BOUNDED = {"replace": _replace, "join": _join, "extend": _extend}  # of str, str and list: only they have them


# methods that build a new value (counted against the budget); the others return what exists, or nothing
_BUILDING = {"copy", "union", "intersection", "difference", "lower", "upper", "capitalize", "strip", "lstrip",
             "rstrip", "split", "splitlines", "join", "replace"}


def guarded_getattr(obj, name: str):
    """``obj.name`` for the attribute names :data:`ATTRIBUTES` allows for the object's type; what a
    method builds counts against the evaluation's budget."""
    for types, names in ATTRIBUTES:
        if isinstance(obj, types):
            if name in names:
                attribute = _BOUNDED[name](obj) if name in _BOUNDED else getattr(obj, name)
                return _counting(attribute) if name in _BUILDING else attribute
            break
    raise SandboxError(f"attribute '{name}' is not allowed on {type(obj).__name__}")


def guarded_getitem(obj, key):
    """``obj[key]``; a slice is a copy and counts against the budget."""
    return charge(obj[key]) if isinstance(key, slice) else obj[key]


def guarded_write(obj):
    """Item assignment and ``del`` on process data: dicts, lists and ``globals()``."""
    if type(obj) in (dict, list, ProcessData):
        return obj
    raise SandboxError(f"a {type(obj).__name__} cannot be changed")


def _check_operation(op: str, a, b) -> None:
    """Refuse the single operations that would build huge values, before Python builds them."""
    sequences = (str, list, tuple)
    if op == "**" and isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if abs(a).bit_length() * b > MAX_INT_BITS:
            raise SandboxError(f"the power would be too large (at most {MAX_INT_BITS:,} bits)")
    elif op == "<<" and isinstance(a, int) and isinstance(b, int) and a and a.bit_length() + b > MAX_INT_BITS:
        raise SandboxError(f"the shift would be too large (at most {MAX_INT_BITS:,} bits)")
    elif op in ("*", "+") and isinstance(a, int) and isinstance(b, int):
        if (a.bit_length() + b.bit_length() if op == "*" else max(a.bit_length(), b.bit_length()) + 1) \
                > MAX_INT_BITS:
            raise SandboxError(f"the number would be too large (at most {MAX_INT_BITS:,} bits)")
    elif op == "*" and isinstance(a, sequences + (int,)) and isinstance(b, sequences + (int,)):
        sequence, times = (a, b) if isinstance(b, int) else (b, a)
        if isinstance(sequence, sequences) and times > 0:
            check_size(measure(sequence) * times)
    elif op == "+" and isinstance(a, sequences) and isinstance(b, sequences):
        check_size(len(a) + len(b))
    elif op == "%" and isinstance(a, str):
        raise SandboxError("string formatting with % is not allowed (use an f-string)")


_OPERATORS = {"+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "%": operator.mod}
_IN_PLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
             "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
             ">>=": operator.irshift, "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor}


def guarded_operation(op: str, a, b):
    """``a op b`` (``_op_``) or ``a op= b`` (``_inplacevar_``), refused first if it would build a huge value."""
    _check_operation(op.removesuffix("="), a, b)
    if op.endswith("="):  # in place: the value grows by b (a list is changed, a text replaced)
        return _IN_PLACE[op](a, charge(b))
    return charge(_OPERATORS[op](a, b))


GUARDS = {
    "_getattr_": guarded_getattr, "_getitem_": guarded_getitem, "_write_": guarded_write,
    "_op_": guarded_operation, "_inplacevar_": guarded_operation, "_apply_": lambda f, *a, **kw: f(*a, **kw),
    "_unpack_sequence_": guarded_unpack_sequence, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
}
