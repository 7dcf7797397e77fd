"""`tva-flow validate`: what a process owner must fix before deploying.

Reports (one line each, naming file and element): files the engine cannot parse, user tasks without a
form or outside every lane, form files that are not JSON Schema, forms a task names that are missing, and
every use of a name, attribute or construct the expression sandbox forbids (`engine/sandbox.py`).
"""
from __future__ import annotations

import json

from .engine.definitions import (BPMN_NS, FORM_PROPERTY, DefinitionError, build_bundles, expression_errors,
                                 kind_of, user_tasks)
from . import forms
from .engine.decisions import load_dmn
from .engine.dmn import DmnError, lint
from lxml import etree


def validate_files(files: dict[str, bytes]) -> list[str]:
    problems: list[str] = []
    schemas = {}
    for name, content in sorted(files.items()):
        if kind_of(name) == "form" and not name.endswith(".uischema.json"):
            try:
                schemas[name] = json.loads(content)
            except ValueError as exc:
                problems.append(f"{name}: not valid JSON: {exc}")
    for name, schema in schemas.items():
        problem = forms.schema_problem(schema, schemas)
        if problem:
            problems.append(f"{name}: {problem}")
    for name, content in sorted(files.items()):
        if kind_of(name) == "dmn":
            problems.extend(_lint_dmn(name, content))
    for name, content in sorted(files.items()):
        if kind_of(name) != "bpmn":
            continue
        try:
            root = etree.fromstring(content)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}, line {exc.lineno}: not well-formed XML: {exc.msg}")
            continue
        problems.extend(_check_tasks(name, root))
        problems.extend(str(error) for error in expression_errors(name, root))
    try:
        build_bundles(files)
    except DefinitionError as exc:
        problems.append(str(exc))
    return list(dict.fromkeys(problems))


def _lint_dmn(name: str, content: bytes) -> list[str]:
    """Overlaps under UNIQUE, uncovered inputs, unparseable cells, rules without their legal source."""
    try:
        definitions = load_dmn(name, content, strict=False)
    except DmnError as exc:
        return [str(exc)]
    return [f"{name}: {warning}" if not warning.startswith(name) else warning
            for warning in lint(definitions, require_annotations=True)]


def _check_tasks(name: str, root) -> list[str]:
    problems = []
    in_lane = {ref.text.strip() for ref in root.iter(f"{{{BPMN_NS}}}flowNodeRef") if ref.text}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        for task, props in user_tasks(process):
            where = f"{name}, line {task.sourceline}, user task '{task.get('id')}'"
            if not props.get(FORM_PROPERTY):
                problems.append(f"{where}: has no form (spiffworkflow property {FORM_PROPERTY})")
            if not _lane_holds(task, in_lane):
                problems.append(f"{where}: is in no lane (lanes are the candidate groups)")
    return problems


def _lane_holds(node, in_lane: set[str]) -> bool:
    """A task belongs to a lane itself or through the (sub)process that contains it."""
    while node is not None:
        if node.get("id") in in_lane:
            return True
        node = node.getparent()
        if node is not None and etree.QName(node).localname == "process":
            return False
    return False
