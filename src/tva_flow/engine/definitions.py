"""Definition files (BPMN, DMN, forms): parse, check, and group into versioned process bundles.

A *bundle* is everything one process needs: its BPMN file, every DMN file deployed with it and the form
files its user tasks name. The bundle's hash over those contents is the process version's identity, so
a changed diagram, table or form gives a new version while unchanged ones are re-deployed as no-ops.
"""
from __future__ import annotations

import hashlib
import json
import keyword
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .. import forms
from . import records
from .decisions import DecisionTaskEngine, load_dmn
from .dmn import DmnError
from .expressions import BPMN_NS, SPIFF_NS, bpmn_expressions, spec_expressions
from .sandbox import check_expression

FORM_PROPERTY = "formJsonSchemaFilename"
UI_FORM_PROPERTY = "formUiSchemaFilename"
RESULT_PROPERTY = "decisionResultVariable"  # a business rule task's outputs as one dict in this variable
MAX_NAME = 255  # what the store's columns for ids and names keep
TEXT_REFERENCES = ("loopDataInputRef", "loopDataOutputRef")  # element text that must be an element id


def kind_of(filename: str) -> str | None:
    if filename.endswith(".bpmn"):
        return "bpmn"
    if filename.endswith(".dmn"):
        return "dmn"
    if filename.endswith(".json"):
        return "form"
    return None


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class DefinitionError(Exception):
    """A definition file the engine refuses, with where the problem is."""

    def __init__(self, file: str, message: str, element_id: str | None = None, line: int | None = None):
        self.file, self.element_id, self.line, self.detail = file, element_id or None, line or None, message
        where = file
        if self.line:
            where += f", line {self.line}"
        if self.element_id:
            where += f", element '{self.element_id}'"
        super().__init__(f"{where}: {message}")

    def as_dict(self) -> dict:
        return {"file": self.file, "element_id": self.element_id, "line": self.line, "message": self.detail}


@dataclass
class ProcessBundle:
    process_key: str
    name: str
    bpmn_file: str
    files: dict[str, bytes] = field(default_factory=dict)  # filename -> content
    message_starts: list[str] = field(default_factory=list)  # names of messages that start the process

    @property
    def bundle_hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + content_hash(self.files[name]).encode() + b"\n")
        return digest.hexdigest()


def read_dirs(paths) -> dict[str, bytes]:
    """All definition files under the given folders (or files), by file name."""
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in candidates:
            if kind_of(file.name):
                files[file.name] = file.read_bytes()
    return files


# a deployed file read again (case pages, what a customer may start): no entities, nothing from the network
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _xml(filename: str, content: bytes):
    try:
        return etree.fromstring(content)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(filename, f"not well-formed XML: {exc.msg}", line=exc.lineno) from exc


def _parse_json(filename: str, content: bytes):
    try:
        return json.loads(content)
    except ValueError as exc:
        raise DefinitionError(filename, f"not valid JSON: {exc}") from exc


def user_tasks(bpmn_root) -> list[tuple]:
    """Each user task's XML node with its spiffworkflow:property values."""
    return [(task, {p.get("name"): p.get("value") for p in task.iter(f"{{{SPIFF_NS}}}property")})
            for task in bpmn_root.iter(f"{{{BPMN_NS}}}userTask")]


def start_form(process) -> tuple[str | None, str | None]:
    """The form (JSON Schema and UI schema file names) of a process's own plain start event, if it names one:
    what a customer fills in to start a case of it (a job seeker's registration)."""
    for start in process.findall(f"{{{BPMN_NS}}}startEvent"):
        props = {p.get("name"): p.get("value") for p in start.iter(f"{{{SPIFF_NS}}}property")}
        if props.get(FORM_PROPERTY):
            return props[FORM_PROPERTY], props.get(UI_FORM_PROPERTY)
    return None, None


