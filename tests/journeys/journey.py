"""A tester's view of one customer's journey: move the clock, act as a person, read what happened.

People act as themselves (:func:`tests.identities.person`): the applicant as a customer, a caseworker
of area A in their group; the tester moves the clock; reading back is the engine's (``SYSTEM``) view.
"""
from __future__ import annotations

from tva_flow.service import TvaFlow
from tests.identities import AREA, SYSTEM, person, tester
from tests.pages import every


class Journey:
    def __init__(self, service: TvaFlow, process_key: str, business_key: str, area: str = AREA):
        self.service, self.process_key, self.business_key, self.area = service, process_key, business_key, area
        self.instance_id: str | None = None

    def start(self, variables: dict | None = None, user: str | None = None) -> dict:
        """The customer (``user``) starts their case in area A; without a user, the tester does."""
        instance = self.service.start_instance(person(user) if user else tester(), self.process_key,
                                               self.business_key, variables or {}, area=self.area)
        self.instance_id = instance["id"]
        return instance

    def on(self, when: str) -> list[dict]:
        """Move the clock to ``when`` (ISO, Finnish time), firing everything due on the way."""
        return self.service.advance_clock(tester(), to=when)["fired"]

    def open_tasks(self) -> list[str]:
        return sorted(t["element_id"] for t in every(self.service.list_tasks, SYSTEM, instance_id=self.instance_id))

    def task(self, element_id: str) -> dict:
        found = [t for t in every(self.service.list_tasks, SYSTEM, instance_id=self.instance_id)
                 if t["element_id"] == element_id]
        assert found, f"no open task {element_id}; open: {self.open_tasks()}"
        return found[0]

    def do(self, element_id: str, user: str, data: dict, actor=None) -> dict:
        """The person (``actor``, else :func:`person` of ``user``) claims the open task and completes it."""
        task, actor = self.task(element_id), actor or person(user)
        self.service.claim_task(actor, task["id"])
        return self.service.complete_task(actor, task["id"], data)

    def instance(self) -> dict:
        return self.service.get_instance(SYSTEM, self.instance_id)

    def history(self, type_: str | None = None, element_id: str | None = None) -> list[dict]:
        return [h for h in every(self.service.history, SYSTEM, self.instance_id)
                if (type_ is None or h["type"] == type_) and (element_id is None or h["element_id"] == element_id)]

    def set_by(self, element_id: str, name: str) -> list:
        """Values a script step set, in order — e.g. each payment the process computed."""
        return [h["data"]["set"][name] for h in self.history("step_completed", element_id)
                if name in (h["data"] or {}).get("set", {})]
