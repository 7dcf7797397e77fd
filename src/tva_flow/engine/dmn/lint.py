"""Warnings about decision tables, one string per problem, each naming table, rule and column:
refused cells (not FEEL, or not in FEEL's expressionLanguage), refused decisions (boxed expressions), overlapping rules under UNIQUE (and disagreeing ones under ANY), input combinations no
rule covers in single-hit tables, comparisons that can never match the input's type, and (for statutory
tables) rules without an annotation.

Overlaps and gaps are decided exactly for columns whose cells compare with constants only (`-`, literals,
lists, comparisons, ranges, not(...)). Columns with the same input expression are analysed together
(`>= 2024-01-01` in one and `<= 2025-12-31` in the other is one range). Each column's domain is cut into
elementary pieces at every constant its cells mention; one representative value per piece stands for
all of it, so "some value satisfies both rules" is checked by evaluating the real cells on the
representatives. Gaps are searched only over enumerated inputs (inputValues / allowed values / boolean)
and number, date and date-time ranges; free-text string inputs are not enumerable and are left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import combinations

from .errors import DmnError
from .feel_scope import Scope
from .loader import load_definitions
from .model import Decision, DecisionTable, Definitions, Rule
from .values import feel_equal, kind, to_json

_SCOPE = Scope()
_KIND_OF_TYPE = {"number": "number", "string": "string", "boolean": "boolean", "date": "date",
                 "dateTime": "dateTime", "time": "time"}
GAP_EXAMPLES = 3
SEARCH_BUDGET = 50_000


class _Anything:
    """Stands for any value of a column whose cells are all `-`."""

    def __repr__(self):
        return "any value"


ANYTHING = _Anything()


@dataclass
class _Group:
    columns: list[int]      # input indexes sharing one input expression
    label: str
    values: list | None     # representatives for overlap checks (None: cannot analyse)
    enumerable: bool        # representatives also usable for gap search


def lint(definitions, require_annotations: bool = False) -> list[str]:
    """Warnings for every decision in ``definitions`` (a Definitions, or a path / bytes / XML text,
    loaded leniently so that refused cells and decisions become warnings). ``require_annotations``: statutory
    tables, where every rule must carry its source as an annotation."""
    if not isinstance(definitions, Definitions):
        try:
            definitions = load_definitions(definitions, strict=False)
        except DmnError as exc:
            return [str(exc)]
    warnings = [str(e) for e in definitions.errors]
    for decision in definitions.decisions.values():
        if decision.unsupported and not decision.errors:  # a refused boxed expression is in errors already
            warnings.append(_say(definitions, decision, "has no decision logic; only decision tables and literal "
                                                        "expressions can be evaluated"))
        table = decision.table
        if table is None or decision.errors:
            continue
        if require_annotations:
            warnings += [_say(definitions, decision, "no annotation (a statutory rule names its source)", rule=r)
                         for r in table.rules if not r.annotation.strip()]
        warnings += _type_mismatches(definitions, decision, table)
        groups = _groups(definitions, table)
        if table.hit_policy in ("UNIQUE", "ANY"):
            warnings += _overlaps(definitions, decision, table, groups)
        if table.single_hit and not any(o.default for o in table.outputs):
            warnings += _gaps(definitions, decision, table, groups)
    return warnings


def _say(defs: Definitions, decision: Decision, message: str, rule: Rule | None = None, column: str | None = None,
         rule_ids=None) -> str:
    return str(DmnError(message, decision_id=decision.id, rule_id=rule.id if rule else None,
                        row=rule.row if rule else None, column=column, rule_ids=rule_ids, source=defs.source))


def _literal(value) -> str:
    if value is ANYTHING:
        return "any value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, datetime):
        return f'date and time("{value.isoformat()}")'
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    return str(to_json(value))


def _example(chosen: list[tuple[_Group, object]]) -> str:
    return ", ".join(f"{g.label} = {_literal(v)}" for g, v in chosen)


# ---------------------------------------------------------------- type mismatches
def _type_mismatches(defs: Definitions, decision: Decision, table: DecisionTable) -> list[str]:
    found = []
    for index, clause in enumerate(table.inputs):
        expected = _KIND_OF_TYPE.get(defs.base_type(clause.type_ref) or "")
        if expected is None:
            continue
        for rule in table.rules:
            constants = rule.input_entries[index].compiled.constants() or []
            wrong = next((v for v in constants if v is not None and kind(v) != expected), None)
            if wrong is not None:
                found.append(_say(defs, decision, f"compares the {clause.type_ref} input with {kind(wrong)} "
                                  f"{_literal(wrong)}, which never matches", rule=rule, column=clause.column))
    return found


# ---------------------------------------------------------------- representatives per column group
def _groups(defs: Definitions, table: DecisionTable) -> list[_Group]:
    by_expression: dict[str, list[int]] = {}
    for index, clause in enumerate(table.inputs):
        by_expression.setdefault(" ".join(clause.expression.text.split()) or clause.id, []).append(index)
    groups = []
    for columns in by_expression.values():
        label = " / ".join(dict.fromkeys(table.inputs[i].column for i in columns))
        values, enumerable = _representatives(defs, table, columns)
        groups.append(_Group(columns, label, values, enumerable))
    return groups


def _representatives(defs: Definitions, table: DecisionTable, columns: list[int]):
    constants, enumeration, allowed = [], None, []
    for i in columns:
        clause = table.inputs[i]
        if defs.base_type(clause.type_ref) == "boolean":
            enumeration = [True, False]
        tests = clause.input_values.compiled if clause.input_values else None
        if tests is not None and not tests.is_any:
            allowed.append(tests)
            literals = tests.literals()
            if literals is not None:
                enumeration = literals
            else:
                constants += tests.constants() or []
        for rule in table.rules:
            cell_constants = rule.input_entries[i].compiled.constants()
            if cell_constants is None:
                return None, False
            constants += cell_constants
    if enumeration is not None:
        values, enumerable = list(enumeration), True
    else:
        values, enumerable = _pieces([v for v in constants if v is not None])
        if values is None:
            return None, False
    values = [v for v in values if v is ANYTHING or all(t.matches(v, _SCOPE) for t in allowed)]
    return values, enumerable


def _pieces(constants: list):
    """One value inside each elementary piece of the line cut at ``constants``."""
    if not constants:
        return [ANYTHING], True
    kinds = {kind(v) for v in constants}
    if len(kinds) > 1:
        return None, False
    k = kinds.pop()
    if k == "boolean":
        return [True, False], True
    steps = {"number": Decimal(1), "date": timedelta(days=1), "dateTime": timedelta(microseconds=1)}
    if k not in steps and k != "string":
        return None, False
    points = sorted(set(constants))
    if k == "string":  # ordered, but not enumerable: good for overlaps, not for gaps
        values = ([""] if points[0] != "" else []) + [points[0]]
        for a, b in zip(points, points[1:]):
            values += ([a + "\0"] if a + "\0" < b else []) + [b]
        return values + [points[-1] + "~"], False
    step = steps[k]
    values = [points[0] - step, points[0]]
    for a, b in zip(points, points[1:]):
        middle = (a + b) / 2 if k == "number" else a + step
        if a < middle < b:
            values.append(middle)
        values.append(b)
    return values + [points[-1] + step], True


def _matches(rule: Rule, group: _Group, value) -> bool:
    return all(rule.input_entries[i].compiled.matches(value, _SCOPE) for i in group.columns)


# ---------------------------------------------------------------- overlaps and gaps
def _overlaps(defs: Definitions, decision: Decision, table: DecisionTable, groups: list[_Group]) -> list[str]:
    if any(g.values is None for g in groups):
        return []
    found = []
    for a, b in combinations(table.rules, 2):
        chosen = []
        for group in groups:
            value = next((v for v in group.values if _matches(a, group, v) and _matches(b, group, v)), None)
            if value is None:
                break
            chosen.append((group, value))
        else:
            if table.hit_policy == "ANY" and _same_outputs(a, b):
                continue
            problem = "overlap under hit policy UNIQUE" if table.hit_policy == "UNIQUE" else \
                "overlap under hit policy ANY but give different outputs"
            where = f"rules {a.id!r} (row {a.row}) and {b.id!r} (row {b.row}) {problem}"
            found.append(_say(defs, decision, f"{where}, e.g. {_example(chosen) or 'always'}",
                              rule_ids=[a.id, b.id]))
    return found


def _same_outputs(a: Rule, b: Rule) -> bool:
    for x, y in zip(a.output_entries, b.output_entries):
        (ok_x, vx), (ok_y, vy) = x.compiled.constant(), y.compiled.constant()
        if ok_x and ok_y:
            if feel_equal(vx, vy) is not True:
                return False
        elif x.text.strip() != y.text.strip():
            return False
    return True


def _gaps(defs: Definitions, decision: Decision, table: DecisionTable, groups: list[_Group]) -> list[str]:
    if not table.rules:
        return [_say(defs, decision, "the table has no rules")]
    if any(g.values is None or not g.enumerable for g in groups):
        return []
    found: list[list] = []
    budget = [SEARCH_BUDGET]

    def search(index: int, candidates: list[Rule], chosen: list):
        for value in groups[index].values:
            if len(found) >= GAP_EXAMPLES or budget[0] <= 0:
                return
            budget[0] -= 1
            rest = [r for r in candidates if _matches(r, groups[index], value)]
            if not rest:
                found.append(chosen + [(groups[index], value)])
            elif index + 1 < len(groups):
                search(index + 1, rest, chosen + [(groups[index], value)])

    search(0, table.rules, [])
    warnings = []
    for chosen in found:
        others = " (any value of the other inputs)" if len(chosen) < len(groups) else ""
        warnings.append(_say(defs, decision, f"no rule matches {_example(chosen)}{others}"))
    return warnings