class TvaBpmnParser(SpiffBpmnParser):
    """SpiffWorkflow's BPMN parser with tva-flow's own DMN engine (FEEL, every hit policy, a trace) and the
    customer record as a BPMN data store (:mod:`.records`)."""

    DATA_STORE_CLASSES = {records.STORE_NAME: records.CustomerRecordStore}

    def __init__(self):
        super().__init__()
        self.decision_definitions: dict[str, object] = {}

    def add_dmn_xml(self, node, filename=None):
        self.add_decisions(load_dmn(filename or "?", etree.tostring(node)))

    def add_decisions(self, definitions) -> None:
        """Make the decisions of one loaded DMN file callable from business rule tasks."""
        for decision in definitions.decisions.values():
            self.decision_definitions[decision.id] = definitions
            self.decision_definitions.setdefault(decision.name, definitions)

    def get_engine(self, decision_ref, node):
        definitions = self.decision_definitions.get(decision_ref)
        if definitions is None:
            known = ", ".join(sorted(self.decision_definitions)) or "none"
            raise ValidationException(f"decision '{decision_ref}' is not deployed (deployed: {known})", node=node,
                                      file_name="")
        props = {p.get("name"): p.get("value") for p in node.iter(f"{{{SPIFF_NS}}}property")}
        result_variable = props.get(RESULT_PROPERTY)
        if result_variable is not None and (not result_variable.isidentifier() or keyword.iskeyword(result_variable)):
            raise ValidationException(f"{RESULT_PROPERTY} '{result_variable}' is not a variable name", node=node,
                                      file_name="")
        return DecisionTaskEngine(definitions, decision_ref, result_variable=result_variable)


def make_parser() -> SpiffBpmnParser:
    return TvaBpmnParser()


def parse_bundle(bundle: ProcessBundle):
    """(spec, subprocess_specs) of a bundle's process, ready for a BpmnWorkflow."""
    parser = make_parser()
    roots = {}
    for name, content in bundle.files.items():
        kind = kind_of(name)
        try:
            if kind == "bpmn":
                roots[name] = etree.fromstring(content)
                parser.add_bpmn_xml(roots[name], filename=name)
            elif kind == "dmn":
                parser.add_decisions(load_dmn(name, content))
        except ValidationException as exc:
            raise _from_validation(exc, name, roots) from exc
        except DmnError as exc:
            raise DefinitionError(name, exc.message, element_id=exc.rule_id or exc.decision_id) from exc
    try:
        spec, subprocess_specs = parser.get_spec(bundle.process_key), parser.get_subprocess_specs(bundle.process_key)
    except ValidationException as exc:
        raise _from_validation(exc, bundle.bpmn_file, roots) from exc
    except DmnError as exc:
        raise DefinitionError(exc.source or bundle.bpmn_file, exc.message,
                              element_id=exc.rule_id or exc.decision_id) from exc
    spec.lanes_by_element = lanes_by_element(roots.values())
    return spec, subprocess_specs


def candidate_group(lane_name: str | None) -> str | None:
    """The machine name of a lane: its Finnish label in lower case without diacritics, words joined by
    underscores ("Työnhakija" → "tyonhakija", "Hyvinvointialue" → "hyvinvointialue"). A process owner
    spells lanes properly in the modeller; the candidate groups people are given stay plain."""
    if not lane_name:
        return lane_name
    plain = lane_name.strip().lower().translate(str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"}))
    return "_".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in plain).split()) or None


def lanes_by_element(roots) -> dict[str, str]:
    """Candidate group (see :func:`candidate_group`) of every flow node a lane lists, nested ones included,
    as modellers draw them.

    SpiffWorkflow gives every node inside a subprocess the subprocess's lane; the engine asks this map
    first so a caseworker task drawn in the caseworker lane inside a subprocess goes to caseworkers.
    """
    lanes = {}
    for root in roots:
        for lane in root.iter(f"{{{BPMN_NS}}}lane"):
            for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
                if ref.text:
                    lanes[ref.text.strip()] = candidate_group(lane.get("name") or lane.get("id"))
    return lanes


