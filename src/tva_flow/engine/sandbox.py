"""Sandboxed Python for everything a diagram evaluates: scripts, conditions, timers, payloads, due dates.

RestrictedPython is the sandbox; this module is tva-flow's policy on it, applied with the same rules while
running (:class:`SandboxEnvironment`, SpiffWorkflow's script environment) and at deploy
(:func:`check_expression`). What an expression may use is :data:`BUILTINS`, ``globals()`` (the process
data), the functions it is given and the :data:`ATTRIBUTES` of its values; the ``MAX_*`` bounds below
keep one evaluation from running or growing without end. README: "What an expression may use".
"""
from __future__ import annotations

import ast
import builtins
import operator
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safe_builtins
from RestrictedPython.transformer import copy_locations
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

MAX_STEPS = 1_000_000       # loop rounds and calls of one evaluation
MAX_ITEMS = 1_000_000       # items and characters one operation may build
MAX_INT_BITS = 10_000       # about 3,000 digits
MAX_DATA = 10 * MAX_ITEMS   # items and characters of the process data, shared parts counted each time
MAX_DEPTH = 100             # lists and dicts inside each other (copying and saving data recurse)


class SandboxError(Exception):
    """An expression used something it may not, or went beyond a bound."""


def check_size(size: int, limit: int = MAX_ITEMS, what: str = "the result") -> None:
    if size > limit:
        raise SandboxError(f"{what} would be too large (at most {limit:,} items and characters)")


def measure(value, limit: int = MAX_ITEMS, what: str = "the result") -> int:
    """Items and characters in ``value`` as text spells it out (a shared part counts each time it appears).

    Refuses past ``limit`` or MAX_DEPTH levels, and stops walking there: it costs at most about ``limit``.
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
            parts = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending += [(part, depth + 1) for part in parts]
        check_size(size, limit, what)
    return size


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


BUILTINS = {name: getattr(builtins, name) for name in (
    "abs", "all", "any", "bool", "chr", "dict", "divmod", "enumerate", "float", "int", "isinstance", "len",
    "list", "max", "min", "ord", "repr", "reversed", "round", "set", "sorted", "str", "tuple", "zip")}
def _round(number, ndigits=None):
    """``round`` to at most 100 digits either side (``round(5, -10**9)`` would compute 10**10**9)."""
    if ndigits is not None and not -100 <= ndigits <= 100:
        raise SandboxError("round takes at most 100 digits")
    return round(number, ndigits)


BUILTINS.update(range=_range, sum=_sum, round=_round)
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


def guarded_getattr(obj, name: str):
    """``obj.name`` for the attribute names :data:`ATTRIBUTES` allows for the object's type."""
    for types, names in ATTRIBUTES:
        if isinstance(obj, types):
            if name in names:
                return _BOUNDED[name](obj) if name in _BOUNDED else getattr(obj, name)
            break
    raise SandboxError(f"attribute '{name}' is not allowed on {type(obj).__name__}")


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
    elif op == "*" and isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise SandboxError(f"the product would be too large (at most {MAX_INT_BITS:,} bits)")
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
    return (_IN_PLACE if op.endswith("=") else _OPERATORS)[op](a, b)


