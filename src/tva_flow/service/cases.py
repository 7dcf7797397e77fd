"""Where a case stands, drawn: the diagrams of the process version an instance runs on, with the elements
it is at and the ones it has passed.

Where the case is now is read from its state, process by process. What it has passed is read from its
history, which names elements by their ids only: an element is marked passed in every file that has an
element of that id (ids are unique within a file; two files may share one, e.g. ``hear_customer``). A called
process (a hearing, a failure's handling) is a diagram of its own, shown once the case has been in it.
"""
from __future__ import annotations

from lxml import etree
from sqlalchemy import select

from ..auth import policy
from ..auth.actor import Actor
from ..engine.definitions import SAFE_XML
from ..engine.expressions import BPMN_NS as BPMN
from ..errors import NotFound
from ..store.models import HistoryEvent, ProcessDefinition
from .core import ServiceCore, retried

MAX_VISITED = 10_000  # distinct elements read from a case's history (a diagram has far fewer)
# the history events that say an element was passed (task_created or a failure does not)
PASSED = ("step_completed", "task_completed", "timer_fired", "message_received", "message_sent",
          "decision_evaluated", "end_event")


class Cases(ServiceCore):
    @retried
    def case_diagrams(self, actor: Actor, instance_id: str) -> dict:
        """The BPMN files of the instance's process version that the case has been in (its own first), each
        with the ids of the elements the case is at (``active``) and has passed (``completed``)."""
        policy.require(actor, "read_instances")
        with self.db.read() as s:
            instance, _ = self._reached_instance(s, actor, "read_instances", instance_id)
            definition = s.get(ProcessDefinition, instance.definition_id)
            active = set()
            if instance.status == "running":
                workflow = self._load(s, instance)
                active = self.runtime.active_elements(workflow)
                self._remember(instance.id, instance.revision, workflow)  # _load took it from the cache
            visited = set(s.scalars(select(HistoryEvent.element_id).where(HistoryEvent.instance_id == instance.id,
                                                                          HistoryEvent.type.in_(PASSED))
                                    .distinct().limit(MAX_VISITED)))
            failed = s.scalars(select(HistoryEvent.element_id).where(
                HistoryEvent.instance_id == instance.id, HistoryEvent.type == "failed")
                .order_by(HistoryEvent.id.desc()).limit(1)).first() if instance.status == "failed" else None
            files = []
            for name, digest in sorted(definition.files.items(), key=lambda f: (f[0] != definition.bpmn_file, f[0])):
                if not name.endswith(".bpmn"):
                    continue
                ids, processes, process_name = self._file_fact(s, digest, diagram_facts)
                at = {element for process, element in active if process in processes}
                here = {"filename": name, "name": process_name or name, "main": name == definition.bpmn_file,
                        "active": sorted(at), "completed": sorted((visited - at) & ids),
                        "failed": failed if failed in ids else None}
                if here["main"] or here["active"] or here["completed"]:
                    files.append(here)
            return {"instance_id": instance.id, "process_key": instance.process_key, "version": instance.version,
                    "files": files}

    @retried
    def case_diagram_file(self, actor: Actor, instance_id: str, filename: str) -> bytes:
        """One BPMN file of the process version the instance runs on (for the diagram viewer)."""
        policy.require(actor, "read_instances")
        with self.db.read() as s:
            instance, _ = self._reached_instance(s, actor, "read_instances", instance_id)
            digest = s.get(ProcessDefinition, instance.definition_id).files.get(filename)
            if digest is None or not filename.endswith(".bpmn"):
                raise NotFound(f"the process of this case has no diagram '{filename}'")
            return self._file(s, digest).content


def diagram_facts(content: bytes) -> tuple[frozenset[str], frozenset[str], str | None]:
    """A BPMN file's element ids (not its diagram interchange's), the ids its (sub)processes run under and
    its first process's name."""
    root = etree.fromstring(content, SAFE_XML)
    ids = frozenset(node.get("id") for node in root.iter()
                    if isinstance(node.tag, str) and node.get("id") and etree.QName(node).namespace == BPMN)
    processes = root.findall(f"{{{BPMN}}}process")
    # an embedded subprocess runs as a workflow of its own, named by its element id
    embedded = [node.get("id") for tag in ("subProcess", "transaction", "adHocSubProcess")
                for node in root.iter(f"{{{BPMN}}}{tag}")]
    return (ids, frozenset([p.get("id") for p in processes] + embedded),
            processes[0].get("name") if processes else None)