def _from_validation(exc: ValidationException, default_file: str, roots: dict) -> DefinitionError:
    message = str(exc).split("\n")[0].strip()
    file = getattr(exc, "file_name", "") or default_file
    element_id = getattr(exc, "id", None) or None
    line = getattr(exc, "line_number", None) or None
    if element_id and not line and file in roots:
        line = _line_of(roots[file], element_id)
    return DefinitionError(file, message, element_id=element_id, line=line)


def check_references(filename: str, root) -> None:
    """Dangling references, reported on the referring element (SpiffWorkflow's own message is vague)."""
    ids = {node.get("id") for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in ("sourceRef", "targetRef", "attachedToRef", "messageRef", "default"):
            ref = node.get(attribute)
            if ref is not None and ref not in ids:
                raise DefinitionError(filename, f"{attribute} '{ref}' names no element in this file",
                                      element_id=node.get("id"), line=node.sourceline)
        name = etree.QName(node).localname
        if name in TEXT_REFERENCES and (node.text or "").strip() not in ids:
            # a modeller drops a reference it cannot resolve when it saves (declare e.g. a bpmn:property)
            owner = node.getparent().getparent()
            raise DefinitionError(filename, f"{name} '{(node.text or '').strip()}' names no element in this file; "
                                  "a modeller would drop it on save", element_id=owner.get("id"),
                                  line=node.sourceline)


def expression_errors(filename: str, root) -> list[DefinitionError]:
    """Every use of something the expression sandbox forbids, each naming the element, line and what."""
    return [DefinitionError(filename, f"{expression.kind}: {problem.message}", element_id=expression.element_id,
                            line=expression.line_of(problem))
            for expression in bpmn_expressions(root)
            for problem in check_expression(expression.text, expression.mode)]


def check_parsed_expressions(filename: str, root, spec, subprocess_specs) -> None:
    """What SpiffWorkflow parsed, checked too: its parser finds Python where the XML walk may not."""
    for expression in spec_expressions(spec, subprocess_specs):
        for problem in check_expression(expression.text, expression.mode):
            raise DefinitionError(filename, f"{expression.kind}: {problem.message}", element_id=expression.element_id,
                                  line=_line_of(root, expression.element_id))


def check_lengths(filename: str, root) -> None:
    """Ids and names the store keeps (task names, lanes, messages, timers) are at most 255 characters."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in ("id", "name"):
            value = node.get(attribute)
            if value is not None and len(value) > MAX_NAME:
                raise DefinitionError(filename, f"{etree.QName(node).localname} {attribute} is {len(value)} "
                                      f"characters long; at most {MAX_NAME}", element_id=node.get("id")
                                      if attribute == "name" else None, line=node.sourceline)


def check_expressions(filename: str, root) -> None:
    """Refuse a diagram whose scripts or expressions use anything the sandbox forbids (the first one)."""
    errors = expression_errors(filename, root)
    if errors:
        raise errors[0]


def build_bundles(files: dict[str, bytes]) -> list[ProcessBundle]:
    """Check every file and group them into one bundle per executable process.

    Raises DefinitionError for the first file that is not acceptable; nothing is partially accepted.
    """
    dmn_files = {n: c for n, c in files.items() if kind_of(n) == "dmn"}
    form_files = {n: c for n, c in files.items() if kind_of(n) == "form"}
    decisions: dict[str, str] = {}  # decision id -> DMN file name
    for name, content in sorted(dmn_files.items()):
        root = _xml(name, content)
        for decision_id in check_decisions(name, content).decisions:
            other = decisions.get(decision_id)
            if other is not None:
                raise DefinitionError(name, f"decision id '{decision_id}' is already defined in {other}",
                                      element_id=decision_id, line=_line_of(root, decision_id))
            decisions[decision_id] = name
    schemas = {name: _parse_json(name, content) for name, content in form_files.items()}
    processes: dict[str, tuple[str, object]] = {}  # process id -> (BPMN file name, its element)
    roots = {}
    for name, content in sorted(files.items()):
        if kind_of(name) != "bpmn":
            continue
        root = roots[name] = _xml(name, content)
        check_references(name, root)
        check_lengths(name, root)
        check_expressions(name, root)
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            processes.setdefault(process.get("id"), (name, process))

    def add_needs(bundle: ProcessBundle, name: str, process) -> None:
        """The DMN files a process's decisions are in and the forms its tasks name, into ``bundle``."""
        for decision_id in called_decisions(process):
            dmn_name = decisions.get(decision_id)
            if dmn_name is None:
                raise DefinitionError(name, f"decision '{decision_id}' is not deployed",
                                      element_id=_element_calling(process, decision_id),
                                      line=_line_of(process, _element_calling(process, decision_id)))
            bundle.files[dmn_name] = dmn_files[dmn_name]
        form, ui_form = start_form(process)
        starts = [(process, {FORM_PROPERTY: form, UI_FORM_PROPERTY: ui_form})] if form else []
        for task, props in user_tasks(process) + starts:
            for prop in (FORM_PROPERTY, UI_FORM_PROPERTY):
                form = props.get(prop)
                if form is None:
                    continue
                if form not in form_files:
                    raise DefinitionError(name, f"form file '{form}' is not deployed", element_id=task.get("id"),
                                          line=task.sourceline)
                bundle.files[form] = form_files[form]
                if prop == FORM_PROPERTY and isinstance(schemas[form], dict):  # and the forms it $refs
                    for other in forms.referenced_forms(schemas[form], schemas) & form_files.keys():
                        bundle.files[other] = form_files[other]

    bundles = []
    for name, root in roots.items():
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable", "true") == "false":
                continue
            key = process.get("id")
            bundle = ProcessBundle(key, process.get("name") or key, name, {name: files[name]},
                                   message_starts=start_messages(root, process))
            # the process, and every process its call activities call (in any deployed file), transitively
            pending, seen = [(name, process)], {key}
            while pending:
                file_name, current = pending.pop()
                bundle.files[file_name] = files[file_name]
                add_needs(bundle, file_name, current)
                for call in current.iter(f"{{{BPMN_NS}}}callActivity"):
                    called = call.get("calledElement")
                    if called in seen:
                        continue
                    if called not in processes:
                        raise DefinitionError(file_name, f"the call activity calls process '{called}', which is not "
                                              "deployed", element_id=call.get("id"), line=call.sourceline)
                    seen.add(called)
                    pending.append(processes[called])
            spec, subprocess_specs = parse_bundle(bundle)
            # a called process that is deployed as a process of its own is checked (and named) as that one
            own = {key: sub for key, sub in subprocess_specs.items()
                   if key not in processes or processes[key][1].get("isExecutable", "true") == "false"}
            check_parsed_expressions(name, root, spec, own)
            bundles.append(bundle)
    return bundles


def check_decisions(filename: str, content: bytes):
    """Load every decision of a DMN file, used by a process or not, so a broken table is refused now."""
    try:
        return load_dmn(filename, content)
    except DmnError as exc:
        raise DefinitionError(filename, str(exc).removeprefix(f"{filename}, "),
                              element_id=exc.rule_id or exc.decision_id) from exc


def start_messages(root, process) -> list[str]:
    """Names of the messages whose arrival starts the process (message start events)."""
    names = {m.get("id"): m.get("name") for m in root.iter(f"{{{BPMN_NS}}}message")}
    found = []
    for start in process.findall(f"{{{BPMN_NS}}}startEvent"):
        for definition in start.findall(f"{{{BPMN_NS}}}messageEventDefinition"):
            name = names.get(definition.get("messageRef"))
            if name:
                found.append(name)
    return found


def called_decisions(process) -> list[str]:
    return [n.text.strip() for n in process.iter(f"{{{SPIFF_NS}}}calledDecisionId") if n.text]


def _element_calling(process, decision_id: str) -> str | None:
    for node in process.iter(f"{{{SPIFF_NS}}}calledDecisionId"):
        if (node.text or "").strip() == decision_id:
            parent = node.getparent().getparent()
            return parent.get("id")
    return None


def _line_of(root, element_id: str) -> int | None:
    for node in root.iter():
        if node.get("id") == element_id:
            return node.sourceline
    return None
