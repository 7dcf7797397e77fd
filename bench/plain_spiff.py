"""The start-up grant (starttiraha) journey on plain SpiffWorkflow 3.2 — no database, no service layer.

A reference run and a benchmark baseline for the engine: it loads ``bpmn/startup_grant.bpmn`` and the
``dmn/`` tables with SpiffWorkflow's own parser, then lives through a whole customer journey in memory
with frozen time (freezegun):

* 7.1.2026 the applicant applies (business starts 1.2.2026; the application date is recorded);
  14.1.2026 the caseworker assesses the application and the grant is decided for 1.2.–31.7.2026 (6 months).
* Every month, the day after the payment period ends, the applicant applies for the payment and the
  caseworker checks it the next day: 12 payments, each for the weekdays of its month.
* 15.6.2026 the applicant applies for a continuation; it is granted for 1.8.2026–31.1.2027. The new
  period's payments start as a token of their own at once; they do not wait for the first period's.
* 15.12.2026 the applicant applies for a second continuation; it is refused (12 months in total).
* After the last payment (February 2027) the last token ends and the process completes.

Each period's payments and its continuation run as separate tokens with separate data, so there is no
process-level list of payments: the result collects them from the completed ``record_payment`` and
``record_lapse`` tasks (their ``payment_result``), and the continuation decisions from the tasks that
recorded them. What the process sends (its message throw events: the decisions and the payments, which
tva-flow writes to its outbox) is collected from SpiffWorkflow's uncaught events after each step.

Timers fire one by one in due order, each a second after its due time (SpiffWorkflow fires a timer only
when its due time is strictly in the past). Every form submission is validated against the user task's
JSON schema before the task completes.

    .venv/bin/python bench/plain_spiff.py
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent
try:
    from tva_flow.engine import records
    from tva_flow.engine.definitions import TvaBpmnParser
    from tva_flow.engine.functions import EXPRESSION_FUNCTIONS
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from tva_flow.engine import records
    from tva_flow.engine.definitions import TvaBpmnParser
    from tva_flow.engine.functions import EXPRESSION_FUNCTIONS

HELSINKI = ZoneInfo("Europe/Helsinki")
PROCESS_ID = "startup_grant"


def load_specs(root=ROOT) -> dict:
    """Parse every BPMN and DMN file under ``root``; return the start-up grant specs and the forms folder."""
    root = Path(root)
    parser = TvaBpmnParser()  # SpiffWorkflow's parser; decision tables (FEEL) on tva-flow's DMN engine
    parser.add_bpmn_files(sorted(str(p) for p in (root / "bpmn").glob("*.bpmn")))
    parser.add_dmn_files(sorted(str(p) for p in (root / "dmn").glob("*.dmn")))
    return {
        "spec": parser.get_spec(PROCESS_ID),
        "subprocess_specs": parser.get_subprocess_specs(PROCESS_ID),
        "forms": root / "forms",
    }


def helsinki(text: str) -> datetime:
    """"2026-01-14T09:00" as Finnish local time."""
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


class Journey:
    """One in-memory process instance and the frozen clock that drives it."""

    def __init__(self, specs: dict, frozen):
        self.frozen = frozen
        self.forms = Path(specs["forms"])
        self._schemas: dict[str, dict] = {}
        engine = PythonScriptEngine(environment=TaskDataEnvironment(dict(EXPRESSION_FUNCTIONS)))
        self.workflow = BpmnWorkflow(specs["spec"], specs["subprocess_specs"], script_engine=engine)
        self.log: list[tuple[str, str]] = []   # (Finnish time, what happened)
        self.sent: list[tuple[str, str, dict]] = []   # (Finnish date, message name, payload): the outbox
        self.record: list[dict] = []   # the customer record (engine/records.py), kept in memory too

    def _run(self, act) -> None:
        """Run engine work with the customer record at hand, as tva-flow's service binds it to a step."""
        session = records.RecordSession("bench", lambda: list(self.record))
        with records.using(session):
            act()
        self.record += [{**event, "id": len(self.record) + n} for n, event in enumerate(session.added, 1)]

    def _steps(self) -> None:
        """Run the engine; keep every message it sent that nothing in the process caught."""
        self._run(self.workflow.do_engine_steps)
        for event in self.workflow.get_events():
            if isinstance(event.event_definition, MessageEventDefinition):
                self.sent.append((f"{self.now():%Y-%m-%d}", event.event_definition.name, event.payload))

    # -- time --------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(HELSINKI)

    def pending_timers(self) -> list[datetime]:
        due = []
        for event in self.workflow.waiting_events():
            if event.event_type.endswith("TimerEventDefinition") and isinstance(event.value, str):
                due.append(TimerEventDefinition.get_datetime(event.value))
        return sorted(due)

    def _refresh(self) -> None:
        refresh = getattr(self.workflow, "refresh_timers", None) or self.workflow.refresh_waiting_tasks
        refresh()
        self._steps()

    def at(self, when: str | datetime) -> None:
        """Move the clock to ``when``, firing every timer due before it at its own time, in due order."""
        target = helsinki(when) if isinstance(when, str) else when
        while True:
            due = [d for d in self.pending_timers() if d < target]
            if not due:
                break
            self.frozen.move_to(max(due[0] + timedelta(seconds=1), self.now()))
            self._refresh()
        if target > self.now():
            self.frozen.move_to(target)
        self._refresh()

    # -- tasks -------------------------------------------------------------------------------------
    def ready_user_tasks(self, bpmn_id: str | None = None):
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return [t for t in tasks if bpmn_id is None or t.task_spec.bpmn_id == bpmn_id]

    def schema_for(self, task) -> dict:
        filename = task.task_spec.extensions["properties"]["formJsonSchemaFilename"]
        if filename not in self._schemas:
            self._schemas[filename] = json.loads((self.forms / filename).read_text(encoding="utf-8"))
        return self._schemas[filename]

    def due_date(self, task) -> datetime | None:
        """The user task's due date from its ``dueDateExpression`` property, if it has one."""
        expression = task.task_spec.extensions.get("properties", {}).get("dueDateExpression")
        if not expression:
            return None
        return datetime.fromisoformat(self.workflow.script_engine.evaluate(task, expression))

    def complete(self, bpmn_id: str, form_data: dict) -> None:
        tasks = self.ready_user_tasks(bpmn_id)
        if len(tasks) != 1:
            ready = [t.task_spec.bpmn_id for t in self.ready_user_tasks()]
            raise AssertionError(f"{self.now():%d.%m.%Y %H:%M}: expected one ready {bpmn_id!r}, ready: {ready}")
        task = tasks[0]
        due = self.due_date(task)
        if due is not None and not self.now() < due:
            raise AssertionError(f"{bpmn_id!r} completed at {self.now():%d.%m.%Y %H:%M}, after its due date {due}")
        schema = self.schema_for(task)
        jsonschema.validate(form_data, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        task.data.update(form_data)
        self._run(task.run)
        self._steps()
        self.log.append((f"{self.now():%d.%m.%Y %H:%M}", f"{task.task_spec.bpmn_name} ({bpmn_id})"))

    @property
    def data(self) -> dict:
        return self.workflow.data if self.workflow.is_completed() else self.workflow.last_task.data


APPLICATION = {
    "business_name": "Toiminimi Testinen",
    "business_start_date": "2026-02-01",
    "full_time": True,
    "experience_or_training": "Kymmenen vuotta alan työkokemusta ja yrittäjäkoulutus 2025.",
    "business_plan_summary": "Graafisen suunnittelun palvelut pk-yrityksille.",
    "expected_monthly_income_eur": 900,
}
ASSESSMENT_OK = {
    "sufficient_skills": True,
    "full_time_entrepreneur": True,
    "profitable_prospects": True,
    "grant_needed_for_livelihood": True,
    "reasonable_living_at_once": False,
    "distorts_competition": False,
    "neglected_taxes_or_contributions": False,
    "livelihood_otherwise_secured": False,
    "assessment_notes": "Edellytykset täyttyvät.",
}
PAYMENT_APPLICATION = {"business_active_full_time": True, "other_income_eur": 0, "notes": ""}
PAYMENT_CHECK_OK = {"payment_conditions_met": True, "check_notes": "Kunnossa."}
CONTINUATION_APPLICATION = {"continuation_reason": "Asiakaskunta kasvaa, toimeentulo ei vielä riitä.",
                            "business_active_full_time": True}
CONTINUATION_ASSESSMENT_OK = {"continuation_conditions_met": True, "continuation_notes": "Jatko perusteltu."}

# What each user task is filled with in the granted journey, by element id (also used by bench_startup_grant.py).
JOURNEY_FORMS = {
    "submit_application": APPLICATION,
    "assess_application": ASSESSMENT_OK,
    "apply_payment": PAYMENT_APPLICATION,
    "check_payment": PAYMENT_CHECK_OK,
    "apply_continuation": CONTINUATION_APPLICATION,
    "assess_continuation": CONTINUATION_ASSESSMENT_OK,
}

FIRST_PERIOD_START = date(2026, 2, 1)
MONTHS = 12
CONTINUATION_MONTHS = {4: "2026-06-15", 10: "2026-12-15"}   # 5th month of each 6-month period


@dataclass
class JourneyResult:
    """What the customer and the payer saw; prints as a one-line summary."""

    paid: int
    status: str                                   # "completed" or "running"
    continuations: list[str]                      # outcome of each continuation decision, in order
    payments: list[dict] = field(repr=False)
    decision: dict = field(repr=False)
    continuation_decisions: list[dict] = field(repr=False)
    sent: list[tuple[str, str, dict]] = field(repr=False)   # (date, message name, payload), in order
    recorded_continuation_decisions: list[dict] = field(repr=False)
    months_granted_total: int | None = field(repr=False)
    workflow: BpmnWorkflow = field(repr=False)
    log: list[tuple[str, str]] = field(repr=False)

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def run_granted_journey(specs: dict) -> JourneyResult:
    """Live through the whole granted journey; return what the customer and the payer saw."""
    with freeze_time(helsinki("2026-01-07T10:00")) as frozen:
        journey = Journey(specs, frozen)
        wf = journey.workflow
        journey._steps()
        forms = JOURNEY_FORMS
        journey.complete("submit_application", forms["submit_application"])

        journey.at("2026-01-14T09:00")
        journey.complete("assess_application", forms["assess_application"])
        decision = dict(journey.data["decision"])
        assert decision == {"outcome": "granted", "decision_date": "2026-01-14", "start": "2026-02-01",
                            "end": "2026-07-31", "months": 6}, decision

        continuation_decisions = []
        for k in range(MONTHS):
            start = FIRST_PERIOD_START + relativedelta(months=k)
            end = start + relativedelta(months=1) - timedelta(days=1)
            if k in CONTINUATION_MONTHS:
                day = CONTINUATION_MONTHS[k]
                journey.at(f"{day}T09:00")
                journey.complete("apply_continuation", forms["apply_continuation"])
                journey.at(f"{date.fromisoformat(day) + timedelta(days=2)}T09:00")
                journey.complete("assess_continuation", forms["assess_continuation"])
                continuation_decisions.append(_latest_continuation_decision(wf))
            # The payment can be applied for once the period has ended (the timer opens the task).
            opens = end + timedelta(days=1)
            journey.at(f"{opens}T09:00")
            journey.complete("apply_payment", forms["apply_payment"])
            journey.at(f"{opens + timedelta(days=1)}T09:00")
            journey.complete("check_payment", forms["check_payment"])

        data = journey.data
        payments = _payment_results(wf)
        return JourneyResult(
            paid=sum(1 for p in payments if p["status"] == "paid"),
            status="completed" if wf.is_completed() else "running",
            continuations=[d["outcome"] for d in continuation_decisions],
            payments=payments,
            decision=decision,
            continuation_decisions=continuation_decisions,
            sent=journey.sent,
            recorded_continuation_decisions=_recorded_continuation_decisions(wf),
            months_granted_total=data.get("months_granted_total"),
            workflow=wf,
            log=journey.log,
        )


CONTINUATION_RECORDS = ("record_continuation", "record_continuation_refusal", "no_continuation")


def _completed(workflow, *bpmn_ids: str) -> list:
    """Completed tasks of the given elements, oldest first, including those inside running subprocesses.

    (``get_tasks(state=COMPLETED)`` does not look below a task that is not completed itself, so it would
    miss the payments of a multi-instance subprocess that is still running.)
    """
    done = [t for t in workflow.get_tasks()
            if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id in bpmn_ids]
    return sorted(done, key=lambda t: t.last_state_change)


def _latest_continuation_decision(workflow) -> dict:
    """The continuation decision just recorded."""
    return dict(_completed(workflow, *CONTINUATION_RECORDS)[-1].data["continuation_decision"])


def _recorded_continuation_decisions(workflow) -> list[dict]:
    """Every continuation decision the process recorded, in order."""
    return [dict(t.data["continuation_decision"]) for t in _completed(workflow, *CONTINUATION_RECORDS)]


def _payment_results(workflow) -> list[dict]:
    """Each payment period's result, paid or lapsed, in period order (each period's token records its own)."""
    results = [dict(t.data["payment_result"]) for t in _completed(workflow, "record_payment", "record_lapse")]
    return sorted(results, key=lambda result: result["period"])


def check_granted_journey(result: JourneyResult) -> None:
    """The business facts of the journey."""
    assert result.completed, "the process did not complete"
    assert len(result.payments) == MONTHS, len(result.payments)
    assert result.paid == MONTHS, [p["status"] for p in result.payments]
    assert [p["period"] for p in result.payments] == list(range(1, MONTHS + 1))
    first = result.payments[0]
    assert (first["start"], first["end"], first["days"], first["amount_eur"]) == \
        ("2026-02-01", "2026-02-28", 20, round(20 * 37.21, 2)), first
    last = result.payments[-1]
    assert (last["start"], last["end"]) == ("2027-01-01", "2027-01-31"), last
    granted, refused = result.continuation_decisions
    assert granted["outcome"] == "granted" and granted["start"] == "2026-08-01" and granted["months"] == 6, granted
    assert refused["outcome"] == "refused", refused
    assert refused["reasons"] == ["Starttirahaa voidaan maksaa yhteensä enintään 12 kuukautta"], refused
    assert [d["outcome"] for d in result.recorded_continuation_decisions] == ["granted", "refused"]
    assert result.months_granted_total == MONTHS
    # what was sent: the grant decision, 12 payments (each the day after its month's application
    # opened), and the two continuation decisions — all to the applicant
    payments = [(on, payload) for on, name, payload in result.sent if name == "payment"]
    assert [payload for _, payload in payments] == [dict(p, recipient="hakija") for p in result.payments]
    assert payments[0][0] == "2026-03-02" and payments[-1][0] == "2027-02-02", payments
    decisions = [(on, name, payload["outcome"]) for on, name, payload in result.sent if name != "payment"]
    assert decisions == [("2026-01-14", "startup_grant_decision", "granted"),
                         ("2026-06-17", "startup_grant_continuation_decision", "granted"),
                         ("2026-12-17", "startup_grant_continuation_decision", "refused")], decisions


if __name__ == "__main__":
    import time

    began = time.perf_counter()
    specs = load_specs(ROOT)
    loaded = time.perf_counter()
    result = run_granted_journey(specs)
    ran = time.perf_counter()
    check_granted_journey(result)
    total = sum(p["amount_eur"] for p in result.payments)
    print(f"payments: {len(result.payments)} (paid {result.paid}, total {total:.2f} EUR)")
    print(f"continuations: {result.continuations}")
    print(f"workflow completed: {result.completed}")
    print(result)
    print(f"load {loaded - began:.2f} s, journey {ran - loaded:.2f} s")
