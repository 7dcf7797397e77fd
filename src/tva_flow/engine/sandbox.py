"""Sandboxed Python for everything a diagram evaluates: scripts, conditions, timers, payloads, due dates.

RestrictedPython is the sandbox; this module is tva-flow's policy on it, applied with the same rules while
running (:class:`SandboxEnvironment`, SpiffWorkflow's script environment) and at deploy
(:func:`check_expression`). What an expression may use is :data:`BUILTINS`, ``globals()`` (the process
data), the functions it is given and the :data:`ATTRIBUTES` of its values; the ``MAX_*`` bounds below
keep one evaluation from running or growing without end. README: "What an expression may use".
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import copy_locations
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from .sandbox_guards import (ALLOWED_ATTRIBUTE_NAMES, BUDGET, BUILTINS, FORBIDDEN_NAMES, GUARDS, Budget,
                             ProcessData, SandboxError, check_data)

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

    def visit_Constant(self, node):
        if isinstance(node.value, bytes):
            self.error(node, "bytes are not allowed (process data is text)")
            return node
        return super().visit_Constant(node)

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

    def _scope(self, data: dict, budget: Budget) -> dict:
        scope = {key: value for key, value in data.items() if not key.startswith("_")}
        scope["__builtins__"] = {**BUILTINS, **GUARDS, "_getiter_": budget.iterate, "_tick_": budget.tick,
                                 "globals": lambda: ProcessData(scope)}
        return scope

    @staticmethod
    def _check(values: list, result=None) -> None:
        """What the evaluation leaves behind: not too large, and only what the process data can keep."""
        check_data([result, *values], "the process data")

    def evaluate(self, expression, context, external_context=None):
        code = _compiled(expression, "eval")
        budget = Budget()
        scope = self._scope({**self.globals, **(external_context or {}), **context}, budget)
        token = BUDGET.set(budget)
        try:
            result = eval(code, scope)  # compiled by RestrictedPython under SandboxPolicy
        finally:
            BUDGET.reset(token)
        self._check([value for key, value in context.items() if key in scope], result)
        return result

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        code = _compiled(script, "exec")
        budget = Budget()
        scope = self._scope({**context, **self.globals, **external_context}, budget)
        token = BUDGET.set(budget)
        try:
            exec(code, scope)  # noqa: S102 - compiled by RestrictedPython under SandboxPolicy
        finally:
            BUDGET.reset(token)
        kept = {key: value for key, value in scope.items()
                if key != "__builtins__" and not callable(value) and key not in self.globals
                and key not in external_context}
        self._check(list(kept.values()))
        for key in [key for key in context if not key.startswith("_") and key not in scope]:
            del context[key]  # deleted by the script
        for key in [key for key in scope if key not in kept]:
            context.pop(key, None)
        context.update(kept)
        return True
