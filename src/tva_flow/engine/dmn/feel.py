"""A FEEL subset: tokenizer, recursive-descent parser, and an AST evaluated against a Scope.

`Parser(text).expression()` parses an expression (input expressions, output entries, literal expressions);
`Parser(text).unary_tests()` parses input entries: `< 5`, `[1..5]`, `]1..5[`, `"a","b"`, `not(...)`,
`null`, plain values, and expressions using `?` (the input value). Unary tests evaluate to True, False or
None (FEEL null: the comparison did not apply).

Cells are FEEL only. What this subset does not implement (`for`, `some`, `every`, `function`, `instance of`,
named arguments, ...) is a FeelUnsupported at parse time, never a wrong answer at run time. Values are plain
data: a path `a.b` reads a context entry or a documented property of a date, time or duration, never an
attribute of a Python object; a call reaches only the FEEL built-ins and the functions the caller passes in.
"""
from __future__ import annotations

import copy
import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .builtins import BUILTINS, call_builtin
from .values import arithmetic, feel_compare, feel_equal, from_python, kind, to_python


class FeelSyntaxError(ValueError):
    """The text is not FEEL (or not the FEEL this engine reads)."""


class FeelUnsupported(FeelSyntaxError):
    """The text is FEEL, but uses a part of FEEL this engine does not evaluate (`for`, `some`, ...)."""


class FeelError(Exception):
    """Evaluation failed in a way FEEL's null cannot express (unknown function, failing caller function)."""


# ---------------------------------------------------------------- scope
class Scope:
    """Variables (the caller's context, plain Python values), functions, and the input value `?`."""

    def __init__(self, context: dict | None = None, functions: dict | None = None):
        self.context = context or {}
        self.functions = functions or {}
        self.input = None
        self.locals: dict = {}  # names bound by a filter (`item`, the item's entries), FEEL values
        self.missing: set[str] = set()
        self._cache: dict = {}

    def lookup(self, name: str):
        if name in self.locals:
            return self.locals[name]
        if name in self._cache:
            return self._cache[name]
        if name not in self.context:
            self.missing.add(name)
            return None
        value = self._cache[name] = from_python(self.context[name])
        return value

    def with_input(self, value) -> "Scope":
        child = copy.copy(self)  # shares context, caches and the missing-name record
        child.input = value
        return child

    def with_item(self, item) -> "Scope":
        """The scope of a filter's condition for one list item: `item`, and the item's entries if it is
        a context, shadow the outer names."""
        child = copy.copy(self)
        child.locals = {**self.locals, **(item if isinstance(item, dict) else {}), "item": item}
        return child

    def probe(self) -> "Scope":
        """A copy that records missing names apart (to try a filter as an index first)."""
        child = copy.copy(self)
        child.missing = set()
        return child


# ---------------------------------------------------------------- tokenizer
_MULTIWORD = re.compile(r"(date\s+and\s+time|years\s+and\s+months\s+duration)(?=\s*\()")
_TOKEN = re.compile(r"""(?P<ws>\s+)|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<op>\.\.|<=|>=|!=|\*\*|[-+*/<>=(),\[\]{}.:?])|(?P<name>[^\W\d]\w*)""", re.X)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
KEYWORDS = {"and", "or", "not", "if", "then", "else", "true", "false", "null", "in", "between", "for",
            "some", "every", "return", "satisfies", "instance", "of", "function"}


def _unescape(body: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r"}
    return _ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                       else simple.get(m.group(1), m.group(1)), body)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _MULTIWORD.match(text, pos)
        if m:
            tokens.append(("name", " ".join(m.group(1).split()), pos))
            pos = m.end()
            continue
        m = _TOKEN.match(text, pos)
        if not m:
            raise FeelSyntaxError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    tokens.append(("eof", "", len(text)))
    return tokens


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


