"""Process instances: start, read, list, cancel; a customer's overview and the outbox."""
from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select

from .. import views
from ..engine.runtime import EngineError, Event
from ..errors import Conflict, NotFound, ProcessFailed
from ..store.models import ProcessDefinition, ProcessInstance
from .core import ServiceCore, retried


class Instances(ServiceCore):
    @retried
    def start_instance(self, process_key: str, business_key: str, variables: dict | None = None,
                       user: str | None = None) -> dict:
        with self._write() as s:
            definition = self._latest_definition(s, process_key)
            if definition is None:
                raise NotFound(f"no process definition '{process_key}' is deployed", {"process_key": "unknown"})
            instance = self._start(s, definition, business_key, variables or {}, user, refuse=True)
            return views.instance(s, instance)

    def _start(self, s, definition: ProcessDefinition, business_key: str, variables: dict, user,
               depth: int = 0, refuse: bool = False) -> ProcessInstance:
        """Start an instance and run it until it waits. If its first steps fail: with ``refuse`` (a client
        asked) the whole request is refused (422) and nothing is created; otherwise (a hand-over inside
        another step) the new instance is kept, marked failed, for someone to look at."""
        spec, subprocess_specs = self._spec(s, definition)
        now = self.now()
        instance = ProcessInstance(
            id=str(uuid4()), definition_id=definition.id, process_key=definition.process_key,
            version=definition.version, business_key=business_key, status="running", started_at=now,
            updated_at=now, variables=variables, state="", revision=0)
        s.add(instance)
        s.flush()
        try:
            workflow, step = self.runtime.start(spec, subprocess_specs, variables)
        except EngineError as exc:
            if refuse:
                raise ProcessFailed(f"the process failed on its first steps: {exc}",
                                    {"element_id": exc.element_id} if exc.element_id else None) from exc
            self._fail(s, instance, exc, user)
            return instance
        self._apply(s, instance, workflow, step, user, depth=depth)
        return instance

    def get_instance(self, instance_id: str) -> dict:
        with self.db.read() as s:
            return views.instance(s, self._instance(s, instance_id))

    def list_instances(self, process_key=None, business_key=None, status=None, limit=None, cursor=None) -> dict:
        with self.db.read() as s:
            return views.instances(s, process_key=process_key, business_key=business_key, status=status,
                                   limit=limit, cursor=cursor)

    def history(self, instance_id: str, limit=None, cursor=None) -> dict:
        with self.db.read() as s:
            return views.history(s, self._instance(s, instance_id).id, limit=limit, cursor=cursor)

    @retried
    def cancel_instance(self, instance_id: str, user: str | None = None) -> dict:
        with self._write() as s:
            instance = self._instance(s, instance_id, lock=True)
            if instance.status != "running":
                raise Conflict(f"instance is {instance.status}; only a running instance can be cancelled")
            workflow = self._load(s, instance)
            step = self.runtime.cancel(workflow)
            step.events.append(Event("cancelled", user=user))
            self._apply(s, instance, workflow, step, user, status="cancelled")
            return views.instance(s, instance)

    def customer_overview(self, business_key: str, candidate_group: str | None = None,
                          process_key: str | None = None) -> dict:
        """One customer's (a person's or an employer's) cases, open tasks, what was sent and payments made."""
        if "\x00" in business_key:
            raise NotFound(f"no cases with business key {business_key!r}")
        with self.db.read() as s:
            overview = views.customer(s, business_key, candidate_group=candidate_group, process_key=process_key)
        if overview is None:
            raise NotFound(f"no cases with business key '{business_key}'")
        return overview

    def list_outbox(self, business_key=None, recipient=None, type=None, instance_id=None, limit=None,
                    cursor=None) -> dict:
        with self.db.read() as s:
            return views.outbox(s, business_key=business_key, recipient=recipient, type=type,
                                instance_id=instance_id, limit=limit, cursor=cursor)

    def health(self) -> dict:
        with self.db.read() as s:
            s.execute(select(1))
        return {"status": "ok", "database": self.db.dialect}

