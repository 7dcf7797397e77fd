"""The shared hearing (kuuleminen, bpmn/hearing.bpmn) with frozen time, as the customer, the caseworker and
the benefit payer see it.

Before a negative labour-policy statement or decision the customer is asked for an explanation with a
deadline (hallintolaki 434/2003 34 § and 36 §; statutory-rules.md §1), reminded before it, and a caseworker
assesses the answer — or that none came — before the caller may send anything. The answer time comes from
dmn/hearing_explanation_deadline.dmn (the law sets no number: 7 calendar days for a job-search failure or
a missed appointment, 14 for benefit statements and decisions on grants and subsidies; practice, named in
each rule), moved to the next working day; the reminder goes 2 (or 3) working days before the last day.

Two ways in: the hearing started on its own, and through a caller's call activity
(tests/fixtures/hearing/fixture_sanction_caller.bpmn, in its own file: hear the customer, then
"Ei seuraamusta" or a statement to the payer). Deploying bundles the called diagram, its table and its forms
with the caller; the caller gets back ``hearing_result`` and nothing else of the hearing's data.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.identities import SYSTEM
from tests.journeys.journey import Journey
from tests.pages import every
from tva_flow.errors import ProcessFailed

ROOT = Path(__file__).resolve().parent.parent
HEARING_FILES = [ROOT / "bpmn" / "hearing.bpmn", ROOT / "dmn" / "hearing_explanation_deadline.dmn",
                 *sorted((ROOT / "forms").glob("hearing_*.json"))]
CALLER_FILES = ROOT / "tests" / "fixtures" / "hearing"
CUSTOMER, CASEWORKER = "010190-123A", "anna"
GROUNDS = "Et ilmoittanut helmikuun tarkastelujaksolla hakemiasi työmahdollisuuksia."
MONDAY = "2026-03-02T09:00:00+02:00"


def hearing_on(make_service, sqlite_url, frozen, when: str) -> Journey:
    """The hearing deployed on its own (with its table and forms), the clock at ``when``."""
    frozen.move_to(when)
    return Journey(make_service(sqlite_url, HEARING_FILES), "hearing", CUSTOMER)


def start_hearing(journey: Journey, matter: str = "job_search_obligation", **more) -> dict:
    return journey.start({"matter": matter, "customer": CUSTOMER, "grounds": GROUNDS, **more})


def caller_on(make_service, sqlite_url, frozen, when: str) -> Journey:
    """The fixture caller deployed together with the hearing it calls, the clock at ``when``."""
    frozen.move_to(when)
    return Journey(make_service(sqlite_url, [*HEARING_FILES, CALLER_FILES]), "fixture_sanction_caller", CUSTOMER)


def start_caller(journey: Journey) -> dict:
    return journey.start({"customer": CUSTOMER, "review_period_start": "2026-02-01",
                          "review_period_end": "2026-02-28"})


def sent(journey: Journey, type_: str | None = None) -> list[tuple[str, str, str]]:
    """What went out for the customer: (date, type, recipient), in the order sent."""
    return [(o["date"], o["type"], o["recipient"])
            for o in every(journey.service.list_outbox, SYSTEM, business_key=CUSTOMER, type=type_)]


def payload(journey: Journey, type_: str) -> dict:
    found = every(journey.service.list_outbox, SYSTEM, business_key=CUSTOMER, type=type_)
    assert len(found) == 1, found
    return found[0]["payload"]


def result(journey: Journey) -> dict:
    return journey.instance()["variables"]["hearing_result"]


# -- the hearing on its own --------------------------------------------------------------------------
def test_a_request_on_monday_2_3_2026_is_due_on_monday_9_3_and_nothing_is_assessed_before_it(
        make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, MONDAY)
    start_hearing(journey)

    assert sent(journey) == [("2026-03-02", "clarification_request", "asiakas")]
    request = payload(journey, "clarification_request")
    assert (request["requested_on"], request["answer_by"], request["matter"], request["grounds"]) == (
        "2026-03-02", "2026-03-09", "job_search_obligation", GROUNDS)
    task = journey.task("give_explanation")
    assert (task["candidate_group"], task["due_date"]) == ("asiakas", "2026-03-09")

    journey.on("2026-03-09T23:59:00+02:00")
    assert journey.open_tasks() == ["give_explanation"]
    journey.on("2026-03-10T00:00:00+02:00")
    assert journey.open_tasks() == ["assess_explanation"]
    assert journey.task("assess_explanation")["candidate_group"] == "asiantuntija"


def test_a_reminder_goes_out_two_working_days_before_the_last_day(make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, MONDAY)
    start_hearing(journey)

    journey.on("2026-03-04T23:59:00+02:00")
    assert sent(journey, "clarification_reminder") == []
    journey.on("2026-03-05T09:00:00+02:00")
    assert sent(journey, "clarification_reminder") == [("2026-03-05", "clarification_reminder", "asiakas")]
    assert payload(journey, "clarification_reminder")["answer_by"] == "2026-03-09"


def test_a_last_day_on_good_friday_moves_past_easter_to_tuesday(make_service, sqlite_url, frozen):
    """Fri 27.3.2026 + 7 days is Good Friday 3.4.; Easter Monday 6.4. is a holiday too: Tue 7.4.2026.
    The reminder, 2 working days before, is Wed 1.4."""
    journey = hearing_on(make_service, sqlite_url, frozen, "2026-03-27T09:00:00+02:00")
    start_hearing(journey)

    assert payload(journey, "clarification_request")["answer_by"] == "2026-04-07"
    assert journey.task("give_explanation")["due_date"] == "2026-04-07"
    journey.on("2026-04-08T09:00:00+02:00")
    assert sent(journey, "clarification_reminder") == [("2026-04-01", "clarification_reminder", "asiakas")]


def test_a_benefit_statement_leaves_14_days_to_answer(make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, MONDAY)
    start_hearing(journey, matter="benefit_statement")

    assert payload(journey, "clarification_request")["answer_by"] == "2026-03-16"
    journey.on("2026-03-16T09:00:00+02:00")
    assert sent(journey, "clarification_reminder") == [("2026-03-11", "clarification_reminder", "asiakas")]


def test_the_request_date_may_come_from_the_caller(make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, "2026-03-03T09:00:00+02:00")
    start_hearing(journey, request_date="2026-03-02")

    assert payload(journey, "clarification_request")["answer_by"] == "2026-03-09"


def test_an_answer_in_time_reaches_the_caseworker_and_no_reminder_follows(make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, MONDAY)
    start_hearing(journey)

    journey.on("2026-03-03T10:00:00+02:00")
    journey.do("give_explanation", CUSTOMER, {"explanation": "Olin sairaana koko helmikuun.",
                                              "attachments_described": "lääkärintodistus"})
    shown = journey.task("assess_explanation")
    detail = journey.service.get_task(SYSTEM, shown["id"])
    assert (detail["data"]["answered"], detail["data"]["explanation"]) == (True, "Olin sairaana koko helmikuun.")

    journey.on("2026-03-04T09:00:00+02:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": True,
                                                  "assessment": "Sairaus on hyväksyttävä syy."})
    assert journey.instance()["status"] == "completed"
    assert result(journey) == {
        "heard": True, "matter": "job_search_obligation", "requested_on": "2026-03-02", "deadline": "2026-03-09",
        "answered": True, "answered_on": "2026-03-03", "explanation": "Olin sairaana koko helmikuun.",
        "acceptable_reason": True, "assessment": "Sairaus on hyväksyttävä syy.", "assessed_on": "2026-03-04"}
    journey.on("2026-03-20T09:00:00+02:00")
    assert sent(journey) == [("2026-03-02", "clarification_request", "asiakas")]


def test_without_grounds_the_hearing_does_not_start(make_service, sqlite_url, frozen):
    journey = hearing_on(make_service, sqlite_url, frozen, MONDAY)
    with pytest.raises(ProcessFailed, match="grounds"):
        journey.start({"matter": "job_search_obligation", "customer": CUSTOMER})
    assert sent(journey) == []


# -- through a caller's call activity ------------------------------------------------------------------
def test_caller_a_request_on_monday_2_3_2026_is_due_on_9_3_and_no_statement_goes_before_it(
        make_service, sqlite_url, frozen):
    journey = caller_on(make_service, sqlite_url, frozen, MONDAY)
    start_caller(journey)

    assert sent(journey) == [("2026-03-02", "clarification_request", "asiakas")]
    assert payload(journey, "clarification_request")["answer_by"] == "2026-03-09"
    assert journey.task("give_explanation")["due_date"] == "2026-03-09"
    journey.on("2026-03-09T23:59:00+02:00")
    assert sent(journey, "labour_policy_statement") == []
    assert journey.open_tasks() == ["give_explanation"]


def test_caller_a_reminder_goes_out_two_working_days_before_the_last_day(make_service, sqlite_url, frozen):
    journey = caller_on(make_service, sqlite_url, frozen, MONDAY)
    start_caller(journey)

    journey.on("2026-03-06T09:00:00+02:00")
    assert sent(journey) == [("2026-03-02", "clarification_request", "asiakas"),
                             ("2026-03-05", "clarification_reminder", "asiakas")]


def test_caller_an_acceptable_reason_ends_it_without_a_statement(make_service, sqlite_url, frozen):
    journey = caller_on(make_service, sqlite_url, frozen, MONDAY)
    start_caller(journey)

    journey.on("2026-03-04T10:00:00+02:00")
    journey.do("give_explanation", CUSTOMER, {"explanation": "Olin työhaastattelussa ja sairaana."})
    journey.on("2026-03-05T09:00:00+02:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": True, "assessment": "Hyväksyttävä syy."})

    assert journey.instance()["status"] == "completed"
    assert [h["element_id"] for h in journey.history("end_event")] == ["no_sanction"]
    assert sent(journey, "labour_policy_statement") == []
    assert result(journey)["answered"] is True and result(journey)["acceptable_reason"] is True


def test_caller_no_answer_the_caseworker_assesses_after_the_deadline_then_the_statement_goes(
        make_service, sqlite_url, frozen):
    journey = caller_on(make_service, sqlite_url, frozen, MONDAY)
    start_caller(journey)

    journey.on("2026-03-10T09:00:00+02:00")
    assert journey.open_tasks() == ["assess_explanation"]
    shown = journey.service.get_task(SYSTEM, journey.task("assess_explanation")["id"])["data"]
    assert (shown["answered"], shown["explanation"]) == (False, None)
    assert sent(journey, "labour_policy_statement") == []
    journey.on("2026-03-11T09:00:00+02:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": False,
                                                  "assessment": "Selvitystä ei annettu määräpäivään mennessä."})

    assert sent(journey, "labour_policy_statement") == [("2026-03-11", "labour_policy_statement", "kela")]
    statement = payload(journey, "labour_policy_statement")
    assert (statement["heard"], statement["customer_answered"], statement["answer_deadline"],
            statement["assessed_on"]) == (True, False, "2026-03-09", "2026-03-11")
    variables = journey.instance()["variables"]
    assert variables["hearing_result"]["deadline"] == "2026-03-09"
    # only hearing_result comes back: the hearing's own variables stay in the hearing
    assert not {"deadline", "deadline_at", "hearing_answer", "answer_days", "acceptable_reason"} & set(variables)
