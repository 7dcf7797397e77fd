"""What is deployed, as the process owner reads it: one version of a process with the files of its bundle,
a file's content (for the diagram and decision-table viewers), and the deployed decisions with the
variables their inputs read (for trying a decision on its own, see ``Deployments.evaluate_decision``)."""
from __future__ import annotations

import logging

from sqlalchemy import select

from .. import views
from ..auth import policy
from ..auth.actor import Actor
from ..engine.decisions import load_dmn
from ..engine.definitions import kind_of
from ..engine.dmn import DmnError, to_json
from ..engine.dmn.builtins import BUILTINS
from ..engine.dmn.cells import UnaryTests
from ..engine.dmn.feel_nodes import Call, Name
from ..errors import NotFound
from ..store.models import CurrentFile, ProcessDefinition
from ..text import storable
from .core import ServiceCore, retried

log = logging.getLogger(__name__)
MAX_VERSION = 2**31 - 1  # what every store keeps as an integer
MAX_DECISIONS = 500  # decisions (and DMN files) one listing reads at most; more is said with "truncated"


class Definitions(ServiceCore):
    @retried
    def get_definition(self, actor: Actor, process_key: str, version: int | None = None) -> dict:
        """One version of a process (the latest without ``version``) with every version number and the
        files of its bundle: [{filename, kind}], a DMN file also with its decisions [{id, name}]."""
        policy.require(actor, "read_definitions")
        with self.db.read() as s:
            row = self._version(s, process_key, version)
            versions = list(s.scalars(select(ProcessDefinition.version)
                                      .where(ProcessDefinition.process_key == row.process_key)
                                      .order_by(ProcessDefinition.version)))
            result = views.definition(row, versions=versions)
            result["bundle_files"] = [self._bundle_file(s, name, digest) for name, digest in sorted(row.files.items())]
            return result

    @retried
    def definition_file(self, actor: Actor, process_key: str, version: int, filename: str) -> dict:
        """One file of a version's bundle: {filename, kind, content (bytes)}; 404 for a file not in it."""
        policy.require(actor, "read_definitions")
        with self.db.read() as s:
            row = self._version(s, process_key, version)
            digest = row.files.get(filename) if isinstance(row.files, dict) else None
            if digest is None:
                raise NotFound(f"version {row.version} of process '{row.process_key}' has no file {filename!r}")
            return {"filename": filename, "kind": kind_of(filename), "content": self._file(s, digest).content}

    def list_decisions(self, actor: Actor) -> dict:
        """The decisions deployed now, by name: {"items": [decision, ...], "truncated": bool}; each
        decision as :func:`describe` gives it. At most :data:`MAX_DECISIONS` (from as many DMN files)."""
        policy.require(actor, "evaluate_decision")
        with self.db.read() as s:
            rows = s.execute(select(CurrentFile.filename, CurrentFile.content_hash)
                             .where(CurrentFile.filename.like("%.dmn")).order_by(CurrentFile.filename)
                             .limit(MAX_DECISIONS + 1)).all()
            files = {name: self._file(s, digest).content for name, digest in rows[:MAX_DECISIONS]}
        items = [describe(definitions, decision, name)
                 for name, content in files.items() if (definitions := _load(name, content)) is not None
                 for decision in definitions.decisions.values()]
        items.sort(key=lambda item: (item["name"].casefold(), item["decision_id"]))
        return {"items": items[:MAX_DECISIONS], "truncated": len(rows) > MAX_DECISIONS or len(items) > MAX_DECISIONS}

    def get_decision(self, actor: Actor, decision: str) -> dict:
        """One deployed decision (by id or name, found as ``evaluate_decision`` finds it), described as in
        :meth:`list_decisions`, with its file's XML as ``content`` (text) for the decision-table viewer."""
        policy.require(actor, "evaluate_decision")
        with self.db.read() as s:
            query = (select(CurrentFile.filename, CurrentFile.content_hash)
                     .where(CurrentFile.filename.like("%.dmn")).order_by(CurrentFile.filename))
            for name, digest in s.execute(query):
                content = self._file(s, digest).content
                definitions = _load(name, content)
                found = definitions and (definitions.decisions.get(decision)
                                         or definitions.decisions_by_name.get(decision))
                if found:
                    return {**describe(definitions, found, name), "content": content.decode("utf-8", "replace")}
        raise NotFound(f"no decision '{decision}' is deployed", {"decision": "unknown id or name"})

    # -- internals -----------------------------------------------------------------------------------
    def _version(self, s, process_key: str, version: int | None) -> ProcessDefinition:
        if not isinstance(process_key, str) or not storable(process_key) or "\x00" in process_key:
            raise NotFound("no such process")
        if version is not None and not 1 <= version <= MAX_VERSION:
            raise NotFound(f"no version {str(version)[:20]} of process '{process_key}'")
        if version is None:
            row = self._latest_definition(s, process_key)
        else:
            row = s.scalars(select(ProcessDefinition).where(ProcessDefinition.process_key == process_key,
                                                            ProcessDefinition.version == version)).first()
        if row is None:
            raise NotFound(f"no process '{process_key}'" + (f" of version {version}" if version is not None else ""))
        return row

    def _bundle_file(self, s, filename: str, digest: str) -> dict:
        entry = {"filename": filename, "kind": kind_of(filename)}
        if entry["kind"] == "dmn":
            definitions = _load(filename, self._file(s, digest).content)
            entry["decisions"] = [{"id": d.id, "name": d.name or d.id}
                                  for d in (definitions.decisions.values() if definitions else ())]
        return entry