class Budget:
    """Loop rounds and function calls left to one evaluation."""

    def __init__(self, steps: int = MAX_STEPS):
        self.left = steps

    def tick(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise SandboxError(f"too many loop rounds and calls (at most {MAX_STEPS:,} per evaluation)")

    def iterate(self, iterable):
        for item in iterable:
            self.tick()
            yield item


GUARDS = {
    "_getattr_": guarded_getattr, "_getitem_": lambda obj, key: obj[key], "_write_": guarded_write,
    "_op_": guarded_operation, "_inplacevar_": guarded_operation, "_apply_": lambda f, *a, **kw: f(*a, **kw),
    "_unpack_sequence_": guarded_unpack_sequence, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
}


# -- the compile-time policy ---------------------------------------------------------------------------

GUARDED_OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules plus tva-flow's: refusals that name what is forbidden, no while, import or
    class, guarded ``+ * ** << %``, and a budget tick when any function starts (recursion counts too)."""

    def visit_Name(self, node):
        if node.id in FORBIDDEN_NAMES or node.id.startswith("_") or node.id == "printed":
            self.error(node, f"forbidden name '{node.id}'")
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node):
        if node.attr not in ALLOWED_ATTRIBUTE_NAMES:
            node = self.node_contents_visit(node)  # inner refusals first, in reading order
            self.error(node, f"attribute '{node.attr}' is not allowed")
            return node
        return super().visit_Attribute(node)

    def visit_Import(self, node):
        self.error(node, "import is not allowed")
        return node

    visit_ImportFrom = visit_Import

    def visit_While(self, node):
        self.error(node, "while loops are not allowed (loop with for over a list or range)")
        return self.node_contents_visit(node)

    def visit_ClassDef(self, node):
        self.error(node, f"class definitions are not allowed (class '{node.name}')")
        return node

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        if type(node.op) not in GUARDED_OPERATORS:
            return node
        symbol = ast.Constant(GUARDED_OPERATORS[type(node.op)])
        return self._call("_op_", node, symbol, node.left, node.right)

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        if spec is not None and any(isinstance(part, ast.FormattedValue) for part in spec.values):
            self.error(node, "a computed format specification is not allowed in an f-string")
        elif spec is not None and re.search(r"\d{4,}", "".join(str(part.value) for part in spec.values)):
            self.error(node, "a format width or precision above 999 is not allowed in an f-string")
        return self.node_contents_visit(node)

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, ast.Expr(self._call("_tick_", node)))
        copy_locations(node.body[0], node)
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = ast.BoolOp(op=ast.Or(), values=[self._call("_tick_", node.body), node.body])  # None or …
        copy_locations(node.body, node.body.values[1])
        return node

    @staticmethod
    def _call(function: str, where, *args):
        call = ast.Call(func=ast.Name(function, ast.Load()), args=list(args), keywords=[])
        copy_locations(call, where)
        return call


@dataclass(frozen=True)
class Problem:
    message: str            # names the forbidden name, attribute or construct
    line: int | None = None  # line within the expression's text, from 1


_ERROR_LINE = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str):
    """(code or None, problems) of an expression ("eval") or a script ("exec"), cached by its text."""
    compile_restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compile_restricted(source.strip() if mode == "eval" else source, "<string>", policy=SandboxPolicy)
    problems = []
    for error in dict.fromkeys(result.errors):
        if error.endswith(("Exec calls are not allowed.", "Eval calls are not allowed.")):
            continue  # RestrictedPython's words for what is already "forbidden name 'exec'"
        match = _ERROR_LINE.match(error)
        problems.append(Problem(match.group(2).rstrip("."), int(match.group(1))) if match else Problem(error))
    return result.code, tuple(problems)


def check_expression(text: str, mode: str = "eval") -> list[Problem]:
    """Everything in ``text`` the sandbox refuses, each naming the forbidden name, attribute or construct."""
    return list(_compile(text, mode)[1])


def _compiled(text: str, mode: str):
    code, problems = _compile(text, mode)
    if problems:
        where = (lambda p: f"line {p.line}: " if p.line and mode == "exec" else "")
        raise SandboxError("; ".join(f"{where(p)}{p.message}" for p in problems))
    return code


# -- the run-time environment ---------------------------------------------------------------------------

class SandboxEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, evaluating under the sandbox.

    The expression sees the process data and the functions it was given (``environment_globals``).
    A script's assignments, ``del`` and ``globals().pop(...)`` reach the task data only if the whole
    script succeeded.
    """

    def _scope(self, data: dict) -> dict:
        scope = {key: value for key, value in data.items() if not key.startswith("_")}
        budget = Budget()
        scope["__builtins__"] = {**BUILTINS, **GUARDS, "_getiter_": budget.iterate, "_tick_": budget.tick,
                                 "globals": lambda: ProcessData(scope)}
        return scope

    @staticmethod
    def _check_data(scope: dict, result=None) -> None:
        data = [value for key, value in scope.items() if key != "__builtins__"]
        measure([result, *data], limit=MAX_DATA, what="the process data")

    def evaluate(self, expression, context, external_context=None):
        code = _compiled(expression, "eval")
        scope = self._scope({**self.globals, **(external_context or {}), **context})
        result = eval(code, scope)  # compiled by RestrictedPython under SandboxPolicy
        self._check_data(scope, result)
        return result

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        code = _compiled(script, "exec")
        scope = self._scope({**context, **self.globals, **external_context})
        exec(code, scope)  # noqa: S102 - compiled by RestrictedPython under SandboxPolicy
        self._check_data(scope)
        for key in [key for key in context if not key.startswith("_") and key not in scope]:
            del context[key]  # deleted by the script
        for key, value in scope.items():
            if key == "__builtins__" or callable(value) or key in self.globals or key in external_context:
                context.pop(key, None)
            else:
                context[key] = value
        return True