# ---------------------------------------------------------------- parser
class Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self, ahead: int = 0):
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self):
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def at(self, kind: str, value: str | None = None, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok[0] == kind and (value is None or tok[1] == value)

    def accept(self, kind: str, value: str | None = None) -> bool:
        if self.at(kind, value):
            self.next()
            return True
        return False

    def expect(self, kind: str, value: str | None = None):
        if not self.at(kind, value):
            self.fail(f"expected {value or kind}")
        return self.next()

    def fail(self, message: str):
        kind_, value, pos = self.peek()
        found = "end of text" if kind_ == "eof" else repr(value)
        raise FeelSyntaxError(f"{message} but found {found} at position {pos + 1}")

    def keyword(self, word: str) -> bool:
        return self.accept("name", word)

    def end(self):
        if not self.at("eof"):
            self.fail("expected end of text")

    # expressions ------------------------------------------------
    def expression(self) -> Node:
        left = self.conjunction()
        while self.keyword("or"):
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Node:
        left = self.comparison()
        while self.keyword("and"):
            left = And(left, self.comparison())
        return left

    def comparison(self) -> Node:
        left = self.additive()
        if self.at("name", "instance") and self.at("name", "of", 1):
            self.unsupported("'instance of' is not supported")
        kind_, value, _ = self.peek()
        if kind_ == "op" and value in ("=", "!=", "<", "<=", ">", ">="):
            self.next()
            return Cmp(value, left, self.additive())
        if self.keyword("between"):
            low = self.additive()
            self.expect("name", "and")
            return Between(left, low, self.additive())
        if self.keyword("in"):
            if self.accept("op", "("):
                tests = self.positive_tests()
                self.expect("op", ")")
                return In(left, tests)
            return In(left, [self.positive_test()])
        return left

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.at("op", "+") or self.at("op", "-"):
            left = Arith(self.next()[1], left, self.multiplicative())
        return left

    def multiplicative(self) -> Node:
        left = self.power()
        while self.at("op", "*") or self.at("op", "/"):
            left = Arith(self.next()[1], left, self.power())
        return left

    def power(self) -> Node:
        left = self.unary()
        while self.accept("op", "**"):
            left = Arith("**", left, self.unary())
        return left

    def unary(self) -> Node:
        if self.accept("op", "-"):
            return Neg(self.unary())
        node = self.primary()
        while True:
            if self.accept("op", "."):
                words = [self.expect("name")[1]]
                while self.at("name") and self.peek()[1] not in KEYWORDS:
                    words.append(self.next()[1])
                node = Path(node, " ".join(words))
            elif self.at("op", "["):
                filtered = self.filter(node)
                if filtered is None:
                    return node
                node = filtered
            else:
                return node

    def filter(self, base: Node) -> Node | None:
        """`base[...]`; None (and nothing consumed) when the bracket is not a filter: `]1..x[` closes a
        range with `[`."""
        start = self.i
        self.next()
        try:
            condition = self.expression()
            self.expect("op", "]")
        except FeelUnsupported:
            raise
        except FeelSyntaxError:
            self.i = start
            return None
        literal = condition.operand if isinstance(condition, Neg) else condition
        if isinstance(literal, Lit) and kind(literal.value) == "number" and literal.value == 0:
            raise FeelUnsupported(f"index [0] at position {self.tokens[start][2] + 1}: FEEL lists count from 1, "
                                  "so [0] is always null (the first item is [1], the last [-1])")
        return Filter(base, condition)

    def unsupported(self, message: str):
        raise FeelUnsupported(f"{message} by this engine (position {self.peek()[2] + 1})")

    def primary(self) -> Node:
        kind_, value, _ = self.peek()
        if kind_ == "num":
            self.next()
            return Lit(Decimal(value))
        if kind_ == "str":
            self.next()
            return Lit(_unescape(value[1:-1]))
        if kind_ == "op" and value == "?":
            self.next()
            return InputRef()
        if self.accept("op", "("):
            node = self.expression()
            self.expect("op", ")")
            return node
        if self.accept("op", "["):
            items = [] if self.at("op", "]") else self.comma_list(self.expression)
            self.expect("op", "]")
            return ListLit(items)
        if self.accept("op", "{"):
            return self.context_literal()
        if kind_ == "name":
            literals = {"true": True, "false": False, "null": None}
            if value in literals:
                self.next()
                return Lit(literals[value])
            if value == "if":
                self.next()
                cond = self.expression()
                self.expect("name", "then")
                then = self.expression()
                self.expect("name", "else")
                return If(cond, then, self.expression())
            if value == "not" and self.at("op", "(", 1):
                self.next()
                return Call("not", self.arguments())
            if value in ("for", "some", "every"):
                self.unsupported(f"FEEL '{value}' expressions are not supported")
            if value == "function":
                self.unsupported("FEEL function definitions are not supported")
            if value not in KEYWORDS:
                words = [self.next()[1]]
                while self.at("name") and self.peek()[1] not in KEYWORDS:
                    words.append(self.next()[1])
                name = " ".join(words)
                return Call(name, self.arguments()) if self.at("op", "(") else Name(name)
        self.fail("expected a value")

    def arguments(self) -> list[Node]:
        self.expect("op", "(")
        if self.at("name") and self.at("op", ":", 1):
            self.unsupported("named arguments are not supported")
        args = [] if self.at("op", ")") else self.comma_list(self.expression)
        self.expect("op", ")")
        return args

    def context_literal(self) -> Node:
        entries = []
        while not self.accept("op", "}"):
            if entries:
                self.expect("op", ",")
            if self.at("str"):
                key = _unescape(self.next()[1][1:-1])
            else:
                words = [self.expect("name")[1]]
                while self.at("name"):
                    words.append(self.next()[1])
                key = " ".join(words)
            self.expect("op", ":")
            entries.append((key, self.expression()))
        return ContextLit(entries)

    def comma_list(self, item) -> list:
        items = [item()]
        while self.accept("op", ","):
            items.append(item())
        return items

    # unary tests ------------------------------------------------
    def unary_tests(self) -> list[Node]:
        if self.at("name", "not") and self.at("op", "(", 1):
            start = self.i
            self.i += 2
            tests = self.positive_tests()
            if self.accept("op", ")") and self.at("eof"):
                return [NotTest(tests)]
            self.i = start
        tests = self.positive_tests()
        self.end()
        return tests

    def positive_tests(self) -> list[Node]:
        return self.comma_list(self.positive_test)

    def positive_test(self) -> Node:
        kind_, value, _ = self.peek()
        if kind_ == "op" and value in ("<", "<=", ">", ">=", "=", "!="):
            self.next()
            return CmpTest(value, self.additive())
        interval = self.interval()
        if interval is not None:
            return interval
        expr = self.expression()
        return ExprTest(expr, any(isinstance(n, InputRef) for n in expr.walk()))

    def interval(self) -> Node | None:
        if not (self.at("op", "[") or self.at("op", "(") or self.at("op", "]")):
            return None
        start = self.i
        low_closed = self.next()[1] == "["
        try:
            low = self.additive()
        except FeelSyntaxError:
            low = None
        if low is None or not self.accept("op", ".."):
            self.i = start
            return None
        high = self.additive()
        close = self.next()[1]
        if close not in ("]", ")", "["):
            self.i -= 1
            self.fail("expected ']', ')' or '[' to close the range")
        return RangeTest(low, low_closed, high, close == "]")
