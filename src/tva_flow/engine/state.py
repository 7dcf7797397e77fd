"""An instance's saved state: SpiffWorkflow's own serialisation, without the spec, compacted, and with
each large piece of process data stored once.

SpiffWorkflow gives every task its own copy of the process data, so a 1 MB variable would be saved once
per task in the tree. :func:`dump` keeps large values (over ``POOL_MIN_BYTES`` of JSON) in one pool keyed
by their content hash, and each task names the keys it holds from the pool; :func:`load` puts them back
before SpiffWorkflow restores the tasks (its restore builds each task's own objects, so tasks never
share a mutable value at run time).
"""
from __future__ import annotations

import hashlib
import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .compaction import compact

POOL_KEY, REFS_KEY = "tva_data_pool", "tva_data_refs"
POOL_MIN_BYTES = 256


class _SpecLessWorkflowConverter(BpmnWorkflowConverter):
    """Keeps the spec out of the stored state: the deployed version it came from provides it."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)  # what BpmnWorkflowConverter writes, less the specs
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        dct = dict(dct)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _SpecLessWorkflowConverter


class StateSerializer:
    def __init__(self, pool: bool = True):
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
        self.pool = pool  # off only to measure what pooling saves (bench/bench_state_size.py)

    def dump(self, workflow: BpmnWorkflow) -> str:
        compact(workflow)
        dct = self.serializer.to_dict(workflow)
        dct[self.serializer.VERSION_KEY] = self.serializer.VERSION
        if self.pool:
            _pool_data(dct, self.serializer._encoder_cls)
        return json.dumps(dct, cls=self.serializer._encoder_cls, separators=(",", ":"))

    def load(self, state: str, spec, subprocess_specs) -> BpmnWorkflow:
        dct = json.loads(state)
        _unpool_data(dct)
        self.serializer.migrate(dct)
        return self.serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def _task_dicts(dct: dict):
    """Every dict with a "data" entry: the workflow, its tasks, each subprocess and its tasks."""
    for workflow in (dct, *dct.get("subprocesses", {}).values()):
        yield workflow
        yield from workflow.get("tasks", {}).values()


def _poolable(value) -> bool:
    if isinstance(value, str):
        return len(value) >= POOL_MIN_BYTES
    return isinstance(value, (dict, list)) and bool(value)


def _pool_data(dct: dict, encoder) -> None:
    """Move each large value out of the tasks' data into one pool, keyed by the hash of its JSON."""
    pool: dict[str, object] = {}
    for task in _task_dicts(dct):
        data = task.get("data")
        refs = {}
        for key, value in (data or {}).items():
            if not _poolable(value):
                continue
            text = json.dumps(value, cls=encoder, sort_keys=True, separators=(",", ":"))
            if len(text) >= POOL_MIN_BYTES:
                digest = hashlib.sha256(text.encode()).hexdigest()[:32]
                pool.setdefault(digest, value)
                refs[key] = digest
        if refs:
            task["data"] = {k: v for k, v in data.items() if k not in refs}
            task[REFS_KEY] = refs
    if pool:
        dct[POOL_KEY] = pool


def _unpool_data(dct: dict) -> None:
    pool = dct.pop(POOL_KEY, None)
    if pool is None:
        return
    for task in _task_dicts(dct):
        refs = task.pop(REFS_KEY, None)
        if refs:
            task["data"] = {**task.get("data", {}), **{key: pool[digest] for key, digest in refs.items()}}
