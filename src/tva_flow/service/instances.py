"""Process instances: start, read, list, cancel; a customer's overview and the outbox."""
from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select

from .. import areas, views
from ..auth import policy
from ..auth.actor import CUSTOMER, SYSTEM, Actor
from ..engine.runtime import EngineError, Event
from ..errors import Conflict, Forbidden, Invalid, NotFound, ProcessFailed
from ..store.models import ProcessDefinition, ProcessInstance
from .core import By, retried
from .starting import Starting


class Instances(Starting):
    @retried
    def start_instance(self, actor: Actor, process_key: str, business_key: str, variables: dict | None = None,
                       area: str | None = None, municipality: str | None = None) -> dict:
        """Start a case in an employment-authority area: ``area``, else the area of ``municipality`` (or of
        the variable ``municipality``), else the actor's only area."""
        role = policy.require(actor, "start_instance")
        variables = variables or {}
        area = self._area_to_start_in(actor, role, business_key, area,
                                      municipality if municipality is not None else variables.get("municipality"))
        with self._audited() as s:
            definition = self._latest_definition(s, process_key)
            if definition is None:
                raise NotFound(f"no process definition '{process_key}' is deployed", {"process_key": "unknown"})
            if role == CUSTOMER:
                self._check_customer_start(s, definition, variables)
            instance = self._start(s, definition, business_key, variables, By(actor.subject, role), area=area,
                                   refuse=True)
            self._audit(s, actor, role, "start_instance", area, business_key, instance.id)
            return views.instance(s, instance)

    @staticmethod
    def _area_to_start_in(actor: Actor, role: str, business_key: str, area, municipality) -> str | None:
        if role == CUSTOMER and business_key not in actor.customers:
            raise Forbidden("a customer starts cases of their own only", {"business_key": "not yours"})
        if area is None and municipality is not None:
            area = areas.area_of_municipality(str(municipality))
            if area is None:
                raise Invalid("the municipality belongs to no employment-authority area",
                              {"municipality": f"unknown municipality {str(municipality)[:40]!r}"})
        if area is None:
            if actor.only_area and role != CUSTOMER:
                return actor.only_area
            if role == SYSTEM:
                return None
            raise Invalid("say in which employment-authority area the case is",
                          {"area": "give the area or the customer's municipality"})
        if not areas.known(area):
            raise Invalid("no such employment-authority area", {"area": f"unknown area {str(area)[:64]!r}"})
        if policy.acting_role(actor, "start_instance", area, business_key) != role:
            raise Forbidden(f"the area {area} is not one of yours", {"area": "not yours"})
        return area

    def _start(self, s, definition: ProcessDefinition, business_key: str, variables: dict, by: By,
               depth: int = 0, refuse: bool = False, area: str | None = None) -> ProcessInstance:
        """Start an instance and run it until it waits. If its first steps fail: with ``refuse`` (a client
        asked) the whole request is refused (422) and nothing is created; otherwise (a hand-over inside
        another step) the new instance is kept, marked failed, for someone to look at."""
        spec, subprocess_specs = self._spec(s, definition)
        now = self.now()
        instance = ProcessInstance(
            id=str(uuid4()), definition_id=definition.id, process_key=definition.process_key,
            version=definition.version, business_key=business_key, area=area, status="running", started_at=now,
            updated_at=now, variables=variables, state="", revision=0)
        s.add(instance)
        s.flush()
        try:
            with self._customer_record(s, instance):
                workflow, step = self.runtime.start(spec, subprocess_specs, variables)
        except EngineError as exc:
            if refuse:
                raise ProcessFailed(f"the process failed on its first steps: {exc}",
                                    {"element_id": exc.element_id} if exc.element_id else None) from exc
            self._fail(s, instance, exc, by)
            return instance
        self._apply(s, instance, workflow, step, by, depth=depth)
        return instance

    @retried
    def get_instance(self, actor: Actor, instance_id: str) -> dict:
        policy.require(actor, "read_instances")
        with self._audited(read_only=True) as s:
            instance, role = self._reached_instance(s, actor, "read_instances", instance_id)
            self._audit(s, actor, role, "read_instance", instance.area, instance.business_key, instance.id)
            return views.instance(s, instance)

    @retried
    def list_instances(self, actor: Actor, process_key=None, business_key=None, status=None, limit=None,
                       cursor=None) -> dict:
        role = policy.require(actor, "read_instances")
        with self._audited(read_only=True) as s:
            page = views.instances(s, policy.reach(actor, "read_instances"), process_key=process_key,
                                   business_key=business_key, status=status, limit=limit, cursor=cursor)
            self._audit_items(s, actor, role, "list_instances", page["items"], business_key)
            return page

    @retried
    def history(self, actor: Actor, instance_id: str, limit=None, cursor=None, type=None) -> dict:
        policy.require(actor, "read_instances")
        with self._audited(read_only=True) as s:
            instance, role = self._reached_instance(s, actor, "read_instances", instance_id)
            self._audit(s, actor, role, "read_history", instance.area, instance.business_key, instance.id)
            return views.history(s, instance.id, limit=limit, cursor=cursor, type=type)

    @retried
    def cancel_instance(self, actor: Actor, instance_id: str) -> dict:
        policy.require(actor, "cancel_instance")
        with self._audited() as s:
            instance, role = self._reached_instance(s, actor, "cancel_instance", instance_id, lock=True)
            if instance.status != "running":
                raise Conflict(f"instance is {instance.status}; only a running instance can be cancelled")
            workflow = self._load(s, instance)
            step = self.runtime.cancel(workflow)
            step.events.append(Event("cancelled", user=actor.subject))
            self._apply(s, instance, workflow, step, By(actor.subject, role), status="cancelled")
            self._audit(s, actor, role, "cancel_instance", instance.area, instance.business_key, instance.id)
            return views.instance(s, instance)

    @retried
    def customer_overview(self, actor: Actor, business_key: str, candidate_group: str | None = None,
                          process_key: str | None = None) -> dict:
        """One customer's (a person's or an employer's) cases, open tasks, what was sent and payments made —
        as far as the actor reaches them."""
        role = policy.require(actor, "read_customer")
        if "\x00" in business_key:
            raise NotFound(f"no cases with business key {business_key!r}")
        with self._audited(read_only=True) as s:
            overview = views.customer(s, policy.reach(actor, "read_customer"),
                                      policy.reach(actor, "read_customer", tasks=True), business_key,
                                      candidate_group=candidate_group, process_key=process_key)
            if overview is None:
                raise NotFound(f"no cases with business key '{business_key}'")
            self._audit_items(s, actor, role, "read_customer", overview["instances"])
            return overview

    @retried
    def list_outbox(self, actor: Actor, business_key=None, recipient=None, type=None, instance_id=None, limit=None,
                    cursor=None) -> dict:
        role = policy.require(actor, "read_outbox")
        with self._audited(read_only=True) as s:
            page = views.outbox(s, policy.reach(actor, "read_outbox"), business_key=business_key,
                                recipient=recipient, type=type, instance_id=instance_id, limit=limit, cursor=cursor)
            self._audit_items(s, actor, role, "list_outbox", page["items"], business_key)
            return page

    def health(self) -> dict:
        with self.db.read() as s:
            s.execute(select(1))
        return {"status": "ok", "database": self.db.dialect}
