"""The Python dialect of decision-table cells (what SpiffWorkflow evaluates): `True`, `len(x) > 0`,
`"a" if b else "c"`, `in ["a", "b"]`. Used only for cells that are not FEEL. Evaluation is restricted:
a few safe builtins, the caller's functions, the context as variables, no private attributes."""
from __future__ import annotations

import ast
import builtins
import re

from .values import from_python, to_python

SAFE_BUILTINS = {name: getattr(builtins, name) for name in (
    "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "isinstance", "len", "list", "max",
    "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip")}
INPUT = "dmn_input_value"
# `?` outside quotes is the input value (as SpiffWorkflow does)
_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


class PythonError(Exception):
    """A Python cell failed while evaluating."""


def _parse(text: str) -> ast.Expression:
    tree = ast.parse(text.strip(), mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise SyntaxError(f"private attribute {node.attr!r} is not allowed")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise SyntaxError(f"name {node.id!r} is not allowed")
        if isinstance(node, (ast.NamedExpr, ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom)):
            raise SyntaxError(f"{type(node).__name__} is not allowed in a cell")
    return tree


class PyExpression:
    def __init__(self, text: str):
        self.text = text
        self.tree = _parse(text)
        self.code = compile(self.tree, "<dmn cell>", "eval")

    def raw(self, scope, extra: dict | None = None):
        env = {**scope.functions, **scope.python_locals(), **(extra or {}), "__builtins__": SAFE_BUILTINS}
        try:
            return eval(self.code, env)  # noqa: S307 - restricted globals, parsed and checked above
        except Exception as exc:  # a Python cell can fail in any way; report it with its text
            raise PythonError(f"Python cell {self.text.strip()!r} failed: {type(exc).__name__}: {exc}") from exc

    def evaluate(self, scope):
        return from_python(self.raw(scope))

    def constants(self):
        """The literal values the cell mentions, or None if it refers to anything else (for lint)."""
        values = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Constant):
                values.append(from_python(node.value))
            elif isinstance(node, ast.Name) and node.id != INPUT:
                return None
            elif isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
                return None
        return values


class PyTest:
    """An input entry in Python: `?`-expressions are boolean; a bare expression is compared for equality
    with the input; anything else (`>= 5`, `in [1, 2]`, `not in (...)`) is appended to the input."""

    def __init__(self, text: str):
        self.text = text
        body = _QUESTION.sub(INPUT, text.strip())
        if INPUT in body:
            self.expr, self.equality = PyExpression(body), False
        else:
            try:
                self.expr, self.equality = PyExpression(body), True
            except SyntaxError:
                self.expr, self.equality = PyExpression(f"{INPUT} {body}"), False

    def test(self, value, scope) -> bool:
        value = to_python(value)
        if self.equality:
            return bool(self.expr.raw(scope) == value)
        return bool(self.expr.raw(scope, {INPUT: value}))

    def constants(self):
        return self.expr.constants()
