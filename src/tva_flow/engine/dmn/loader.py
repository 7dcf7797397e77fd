"""DMN XML (1.1 - 1.5) -> the model's dataclasses, every cell compiled at load.

Cells are FEEL. Refused at load, each as a DmnError naming the decision and, for a cell, the rule (id and
row) and the column: a cell that is not FEEL (or uses FEEL this engine does not evaluate), a cell or
document whose ``expressionLanguage`` is not FEEL (a cell without its own inherits the definitions'),
a decision whose logic is a boxed expression other than a decision table or literal expression (context,
invocation, relation, list, function definition, conditional, filter, iterator), and a decision that
invokes a business knowledge model. With ``strict=False`` such errors are collected in
``Definitions.errors`` instead (lint reports them) and the broken decision raises its error only when
evaluated. DMNDI, extension elements and comments are ignored.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from .cells import Expression, UnaryTests
from .errors import DmnError
from .feel_errors import FeelSyntaxError
from .model import (AGGREGATIONS, HIT_POLICIES, Cell, Decision, DecisionTable, Definitions, InputClause, InputData,
                    ItemDefinition, OutputClause, Rule)
from .namespaces import NAMESPACES, is_feel

# boxed expressions this engine does not evaluate: a decision using one is refused at load
UNSUPPORTED_EXPRESSIONS = {
    "context": "a boxed context", "invocation": "a boxed invocation", "relation": "a relation",
    "list": "a boxed list", "functionDefinition": "a function definition", "conditional": "a boxed conditional",
    "filter": "a boxed filter", "iterator": "a boxed iterator", "for": "a boxed 'for' iterator",
    "some": "a boxed 'some' iterator", "every": "a boxed 'every' iterator",
}


def _read(source) -> tuple[bytes, str | None]:
    if isinstance(source, bytes):
        return source, None
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source.encode("utf-8"), None
    path = Path(source)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise DmnError(f"cannot read {path}: {exc.strerror}", source=path.name) from None


def load_definitions(source, strict: bool = True) -> Definitions:
    """Parse a DMN file (path, bytes or XML text). Raises DmnError on the first problem when ``strict``;
    otherwise records problems in ``Definitions.errors`` and keeps going."""
    data, name = _read(source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DmnError(f"not well-formed XML: {exc}", source=name) from None
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    version = NAMESPACES.get(namespace) or NAMESPACES.get(namespace.replace("http:", "https:"))
    if qname.localname != "definitions" or version is None:
        raise DmnError(f"not a DMN 1.1-1.5 document (root element {root.tag})", source=name)
    return _Loader(root, qname.namespace, version, name, strict).definitions


class _Loader:
    def __init__(self, root, ns: str, version: str, source: str | None, strict: bool):
        self.ns, self.strict, self.source = ns, strict, source
        self.definitions = defs = Definitions(
            id=root.get("id", ""), name=root.get("name", ""), namespace=root.get("namespace", ""),
            dmn_version=version, source=source, expression_language=root.get("expressionLanguage") or None)
        self.checked: set = set()  # elements whose expressionLanguage was checked with their cell
        for el in self.children(root, "itemDefinition"):
            item = self.item_definition(el)
            defs.item_definitions[item.name] = item
        for el in self.children(root, "inputData"):
            variable = self.child(el, "variable")
            type_ref = variable.get("typeRef") if variable is not None else None
            data = InputData(el.get("id", ""), el.get("name", ""), type_ref)
            defs.input_data[data.id] = data
        for el in self.children(root, "decision"):
            decision = self.decision(el)
            defs.decisions[decision.id] = decision
            defs.decisions_by_name.setdefault(decision.name, decision)

    # xml helpers
    def children(self, el, tag: str):
        return el.findall(f"{{{self.ns}}}{tag}")

    def child(self, el, tag: str):
        return el.find(f"{{{self.ns}}}{tag}")

    def text(self, el, tag: str = "text") -> str:
        return (el.findtext(f"{{{self.ns}}}{tag}") or "") if el is not None else ""

    def fail(self, error: DmnError, decision: Decision | None = None):
        if self.strict:
            raise error
        self.definitions.errors.append(error)
        if decision is not None:
            decision.errors.append(error)

    def language_problem(self, el) -> str | None:
        """Why ``el`` (a cell's element) may not be evaluated as FEEL, or None."""
        if el is None:
            return None
        self.checked.add(el)
        own = el.get("expressionLanguage")
        if own and own.strip():
            return None if is_feel(own) else f"expression language {own.strip()!r} is not supported: cells are FEEL"
        inherited = self.definitions.expression_language
        if is_feel(inherited):
            return None
        return (f"expression language {inherited.strip()!r} (set on the definitions) is not supported: "
                "cells are FEEL")

    def cell(self, el, tests: bool, decision: Decision, column: str, rule: Rule | None = None) -> Cell:
        """Compile the cell of element ``el`` (its <text>): unary tests or an expression."""
        text = self.text(el)
        problem = self.language_problem(el)
        try:
            if problem:
                raise FeelSyntaxError(problem)
            return Cell(text, UnaryTests(text) if tests else Expression(text))
        except FeelSyntaxError as exc:
            message = str(exc) if problem else f"cell {exc}"
            error = DmnError(message, decision_id=decision.id, column=column, rule_id=rule.id if rule else None,
                             row=rule.row if rule else None, source=self.source)
            self.fail(error, decision)
            return Cell(text, None, error)

    def foreign_languages(self, el, decision: Decision):
        """Refuse any other element of a decision that says its expressions are not FEEL."""
        for node in el.iter():
            if node in self.checked or not isinstance(node.tag, str):
                continue
            language = node.get("expressionLanguage")
            if language and not is_feel(language):
                where = etree.QName(node).localname + (f" {node.get('id')!r}" if node.get("id") else "")
                self.fail(DmnError(f"{where}: expression language {language.strip()!r} is not supported: "
                                   "expressions are FEEL", decision_id=decision.id, source=self.source), decision)

    # elements
    def item_definition(self, el) -> ItemDefinition:
        type_ref = self.text(el, "typeRef").strip() or el.get("typeRef")
        allowed = self.child(el, "allowedValues")
        item = ItemDefinition(el.get("name", ""), type_ref or None, is_collection=el.get("isCollection") == "true")
        if allowed is not None:
            try:
                problem = self.language_problem(allowed)
                if problem:
                    raise FeelSyntaxError(problem)
                item.allowed_values = Cell(self.text(allowed), UnaryTests(self.text(allowed)))
            except FeelSyntaxError as exc:
                self.fail(DmnError(f"item definition {item.name!r}: allowed values refused: {exc}",
                                   source=self.source))
        for component in self.children(el, "itemComponent"):
            sub = self.item_definition(component)
            item.components[sub.name] = sub
        return item

    def decision(self, el) -> Decision:
        decision = Decision(id=el.get("id", ""), name=el.get("name") or el.get("id", ""),
                            description=self.text(el, "description").strip())
        variable = self.child(el, "variable")
        if variable is not None:
            decision.type_ref, decision.variable_name = variable.get("typeRef"), variable.get("name")
        for req in self.children(el, "informationRequirement"):
            for tag, target in (("requiredDecision", decision.required_decisions),
                                ("requiredInput", decision.required_inputs)):
                ref = self.child(req, tag)
                if ref is not None and ref.get("href"):
                    target.append(ref.get("href").split("#")[-1])
        if self.children(el, "knowledgeRequirement"):
            self.fail(DmnError("invokes a business knowledge model (knowledgeRequirement), which is not "
                               "supported: only decision tables and literal expressions (FEEL) are evaluated",
                               decision_id=decision.id, source=self.source), decision)
        table = self.child(el, "decisionTable")
        literal = self.child(el, "literalExpression")
        if table is not None:
            decision.table = self.table(table, decision)
        elif literal is not None:
            decision.literal = self.cell(literal, False, decision, decision.name)
        else:
            kinds = [etree.QName(c).localname for c in el if isinstance(c.tag, str)]
            decision.unsupported = next((k for k in kinds if k in UNSUPPORTED_EXPRESSIONS), "no expression")
            if decision.unsupported in UNSUPPORTED_EXPRESSIONS:
                self.fail(DmnError(f"its logic is {UNSUPPORTED_EXPRESSIONS[decision.unsupported]} "
                                   f"(<{decision.unsupported}>), which is not supported: only decision tables and "
                                   "literal expressions (FEEL) are evaluated", decision_id=decision.id,
                                   source=self.source), decision)
                return decision
        self.foreign_languages(el, decision)
        return decision

    def table(self, el, decision: Decision) -> DecisionTable:
        defs = self.definitions
        policy = (el.get("hitPolicy") or "UNIQUE").upper().replace("_", " ")
        aggregation = (el.get("aggregation") or "").upper() or None
        table = DecisionTable(el.get("id", ""), policy, aggregation, [], [], [],
                              type_ref=el.get("typeRef") or decision.type_ref, output_label=el.get("outputLabel"))

        def problem(message: str, **where):
            self.fail(DmnError(message, decision_id=decision.id, source=self.source, **where), decision)

        if policy not in HIT_POLICIES:
            problem(f"unknown hit policy {policy!r}")
        if aggregation and (aggregation not in AGGREGATIONS or policy != "COLLECT"):
            problem(f"aggregation {aggregation!r} is only allowed as SUM, MIN, MAX or COUNT with hit policy COLLECT")

        for index, input_el in enumerate(self.children(el, "input"), 1):
            expr_el = self.child(input_el, "inputExpression")
            label = input_el.get("label") or ""
            clause = InputClause(input_el.get("id", f"input_{index}"), label, Cell(""),
                                 expr_el.get("typeRef") if expr_el is not None else None)
            clause.expression = self.cell(expr_el, False, decision, clause.column)
            values_el = self.child(input_el, "inputValues")
            if values_el is not None:
                clause.input_values = self.cell(values_el, True, decision, clause.column)
            else:
                clause.input_values = defs.allowed_values(clause.type_ref)
            table.inputs.append(clause)

        outputs = self.children(el, "output")
        for index, output_el in enumerate(outputs, 1):
            clause = OutputClause(output_el.get("id", f"output_{index}"), output_el.get("name") or "",
                                  output_el.get("label") or "", output_el.get("typeRef"))
            if len(outputs) == 1 and not clause.name:
                clause.name = table.output_label or decision.variable_name or decision.name
            values_el = self.child(output_el, "outputValues")
            if values_el is not None:
                clause.output_values = self.cell(values_el, True, decision, clause.column)
            else:
                clause.output_values = (defs.allowed_values(clause.type_ref) or defs.allowed_values(
                    table.type_ref, None if len(outputs) == 1 else clause.name))
            default_el = self.child(output_el, "defaultOutputEntry")
            if default_el is not None:
                clause.default = self.cell(default_el, False, decision, clause.column)
            table.outputs.append(clause)

        if aggregation and len(table.outputs) > 1:
            problem(f"aggregation {aggregation} needs a single output, the table has {len(table.outputs)}")
        if policy in ("PRIORITY", "OUTPUT ORDER") and not any(o.output_values for o in table.outputs):
            problem(f"hit policy {policy} orders by output values, but no output lists its values "
                    "(outputValues or an item definition's allowed values)")

        for row, rule_el in enumerate(self.children(el, "rule"), 1):
            rule = Rule(rule_el.get("id") or f"row_{row}", row, [], [])
            notes = [self.text(rule_el, "description").strip()]
            notes += [self.text(a).strip() for a in self.children(rule_el, "annotationEntry")]
            rule.annotation = "\n".join(dict.fromkeys(n for n in notes if n))
            entries_in = self.children(rule_el, "inputEntry")
            entries_out = self.children(rule_el, "outputEntry")
            if len(entries_in) != len(table.inputs) or len(entries_out) != len(table.outputs):
                problem(f"has {len(entries_in)} input and {len(entries_out)} output entries, the table has "
                        f"{len(table.inputs)} inputs and {len(table.outputs)} outputs", rule_id=rule.id, row=row)
                continue
            rule.input_entries = [self.cell(e, True, decision, c.column, rule)
                                  for e, c in zip(entries_in, table.inputs)]
            rule.output_entries = [self.cell(e, False, decision, c.column, rule)
                                   for e, c in zip(entries_out, table.outputs)]
            table.rules.append(rule)
        return table
