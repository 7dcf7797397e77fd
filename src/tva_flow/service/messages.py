"""Messages: from outside to the instance that waits for them, and from one instance to another."""
from __future__ import annotations

import logging

from sqlalchemy import select

from .. import areas, views
from ..auth import policy
from ..auth.actor import Actor
from ..auth.policy import Reach
from ..engine.runtime import EngineError
from ..errors import Conflict, ProcessFailed
from ..store.models import HistoryEvent, MessageSubscription, ProcessInstance
from ..store.reach import condition
from ..text import customer_id
from .core import By, ServiceCore, retried

log = logging.getLogger(__name__)


class Messages(ServiceCore):
    @retried
    def send_message(self, actor: Actor, name: str, business_key: str, variables: dict | None = None) -> dict:
        """Deliver to the instance of that customer, in the actor's areas, that has waited longest; 409 if
        none waits (now)."""
        role = policy.require(actor, "send_message")
        reach, by = policy.reach(actor, "send_message"), By(actor.subject, role)
        variables = variables or {}
        instance_id = None
        try:
            with self._audited() as s:
                for _ in range(5):  # each round: another request took the subscription between look and lock
                    subscription = self._subscription(s, name, business_key, reach=reach)
                    if subscription is None:
                        break
                    instance_id = subscription.instance_id
                    instance = self._deliver(s, subscription, name, variables, by)
                    if instance is not None:
                        self._audit(s, actor, role, "send_message", instance.area, business_key, instance.id)
                        return {"instance_id": instance.id, "element_id": subscription.element_id,
                                "status": instance.status}
                started = self._start_by_message(s, actor, role, name, business_key, variables, by)
                if started is not None:
                    instance, element_id = started
                    instance_id = instance.id
                    self._audit(s, actor, role, "send_message", instance.area, business_key, instance.id)
                    return {"instance_id": instance.id, "element_id": element_id, "status": instance.status,
                            "started": True}
                raise Conflict(f"no process instance with business key '{business_key}' is waiting for "
                               f"message '{name}', and no process starts with it")
        except EngineError as exc:
            self._record_refusal(instance_id, exc, by)
            raise ProcessFailed(f"the process failed on the message, so it still waits for it: {exc}",
                                {"element_id": exc.element_id} if exc.element_id else None) from exc

    def _start_by_message(self, s, actor: Actor, role: str, name: str, business_key: str, variables: dict,
                          by: By) -> tuple[ProcessInstance, str] | None:
        """Nobody waits for the message: start the one process whose message start event it is (an employer's
        notice starts its case), in the area of the ``municipality`` it carries or the actor's only area,
        and deliver it there. None when no process starts with it."""
        starting = self._started_by(s, name)
        if not starting:
            return None
        if len(starting) > 1:
            raise Conflict(f"several processes start with message '{name}': "
                           + ", ".join(sorted(d.process_key for d in starting)))
        starter = policy.require(actor, "start_instance")  # the message would start a case: 403 if they may not
        area = self._area_to_start_in(actor, starter, business_key, None, variables.get("municipality"))
        running = s.scalars(select(ProcessInstance.id).where(
            ProcessInstance.process_key == starting[0].process_key, ProcessInstance.business_key == business_key,
            ProcessInstance.status == "running").limit(1)).first()
        if running is not None:  # a retried or repeated notice must not open a second case
            raise Conflict(f"a case of '{starting[0].process_key}' for '{business_key}' is already running "
                           f"({running}); message '{name}' would start another")
        instance = self._start(s, starting[0], business_key, {}, by, area=area, refuse=True)
        subscription = self._subscription(s, name, business_key)
        if subscription is None or subscription.instance_id != instance.id:
            raise Conflict(f"process '{starting[0].process_key}' started but does not wait for '{name}' first")
        element_id = subscription.element_id
        self._deliver(s, subscription, name, variables, by)
        self._audit(s, actor, starter, "start_instance", area, business_key, instance.id)
        return instance, element_id

    def _started_by(self, s, name: str) -> list:
        """The deployed processes (latest versions) a message of this name starts: a message start event."""
        return [d for d in self._latest_definitions(s) if name in (d.message_starts or [])]

    @retried
    def list_subscriptions(self, actor: Actor, business_key=None, name=None, limit=None, cursor=None) -> dict:
        """The messages running instances in the actor's areas wait for (paged)."""
        role = policy.require(actor, "read_subscriptions")
        with self._audited(read_only=True) as s:
            page = views.subscriptions(s, policy.reach(actor, "read_subscriptions"), business_key=business_key,
                                       name=name, limit=limit, cursor=cursor)
            self._audit_items(s, actor, role, "list_subscriptions", page["items"], business_key)
            return page

    @staticmethod
    def _subscription(s, name: str, business_key: str, exclude: str | None = None, reach: Reach | None = None):
        query = (select(MessageSubscription)
                 .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
                 .where(MessageSubscription.message_name == name, MessageSubscription.business_key == business_key,
                        ProcessInstance.status == "running")
                 .order_by(MessageSubscription.created_at, MessageSubscription.id).limit(1))
        if exclude:
            query = query.where(ProcessInstance.id != exclude)
        if reach is not None:
            query = query.where(condition(reach, ProcessInstance.area, ProcessInstance.business_key))
        return s.scalars(query).first()

    def _deliver(self, s, subscription, name: str, variables: dict, by: By, depth: int = 0) -> ProcessInstance | None:
        """Lock the instance, make sure it still waits (another request may just have moved it), deliver.
        None when it no longer waits."""
        instance = self._instance(s, subscription.instance_id, lock=True)
        still = s.scalars(select(MessageSubscription).where(MessageSubscription.id == subscription.id)
                          .execution_options(populate_existing=True)).first()
        if still is None or instance.status != "running":
            return None
        workflow = self._load(s, instance)
        try:
            with self._customer_record(s, instance):
                step = self.runtime.deliver_message(workflow, subscription.task_id, name, variables)
        except LookupError:
            return None
        self._apply(s, instance, workflow, step, by, depth=depth)
        return instance

    def _dispatch(self, s, sender: ProcessInstance, outgoing, by: By, depth: int) -> None:
        """A message one instance sent: to the instance of the same customer — or of the customer its payload
        names in ``business_key`` (an employer's case handing each dismissed employee a case of their own) —
        that has waited for it longest (one message, one receiver, as POST /messages), else to a process that
        a message of that name starts (a hand-over; in the ``area`` the payload names, e.g. a co-operation
        request to another area's authority, else the sender's), else it just stays in the outbox."""
        if depth >= 5:  # processes handing a customer back and forth; the outbox keeps the message
            log.warning("message %s from %s not dispatched: hand-over chain too long", outgoing.type, sender.id)
            s.add(HistoryEvent(instance_id=sender.id, at=self.now(), type="message_not_dispatched",
                               element_id=outgoing.element_id, name=outgoing.type, user=None,
                               data={"reason": "five processes in a row handed this customer on; stopped here"}))
            return
        variables = outgoing.payload if isinstance(outgoing.payload, dict) else {}
        key = sender.business_key
        if "business_key" in variables:  # another customer's case: never fall back to the sender's customer
            if not customer_id(variables["business_key"]):
                raise EngineError(f"message '{outgoing.type}' names the case of "
                                  f"{str(variables['business_key'])[:40]!r}, which is not a personal identity code "
                                  "or a business ID", outgoing.element_id)
            key = variables["business_key"]
        subscription = self._subscription(s, outgoing.type, key, exclude=sender.id)
        target = s.get(ProcessInstance, subscription.instance_id) if subscription is not None else None
        if target is not None and key != sender.business_key and target.area != sender.area:
            subscription = None  # a named customer's case is reached only within the sender's area
        if subscription is not None:
            try:
                self._deliver(s, subscription, outgoing.type, variables, by, depth + 1)
            except EngineError as exc:
                self._fail(s, target, exc, by)
            return
        for definition in self._started_by(s, outgoing.type):
            if definition.process_key != sender.process_key:
                named_area = variables.get("area")
                area = named_area if isinstance(named_area, str) and areas.known(named_area) else sender.area
                started = self._start(s, definition, key, {}, by, depth + 1, area=area)
                subscription = self._subscription(s, outgoing.type, key, exclude=sender.id)
                if started.status == "running" and subscription is not None:
                    try:
                        self._deliver(s, subscription, outgoing.type, variables, by, depth + 1)
                    except EngineError as exc:
                        self._fail(s, started, exc, by)