def _load(filename: str, content: bytes):
    try:
        return load_dmn(filename, content)
    except DmnError as exc:  # deployed files were checked; a later, stricter engine may still refuse one
        log.warning("deployed decision file %s cannot be read: %s", filename, exc)
        return None


def describe(definitions, decision, filename: str) -> dict:
    """A decision for a person to try: its inputs (label, expression, typeRef, the allowed values as a list
    when they are one and as text, the variables the expression reads), its outputs, the variables to give
    (``variables``: read by the inputs; ``also_read``: only by the rules' cells) and their FEEL ``types``
    (None where the model does not say)."""
    table = decision.table
    inputs = []
    for clause in table.inputs if table else ():
        values = clause.input_values
        listed = values.compiled.literals() if values and isinstance(values.compiled, UnaryTests) else None
        inputs.append({"label": clause.label or clause.expression_text, "expression": clause.expression_text,
                       "type_ref": clause.type_ref, "allowed": [str(to_json(v)) for v in listed] if listed else None,
                       "allowed_text": values.text if values else None,
                       "reads": list(dict.fromkeys(name for name, _ in _names(clause.expression.compiled, None)))})
    outputs = [{"name": o.name, "label": o.label or o.name, "type_ref": o.type_ref} for o in table.outputs] \
        if table else []
    read, also = variables(definitions, decision)
    return {"decision_id": decision.id, "name": decision.name or decision.id, "file": filename,
            "description": decision.description, "hit_policy": table.hit_policy if table else None,
            "inputs": inputs, "outputs": outputs, "variables": list(read),
            "also_read": [n for n in also if n not in read], "types": {**also, **read}}


def variables(definitions, decision, seen=None) -> tuple[dict, dict]:
    """The names a decision reads, each with its FEEL type or None: (read by its input expressions, its
    literal expression and the decisions it requires; read by its rules' cells only). A name is typed by
    the input's (or output's) typeRef when it is the whole expression, as a date when it is what date()
    reads, and by the model's input data of that name; FEEL built-ins and the required decisions' results
    are not variables."""
    seen = seen if seen is not None else set()
    seen.add(decision.id)
    read: dict[str, str | None] = {}
    also: dict[str, str | None] = {}
    table = decision.table
    computed = set()
    for required_id in decision.required_decisions:
        required = definitions.decisions.get(required_id)
        if required is not None:
            computed.add(required.name)
            if required.id not in seen:
                read.update(variables(definitions, required, seen)[0])
    roots = [(clause.expression.compiled, clause.type_ref) for clause in table.inputs] if table else []
    if decision.literal is not None:
        roots.append((decision.literal.compiled, decision.type_ref))
    cells = []
    for rule in table.rules if table else ():
        cells += [(cell.compiled, None) for cell in rule.input_entries]
        cells += [(cell.compiled, output.type_ref) for cell, output in zip(rule.output_entries, table.outputs)]
    for found, compiled_cells in ((read, roots), (also, cells)):
        for compiled, type_ref in compiled_cells:
            for name, type_ in _names(compiled, definitions.base_type(type_ref)):
                if name not in computed and (found.get(name) is None):
                    data = next((d for d in definitions.input_data.values() if d.name == name), None)
                    found[name] = type_ or (definitions.base_type(data.type_ref) if data else None)
    return read, also


def _names(compiled, whole_type: str | None):
    """(name, type or None) for each variable a compiled cell reads."""
    if compiled is None:
        return
    nodes = compiled.tests if isinstance(compiled, UnaryTests) else [compiled.node]
    for root in nodes:
        if isinstance(root, Name) and root.name not in BUILTINS:
            yield root.name, whole_type
            continue
        for node in root.walk():
            if isinstance(node, Name) and node.name not in BUILTINS:
                yield node.name, None
            elif isinstance(node, Call) and node.name == "date" and len(node.args) == 1 \
                    and isinstance(node.args[0], Name):
                yield node.args[0].name, "date"
