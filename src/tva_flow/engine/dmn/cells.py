"""Compiled cells: each decision-table cell is compiled once, at load, in the dialect it is written in.

FEEL first; a cell that is not FEEL but is a Python expression (SpiffWorkflow's dialect: `True`,
`len(x) > 0`, `"x" if a else "y"`, `in ["a", "b"]`) compiles to the Python dialect, and so does a cell FEEL
parses but that reads as Python (`True`, `x is None`, `len(x)`). A cell neither parses is FeelSyntaxError.
"""
from __future__ import annotations

from contextlib import suppress

import ast
import keyword

from .builtins import BUILTINS
from .feel import (AnyTest, Call, CmpTest, ExprTest, FeelError, FeelSyntaxError, InputRef, Lit, Name, Node,
                   NotTest, Parser, RangeTest, Scope, any_test)
from .pydialect import PyExpression, PythonError, PyTest

_PY_ONLY_NAMES = {"True", "False", "None"}
_PY_ONLY_FUNCS = {"len", "str", "int", "float", "round", "bool", "list", "dict", "set", "tuple", "sorted",
                  "any", "all", "range", "enumerate", "zip", "isinstance"}


def _looks_pythonic(node: Node) -> bool:
    """FEEL parsed it, but it reads as Python: `True`, `x is None`, `len(x)`."""
    for n in node.walk():
        if isinstance(n, Name):
            words = n.name.split(" ")
            if any(w in _PY_ONLY_NAMES or keyword.iskeyword(w) for w in words):
                return True
        if isinstance(n, Call) and n.name in _PY_ONLY_FUNCS and n.name not in BUILTINS:
            return True
    return False


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


def _neither(text: str, feel_error: Exception, python_error: Exception) -> FeelSyntaxError:
    return FeelSyntaxError(f"{text.strip()!r} is neither FEEL ({feel_error}) nor a Python expression "
                           f"({python_error.msg if isinstance(python_error, SyntaxError) else python_error})")


class Expression:
    """A compiled expression cell (input expression, output entry, literal expression)."""

    def __init__(self, text: str):
        self.text = text
        self.node, self.python = None, None
        if not text.strip():
            self.node = Lit(None)  # an empty output entry is null
            return
        try:
            parser = Parser(text)
            self.node = parser.expression()
            parser.end()
        except FeelSyntaxError as feel_error:
            self.node = None
            try:
                self.python = PyExpression(text)
            except SyntaxError as python_error:
                raise _neither(text, feel_error, python_error) from None
            return
        if _looks_pythonic(self.node):
            with suppress(SyntaxError):  # not Python either: the FEEL reading stands
                self.python, self.node = PyExpression(text), None

    @property
    def dialect(self) -> str:
        return "python" if self.python else "feel"

    def evaluate(self, scope: Scope):
        if self.python:
            try:
                return self.python.evaluate(scope)
            except PythonError as exc:
                raise FeelError(str(exc)) from exc
        return self.node.eval(scope)

    def constant(self):
        """(True, value) if the expression is a constant (for lint); (False, None) otherwise."""
        if self.python:
            values = self.python.constants()
            if isinstance(self.python.tree.body, ast.Constant):
                return True, values[0]
            return False, None
        return _constant(self.node)


class UnaryTests:
    """A compiled input entry: `matches(value, scope)` is True when the input value satisfies it."""

    def __init__(self, text: str):
        self.text = text
        self.tests, self.python = None, None
        if text.strip() in ("", "-"):
            self.tests = [AnyTest()]
            return
        try:
            self.tests = Parser(text).unary_tests()
        except FeelSyntaxError as feel_error:
            try:
                self.python = PyTest(text)
            except SyntaxError as python_error:
                raise _neither(text, feel_error, python_error) from None
            return
        if any(_looks_pythonic(t) for t in self.tests):
            with suppress(SyntaxError):  # not Python either: the FEEL reading stands
                self.python, self.tests = PyTest(text), None

    @property
    def dialect(self) -> str:
        return "python" if self.python else "feel"

    @property
    def is_any(self) -> bool:
        return bool(self.tests) and isinstance(self.tests[0], AnyTest)

    def test(self, value, scope: Scope):
        """True, False, or None (FEEL null: the comparison did not apply, e.g. types differ)."""
        if self.python:
            try:
                return self.python.test(value, scope)
            except PythonError as exc:
                raise FeelError(str(exc)) from exc
        return any_test(self.tests, scope.with_input(value))

    def matches(self, value, scope: Scope) -> bool:
        return self.test(value, scope) is True

    def position(self, value, scope: Scope) -> int:
        """Index of the first test the value satisfies (priority by output values); len() if none."""
        tests = self.tests or []
        child = scope.with_input(value)
        for index, test in enumerate(tests):
            if test.eval(child) is True:
                return index
        return len(tests)

    def literals(self) -> list | None:
        """The enumerated values ("a", "b", 1, ...) when every test is a constant value, else None."""
        if not self.tests or self.is_any:
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
        if self.python:
            return self.python.constants()
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
