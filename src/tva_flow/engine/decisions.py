"""Decisions in processes and on their own: tva-flow's DMN engine behind SpiffWorkflow's business rules.

A business rule task names a decision (``spiffworkflow:calledDecisionId``). SpiffWorkflow asks the task's
engine for ``result(task)`` and merges the dict into the task data; :class:`DecisionTaskEngine` answers
with the decision's outputs as process variables (or, when the task names a result variable, as one dict in
that variable) and leaves the full evaluation (inputs, matched rules
with their annotations, outputs, required decisions) for the runtime to write into the history.
"""
from __future__ import annotations

from functools import lru_cache

from . import clock
from .dmn import DmnError, evaluate, load, to_json
from .functions import EXPRESSION_FUNCTIONS

TRACE_KEY = "tva_decision_trace"


def _today():
    return clock.current().today()


def _now():
    return clock.current().now()


# FEEL cells compare dates as dates: today()/now() give date values read from the step's clock.
DECISION_FUNCTIONS = {**EXPRESSION_FUNCTIONS, "today": _today, "now": _now}


@lru_cache(maxsize=128)
def load_dmn(filename: str, content: bytes, strict: bool = True):
    """Definitions of one DMN file; a problem raises DmnError naming file, decision, rule and column.

    Loaded once per file content: deploying, starting a process version and evaluating a decision on its
    own all ask for the same tables, and evaluation never changes what was loaded.
    """
    try:
        definitions = load(content, strict=strict)
    except DmnError as exc:
        exc.source = filename
        raise
    definitions.source = filename
    return definitions


def decide(definitions, decision: str, inputs: dict):
    """Evaluate one decision (id or name) against plain inputs; the DecisionResult."""
    return evaluate(definitions, decision, dict(inputs or {}), DECISION_FUNCTIONS)


def process_variables(decision, outcome) -> dict:
    """The outputs of a decision as the process sees them (SpiffWorkflow's shape, kept for diagrams).

    One variable per output column: its value for a single hit (None when no rule matched), the list
    of values for COLLECT / RULE ORDER / OUTPUT ORDER, the number for an aggregated COLLECT. A literal
    expression decision sets its variable (or its name).
    """
    table = decision.table
    if table is None:
        return {decision.variable_name or decision.name: to_json(outcome.value)}
    names = [output.column for output in table.outputs]
    if table.aggregation:
        return {names[0]: to_json(outcome.value)}
    if isinstance(outcome.outputs, list):
        return {name: [to_json(row.get(name)) for row in outcome.outputs] for name in names}
    rows = outcome.outputs or {}
    return {name: to_json(rows.get(name)) for name in names}


class DecisionTaskEngine:
    """The object SpiffWorkflow's BusinessRuleTask calls (it expects ``result(task) -> dict``).

    With ``result_variable`` (the task's ``decisionResultVariable`` property) the task data gets that one
    variable instead: the outputs as a dict keyed by output name, as :func:`process_variables` gives them, or
    None when no rule matched (and no output has a default; an aggregated COLLECT always gives its dict).
    Without it, one variable per output. The trace in the history is the same either way.
    """

    def __init__(self, definitions, decision_id: str, result_variable: str | None = None):
        self.definitions = definitions
        self.decision = definitions.decision(decision_id)
        self.result_variable = result_variable

    def result(self, task) -> dict:
        outcome = decide(self.definitions, self.decision.id, task.data)
        variables = process_variables(self.decision, outcome)
        task.internal_data[TRACE_KEY] = {**outcome.to_json(), "variables": variables}
        if self.result_variable:
            table = self.decision.table
            answered = table is None or bool(table.aggregation) or bool(outcome.outputs)  # a row (or a default)
            return {self.result_variable: variables if answered else None}
        return variables
