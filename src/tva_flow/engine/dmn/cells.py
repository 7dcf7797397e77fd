"""Compiled cells: each decision-table cell is compiled once, at load, as FEEL.

Cells are FEEL only. A cell FEEL cannot read is a FeelSyntaxError, and so is a cell FEEL parses but that
is plainly Python (`True`, `x is None`, `len(x)`): FEEL would read those as unknown names or functions and
answer null where the author meant something else. A cell using FEEL this engine does not evaluate (`for`,
`some`, `every`, function definitions, ...) is a FeelUnsupported. The loader turns either into a DmnError
naming the file, decision, rule and column.
"""
from __future__ import annotations

from .builtins import BUILTINS
from .feel_errors import FeelError, FeelSyntaxError, FeelUnsupported
from .feel_nodes import AnyTest, Call, CmpTest, ExprTest, InputRef, Lit, Name, Node, NotTest, Path, RangeTest, any_test
from .feel_parser import Parser
from .feel_scope import Scope

# Python spellings FEEL would silently read as (null) names, with what FEEL writes instead
_PYTHON_NAMES = {"True": "true", "False": "false", "None": "null"}
# Python built-ins that are not FEEL functions: a call would only fail at run time
_PYTHON_FUNCTIONS = {
    "len": "count(list) or string length(text)", "str": "string(x)", "int": "floor(n) or number(text)",
    "float": "number(text)", "round": "decimal(n, scale)", "bool": None, "list": None, "dict": None,
    "set": None, "tuple": None, "sorted": None, "range": None, "enumerate": None, "zip": None, "map": None,
    "isinstance": None, "type": None, "getattr": None, "setattr": None, "hasattr": None, "vars": None,
    "eval": None, "exec": None, "compile": None, "open": None, "format": None, "print": None, "repr": None,
    "globals": None, "locals": None, "dir": None, "id": None, "hash": None, "iter": None, "next": None,
    "callable": None, "chr": None, "ord": None,
}


def _python_in(node: Node) -> str | None:
    """Why a parsed cell is Python rather than FEEL, or None."""
    for n in node.walk():
        names = n.name.split(" ") if isinstance(n, (Name, Call)) else n.attr.split(" ") if isinstance(n, Path) else []
        for word in names:
            if word in _PYTHON_NAMES:
                return f"{word} is Python; FEEL writes {_PYTHON_NAMES[word]}"
            if word.startswith("__"):
                return f"{word} is a Python internal name"
        if isinstance(n, Call) and n.name in _PYTHON_FUNCTIONS and n.name not in BUILTINS:
            hint = _PYTHON_FUNCTIONS[n.name]
            return f"{n.name}() is a Python function, not FEEL" + (f" (FEEL has {hint})" if hint else "")
    return None


def _parse(text: str, rule) -> object:
    """Parse ``text`` with ``rule`` (a Parser -> result); errors say the cell is not FEEL."""
    shown = text.strip()
    try:
        parser = Parser(text)
        result = rule(parser)
        parser.end()
    except FeelUnsupported as exc:
        raise FeelUnsupported(f"{shown!r}: {exc}") from None
    except FeelSyntaxError as exc:
        raise FeelSyntaxError(f"{shown!r} is not FEEL: {exc}") from None
    for node in result if isinstance(result, list) else [result]:
        why = _python_in(node)
        if why:
            raise FeelSyntaxError(f"{shown!r} is not FEEL: {why}")
    return result


def _constant(node: Node):
    """(True, value) when the expression needs no variables (literals, date("..."), -5 ...)."""
    for n in node.walk():
        if isinstance(n, (Name, InputRef)) or isinstance(n, Call) and n.name in ("today", "now"):
            return False, None
        if isinstance(n, Call) and n.name not in BUILTINS:
            return False, None
    try:
        return True, node.eval(Scope())
    except FeelError:
        return False, None


class Expression:
    """A compiled expression cell (input expression, output entry, literal expression)."""

    def __init__(self, text: str):
        self.text = text
        if not text.strip():
            self.node = Lit(None)  # an empty output entry is null
            return
        self.node = _parse(text, Parser.expression)

    def evaluate(self, scope: Scope):
        return self.node.eval(scope)

    def constant(self):
        """(True, value) if the expression is a constant (for lint); (False, None) otherwise."""
        return _constant(self.node)


class UnaryTests:
    """A compiled input entry: `matches(value, scope)` is True when the input value satisfies it."""

    def __init__(self, text: str):
        self.text = text
        if text.strip() in ("", "-"):
            self.tests = [AnyTest()]
            return
        self.tests = _parse(text, Parser.unary_tests)

    @property
    def is_any(self) -> bool:
        return isinstance(self.tests[0], AnyTest)

    def test(self, value, scope: Scope):
        """True, False, or None (FEEL null: the comparison did not apply, e.g. types differ)."""
        return any_test(self.tests, scope.with_input(value))

    def matches(self, value, scope: Scope) -> bool:
        return self.test(value, scope) is True

    def position(self, value, scope: Scope) -> int:
        """Index of the first test the value satisfies (priority by output values); len() if none."""
        child = scope.with_input(value)
        for index, test in enumerate(self.tests):
            if test.eval(child) is True:
                return index
        return len(self.tests)

    def literals(self) -> list | None:
        """The enumerated values ("a", "b", 1, ...) when every test is a constant value, else None."""
        if self.is_any:
            return None
        values = []
        for test in self.tests:
            if not isinstance(test, ExprTest) or test.uses_input:
                return None
            ok, value = _constant(test.expr)
            if not ok:
                return None
            values.extend(value if isinstance(value, list) else [value])
        return values

    def constants(self) -> list | None:
        """Every constant the tests compare with (range ends, literals), or None if any test refers to a
        variable or a function of its own (lint then leaves the column alone)."""
        values: list = []

        def collect(test) -> bool:
            if isinstance(test, AnyTest):
                return True
            if isinstance(test, NotTest):
                return all(collect(t) for t in test.tests)
            if isinstance(test, ExprTest) and test.uses_input:
                return False
            nodes = {CmpTest: ("endpoint",), RangeTest: ("low", "high"), ExprTest: ("expr",)}[type(test)]
            for field in nodes:
                ok, value = _constant(getattr(test, field))
                if not ok:
                    return False
                values.extend(value if isinstance(value, list) else [value])
            return True

        return values if all(collect(t) for t in self.tests) else None


def compile_expression(text: str) -> Expression:
    return Expression(text)


def compile_unary_tests(text: str) -> UnaryTests:
    return UnaryTests(text)
