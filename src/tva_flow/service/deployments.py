"""Deploying definition files, listing what is deployed, and evaluating deployed decisions on their own."""
from __future__ import annotations

import json

from sqlalchemy import select

from .. import forms, views
from ..auth import policy
from ..auth.actor import Actor
from ..engine import clock as engine_clock
from ..engine.definitions import DefinitionError, build_bundles, content_hash, kind_of, read_dirs
from ..errors import BadRequest, Invalid, NotFound
from ..store.models import CurrentFile, DefinitionFile, ProcessDefinition
from ..store.paging import keyset
from ..text import storable
from .core import ServiceCore, retried


class Deployments(ServiceCore):
    def deploy_paths(self, actor: Actor, paths) -> dict:
        return self.deploy(actor, read_dirs(paths))

    @retried
    def deploy(self, actor: Actor, files: dict[str, bytes]) -> dict:
        """Deploy definition files. All are accepted or none; changed bundles become new versions.

        Deployments take turns (the database's ``deploy`` lock), so N workers syncing the same folders
        at start-up, or two process owners deploying at once, each see the other's versions: deploying
        an unchanged bundle again is a no-op.
        """
        policy.require(actor, "deploy")
        if not files:
            raise BadRequest("no definition files given", {"files": "at least one .bpmn, .dmn or .json file"})
        bad_names = {name[:80] or "(empty)": problem for name in files if (problem := filename_problem(name))}
        if bad_names:
            raise BadRequest("a file name is not acceptable", bad_names)
        unknown = [name for name in files if kind_of(name) is None]
        if unknown:
            raise BadRequest("unknown kind of definition file", {n: "expected .bpmn, .dmn or .json" for n in unknown})
        with self.db.lock("deploy"), self._write() as s:
            now = self.now()
            current = {row.filename: row for row in s.scalars(select(CurrentFile))}
            workspace = {name: self._file(s, row.content_hash).content for name, row in current.items()}
            workspace.update(files)
            _check_forms(files, workspace)
            try:
                bundles = build_bundles(workspace)
            except DefinitionError as exc:
                raise Invalid(f"refused: {exc}", {exc.file: exc.as_dict()}) from exc
            for name, content in files.items():
                digest = content_hash(content)
                if s.get(DefinitionFile, digest) is None:
                    s.add(DefinitionFile(content_hash=digest, filename=name, kind=kind_of(name), content=content,
                                         deployed_at=now))
                    s.flush()
                row = current.get(name)
                if row is None:
                    s.add(CurrentFile(filename=name, content_hash=digest, deployed_at=now))
                elif row.content_hash != digest:
                    row.content_hash, row.deployed_at = digest, now
            result = []
            for bundle in bundles:
                latest = self._latest_definition(s, bundle.process_key)
                if latest is not None and latest.bundle_hash == bundle.bundle_hash:
                    result.append(views.definition(latest, created=False))
                    continue
                definition = ProcessDefinition(
                    process_key=bundle.process_key, version=(latest.version + 1) if latest else 1,
                    name=bundle.name, bpmn_file=bundle.bpmn_file, bundle_hash=bundle.bundle_hash,
                    files={n: content_hash(c) for n, c in bundle.files.items()}, deployed_at=now,
                    message_starts=bundle.message_starts, deployed_by=actor.subject)
                s.add(definition)
                s.flush()
                result.append(views.definition(definition, created=True))
        return {"deployed": sorted(files), "processes": result}

    def list_definitions(self, actor: Actor, limit=None, cursor=None) -> dict:
        """One entry per process key (its latest version, with every version number), by key, paged."""
        policy.require(actor, "read_definitions")
        with self.db.read() as s:
            page = keyset(s, self._latest_query(), [ProcessDefinition.process_key], limit, cursor)
            keys = [row.process_key for row in page.rows]
            versions: dict[str, list[int]] = {}
            for key, version in s.execute(select(ProcessDefinition.process_key, ProcessDefinition.version)
                                          .where(ProcessDefinition.process_key.in_(keys))
                                          .order_by(ProcessDefinition.version)):
                versions.setdefault(key, []).append(version)
            return {"items": [views.definition(row, versions=versions[row.process_key]) for row in page.rows],
                    "next_cursor": page.next_cursor}

    @staticmethod
    def validate_paths(paths) -> list[str]:
        from ..validation import validate_files
        return validate_files(read_dirs(paths))

    # -- decisions -----------------------------------------------------------------------------------
    @retried
    def evaluate_decision(self, actor: Actor, decision: str, inputs: dict | None = None) -> dict:
        """Evaluate a deployed decision (by id or name) on its own, with the trace of how it decided. The
        inputs may be a person's data: the evaluation is recorded in the audit trail."""
        role = policy.require(actor, "evaluate_decision")
        with self._write() as s:
            rows = s.scalars(select(CurrentFile).where(CurrentFile.filename.like("%.dmn"))).all()
            files = {row.filename: self._file(s, row.content_hash).content for row in rows}
            with engine_clock.using(self.clock):  # FEEL today()/now() read this service's clock
                answer = evaluate_in_files(files, decision, inputs or {})
            self._audit(s, actor, role, "evaluate_decision")
            return answer


def evaluate_in_files(files: dict[str, bytes], decision: str, inputs: dict) -> dict:
    """Find a decision by id or name among DMN files and evaluate it: the result and how it came about."""
    from ..engine.decisions import decide, load_dmn
    from ..engine.dmn import DmnError, to_json

    for name in sorted(files):
        definitions = load_dmn(name, files[name])
        if decision in definitions.decisions or decision in definitions.decisions_by_name:
            try:
                outcome = decide(definitions, decision, inputs)
            except DmnError as exc:
                raise Invalid(f"the decision gives no answer: {exc}",
                              {"rules": exc.rule_ids, "decision": exc.decision_id}) from exc
            trace = outcome.to_json()
            return {"decision_id": outcome.decision_id, "decision": outcome.decision_name, "file": name,
                    "result": to_json(outcome.value), "matched_rules": trace["matched"],
                    "inputs": trace["inputs"], "required_decisions": trace["trace"]}
    raise NotFound(f"no decision '{decision}' is deployed", {"decision": "unknown id or name"})




def _check_forms(files: dict[str, bytes], workspace: dict[str, bytes]) -> None:
    """Every uploaded form schema is a JSON Schema whose $refs stay inside the deployed forms (422)."""
    schemas, problems = {}, {}
    for name, content in workspace.items():
        if kind_of(name) == "form" and not name.endswith(".uischema.json"):
            try:
                schemas[name] = json.loads(content)
            except ValueError as exc:
                if name in files:
                    problems[name] = f"not valid JSON: {exc}"
    for name in files:
        if name in schemas:
            problem = forms.schema_problem(schemas[name], schemas)
            if problem:
                problems[name] = problem
    if problems:
        raise Invalid("refused: a form is not an acceptable JSON Schema", problems)


def filename_problem(name: str) -> str | None:
    """Why a definition file name cannot be kept (the store keeps names of at most 255 characters)."""
    if not name or name in (".", ".."):
        return "a file needs a name"
    if len(name) > 255:
        return f"the name is {len(name)} characters long; at most 255"
    if any(ch in name for ch in "/\\") or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "the name must not contain a path separator or control characters (NUL, newline …)"
    if not name.isprintable() or not storable(name):
        return "the name is not printable text"
    return None
