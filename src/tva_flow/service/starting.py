"""Starting a case as a customer: what a customer may start (a process whose plain start event is drawn in a
customer's lane) and the start form they answer (a job seeker's registration). A customer's start carries the
answers of that form and nothing else, checked as a task's form is."""
from __future__ import annotations

from lxml import etree

from .. import forms
from ..auth import policy
from ..auth.actor import CUSTOMER_LANES, Actor
from ..engine.definitions import SAFE_XML, lanes_by_element, start_form
from ..engine.expressions import BPMN_NS as BPMN
from ..errors import Forbidden, Invalid
from ..store.models import ProcessDefinition
from .core import ServiceCore

MAX_UNKNOWN_SHOWN = 20


class Starting(ServiceCore):
    def customer_services(self, actor: Actor) -> list[dict]:
        """The processes a customer may start themselves, by name: those whose plain start event is drawn in a
        customer's lane (the applicant applies, the employer applies, the job seeker registers)."""
        policy.require(actor, "start_instance")
        with self.db.read() as s:
            found = []
            for d in self._latest_definitions(s):
                if self._start_facts(s, d)[0]:
                    found.append({"process_key": d.process_key, "name": d.name or d.process_key, "version": d.version,
                                  "form": self._start_form(s, d)})
            return sorted(found, key=lambda item: item["name"].casefold())

    def _start_facts(self, s, definition: ProcessDefinition) -> tuple[bool, str | None, str | None]:
        return self._file_fact(s, definition.files[definition.bpmn_file], start_facts)

    def _start_form(self, s, definition: ProcessDefinition) -> dict | None:
        """The start form a customer fills in to start a case of this process version: {schema, ui_schema}."""
        _, form, ui_form = self._start_facts(s, definition)
        parsed = self._version_forms(s, definition)
        if form not in parsed:
            return None
        return {"filename": form, "schema": parsed[form], "ui_schema": parsed.get(ui_form)}

    def _check_customer_start(self, s, definition: ProcessDefinition, variables: dict) -> None:
        """A customer starts only what is drawn to start in a customer's lane (403), with the answers of its
        start form and nothing else (422, as a task's form)."""
        if not self._start_facts(s, definition)[0]:
            raise Forbidden(f"a customer does not start '{definition.process_key}': its start is not drawn in a "
                            "customer's lane")
        form = self._start_form(s, definition)
        schema = form["schema"] if form and isinstance(form["schema"], dict) else {}
        unknown = sorted(set(variables) - set(schema.get("properties") or {}))
        if unknown:
            raise Invalid("a customer's start carries only the answers of its start form",
                          {name[:80]: "not a question of the start form" for name in unknown[:MAX_UNKNOWN_SHOWN]})
        if not schema:
            return
        siblings = {name: parsed for name, parsed in self._version_forms(s, definition).items()
                    if not name.endswith(".uischema.json")}
        problems = forms.field_errors(schema, variables, siblings)
        if problems:
            raise Invalid("the answers of the start form are not acceptable", problems)


def start_facts(content: bytes) -> tuple[bool, str | None, str | None]:
    """Whether a process file's own plain (not message or timer) start event lies in a customer's lane, and
    the start form (JSON Schema and UI schema file names) it names, if any."""
    root = etree.fromstring(content, SAFE_XML)
    lanes = lanes_by_element([root])
    for process in root.findall(f"{{{BPMN}}}process"):
        for start in process.findall(f"{{{BPMN}}}startEvent"):
            plain = not any(etree.QName(child).localname.endswith("EventDefinition") for child in start
                            if isinstance(child.tag, str))
            if plain and lanes.get(start.get("id")) in CUSTOMER_LANES:
                return (True, *start_form(process))
    return False, None, None
