"""Evaluate a decision: its required decisions first (their results enter the context under the decision
name), then its decision table under the DMN 1.5 hit policy, or its literal expression."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .builtins import call_builtin, f_sum
from .errors import DmnError
from .feel_errors import FeelError
from .feel_scope import Scope
from .model import Cell, Decision, DecisionTable, Definitions, Rule
from .values import coerce, feel_equal, to_json


@dataclass
class DecisionResult:
    decision_id: str
    decision_name: str
    value: Any = None            # the decision's result (FEEL values: Decimal, date, ...; see to_json)
    outputs: Any = None          # dict (single hit) or list of dicts (multiple hits), keyed by output name
    matched: list[dict] = field(default_factory=list)  # [{rule_id, row, annotation}] that gave the result
    inputs: dict = field(default_factory=dict)         # input label -> evaluated value
    trace: list["DecisionResult"] = field(default_factory=list)  # required decisions, evaluated first
    hit_policy: str | None = None
    missing: list[str] = field(default_factory=list)   # names looked up but not in the context (null)

    def to_json(self) -> dict:
        """The whole evaluation as JSON-ready data (for instance history and the API)."""
        return {
            "decision_id": self.decision_id, "decision_name": self.decision_name, "hit_policy": self.hit_policy,
            "inputs": to_json(self.inputs), "matched": list(self.matched), "outputs": to_json(self.outputs),
            "value": to_json(self.value), "missing": list(self.missing),
            "trace": [t.to_json() for t in self.trace],
        }


def evaluate(definitions: Definitions, decision_id_or_name: str, context: dict,
             functions: dict | None = None) -> DecisionResult:
    """Evaluate one decision (by id or name) against ``context`` (plain Python values; ISO strings are
    read as dates where a typeRef says date). ``functions`` are extra callables cells may use."""
    decision = definitions.decision(decision_id_or_name)
    return _Evaluator(definitions, functions or {}).decide(decision, dict(context or {}), ())


class _Evaluator:
    def __init__(self, definitions: Definitions, functions: dict):
        self.defs = definitions
        self.functions = functions
        self.done: dict[str, DecisionResult] = {}

    def decide(self, decision: Decision, context: dict, stack: tuple) -> DecisionResult:
        if decision.id in stack:
            raise DmnError("decisions require each other in a cycle: " + " -> ".join([*stack, decision.id]),
                           decision_id=decision.id)
        if decision.id in self.done:
            return self.done[decision.id]
        if decision.errors:
            raise decision.errors[0]
        context = dict(context)
        for data in self.defs.input_data.values():
            if data.name in context and data.type_ref:
                context[data.name] = coerce(context[data.name], self.defs.base_type(data.type_ref))
        trace = []
        for required_id in decision.required_decisions:
            required = self.defs.decisions.get(required_id)
            if required is None:
                raise DmnError(f"requires decision {required_id!r}, which is not in this model",
                               decision_id=decision.id)
            result = self.decide(required, context, (*stack, decision.id))
            context[required.name] = result.value
            trace.append(result)
        scope = Scope(context, self.functions)
        result = DecisionResult(decision.id, decision.name, trace=trace)
        if decision.table is not None:
            self.table(decision, decision.table, scope, result)
        elif decision.literal is not None:
            value = self.run(decision.literal, scope, decision, decision.name)
            result.value = coerce(value, self.defs.base_type(decision.type_ref))
            result.outputs = {decision.variable_name or decision.name: result.value}
        else:
            raise DmnError("has no decision logic this engine evaluates (only decision tables and literal "
                           "expressions)", decision_id=decision.id, source=self.defs.source)
        result.missing = sorted(scope.missing)
        self.done[decision.id] = result
        return result

    def run(self, cell: Cell, scope: Scope, decision: Decision, column: str, rule: Rule | None = None, value=None,
            test: bool = False):
        where = dict(decision_id=decision.id, column=column, rule_id=rule.id if rule else None,
                     row=rule.row if rule else None, source=self.defs.source)
        if cell.compiled is None:
            raise cell.error or DmnError("cell was not compiled", **where)
        try:
            return cell.compiled.matches(value, scope) if test else cell.compiled.evaluate(scope)
        except FeelError as exc:
            raise DmnError(str(exc), **where) from exc

    def table(self, decision: Decision, table: DecisionTable, scope: Scope, result: DecisionResult):
        result.hit_policy = table.hit_policy + (f" {table.aggregation}" if table.aggregation else "")
        values = []
        for clause in table.inputs:
            value = coerce(self.run(clause.expression, scope, decision, clause.column),
                           self.defs.base_type(clause.type_ref))
            values.append(value)
            key = clause.column if clause.column not in result.inputs else f"{clause.column} ({clause.id})"
            result.inputs[key] = value

        matched = []
        for rule in table.rules:
            if all(self.run(cell, scope, decision, clause.column, rule, value, test=True)
                   for cell, clause, value in zip(rule.input_entries, table.inputs, values)):
                matched.append(rule)
                if table.hit_policy == "FIRST":
                    break

        def outputs_of(rule: Rule) -> dict:
            return {clause.column: coerce(self.run(cell, scope, decision, clause.column, rule),
                                          self.defs.base_type(clause.type_ref))
                    for cell, clause in zip(rule.output_entries, table.outputs)}

        rows = [(rule, outputs_of(rule)) for rule in matched]
        policy = table.hit_policy
        if policy == "UNIQUE" and len(rows) > 1:
            names = ", ".join(f"{r.id} (row {r.row})" for r, _ in rows)
            raise DmnError(f"hit policy UNIQUE, but rules {names} all match", decision_id=decision.id,
                           rule_ids=[r.id for r, _ in rows], source=self.defs.source)
        if policy == "ANY" and any(not _same(out, rows[0][1]) for _, out in rows[1:]):
            names = ", ".join(f"{r.id} (row {r.row})" for r, _ in rows)
            raise DmnError(f"hit policy ANY, but the matching rules {names} give different outputs",
                           decision_id=decision.id, rule_ids=[r.id for r, _ in rows], source=self.defs.source)
        if policy in ("PRIORITY", "OUTPUT ORDER"):
            rows.sort(key=lambda row: self.priority(table, row[1], scope))  # stable: ties keep rule order
        if policy in ("UNIQUE", "FIRST", "PRIORITY"):
            rows = rows[:1]

        if not rows and any(o.default for o in table.outputs) and table.aggregation != "COUNT":
            rows = [(None, {o.column: self.run(o.default, scope, decision, o.column) if o.default else None
                            for o in table.outputs})]
        result.matched = [{"rule_id": r.id, "row": r.row, "annotation": r.annotation} for r, _ in rows if r]
        outs = [out for _, out in rows]
        single = len(table.outputs) == 1
        shaped = [next(iter(out.values())) if single else out for out in outs]
        if table.single_hit:
            result.outputs = outs[0] if outs else {}
            result.value = shaped[0] if shaped else None
        else:
            result.outputs = outs
            result.value = _aggregate(table.aggregation, shaped) if table.aggregation else shaped

    def priority(self, table: DecisionTable, outputs: dict, scope: Scope) -> tuple:
        return tuple(clause.output_values.compiled.position(outputs[clause.column], scope)
                     for clause in table.outputs if clause.output_values and clause.output_values.compiled)


def _same(a: dict, b: dict) -> bool:
    return all(feel_equal(a[k], b[k]) is True for k in a)


def _aggregate(aggregation: str, values: list):
    if aggregation == "COUNT":
        return Decimal(len(values))
    if not values:
        return None
    if aggregation == "SUM":
        return f_sum(values)
    return call_builtin({"MIN": "min", "MAX": "max"}[aggregation], [values])

