"""Stopping a start-up grant and recovering what was paid without grounds, with frozen time (issue 10, item 6;
statutory-rules.md §3 "Stop and recovery").

When the conditions cease — the business ends or is no longer full-time — the grant is stopped by a decision
after hearing the customer, and what was paid without grounds is recovered. The notice comes as the message
`startup_grant_conditions_ceased` (e.g. from the tax administration or the customer's own notice) or from the
caseworker's own finding in a payment check. The customer is heard through the shared hearing
(bpmn/hearing.bpmn, matter `startup_grant_stop`: 14 days to answer, moved off weekends and holidays). The
grant is paid for 5 days a week, so the weekdays (Mon–Fri) before the stop date are the customer's; what
was paid for weekdays from the stop date on is recovered (dmn/startup_grant_recovery.dmn: recovered when
more than 0 €). Months that began before the stop date and were not yet decided can still be applied for
up to the day before it; later months and a pending continuation are cancelled. The stop decision and the
recovery decision each carry their reasons and the instructions for a rectification request to the employment
authority within 30 days (dmn/appeal_instructions.dmn).

Granted here from Sun 1.2.2026 for 6 months (applied Mon 5.1., decided Wed 7.1.2026), 37,21 €/day.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.identities import SYSTEM
from tests.journeys.journey import Journey
from tests.journeys.test_startup_grant import (APPLICANT, CASEWORKER, PAYMENT_APPLICATION, PAYMENT_OK,
                                               apply_and_get_granted, assert_rectification_within_30_days,
                                               pay_month, sent)
from tests.pages import every
from tva_flow.errors import Conflict, ProcessFailed
from tva_flow.service import evaluate_in_files
from tva_flow.store.models import CustomerEvent

NOTICE = "startup_grant_conditions_ceased"
ENDED_15_4 = {"ceased_on": "2026-04-15", "reason": "business_ended", "source": "tax_administration"}
NO_ANSWER = {"acceptable_reason": False,
             "assessment": "Selvitystä ei annettu; Verohallinnon mukaan yritystoiminta päättyi 15.4.2026."}
STOP_16_4 = {"stop_date": "2026-04-16", "stop_reasons": "Yritystoiminta päättyi 15.4.2026, joten starttirahan "
                                                        "edellytykset eivät enää täyty."}


@pytest.fixture
def journey(service):
    return Journey(service, "startup_grant", APPLICANT)


def report(journey: Journey, when: str, notice: dict) -> dict:
    journey.on(when)
    return journey.service.send_message(SYSTEM, NOTICE, APPLICANT, notice)


def waiting_for_notice(journey: Journey) -> bool:
    return any(s["message_name"] == NOTICE
               for s in every(journey.service.list_subscriptions, SYSTEM, business_key=APPLICANT))


def record(journey: Journey) -> list[dict]:
    """The applicant's customer record: what outlives the case."""
    with journey.service.db.read() as s:
        rows = s.scalars(select(CustomerEvent).where(CustomerEvent.business_key == APPLICANT)
                         .order_by(CustomerEvent.id)).all()
        return [{**row.data, "kind": row.kind, "date": row.date} for row in rows]


def sent_types(journey: Journey) -> list[tuple[str, str]]:
    return [(o["date"], o["type"]) for o in sent(journey)]


def payment_periods_open(journey: Journey) -> list[dict]:
    return [t for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)
            if t["element_id"] == "apply_payment"]


# -- the main case: the tax administration reports, the customer does not answer --------------------------
def test_the_business_ended_on_15_4_the_grant_stops_from_16_4_and_april_16_30_is_recovered(journey):
    """Feb, Mar and Apr are paid on the 3rd of the next month (April: 22 weekdays, 818,62 €). On Mon 4.5.2026
    the tax administration reports that the business ended on 15.4.2026: the applicant is asked for an
    explanation by Mon 18.5. and reminded on Tue 12.5. (3 working days before; Thu 14.5. is Ascension Day).
    No answer: on Tue 19.5. the caseworker assesses it and stops the grant from 16.4.2026. April is due for
    1.–15.4. (11 weekdays); the 11 weekdays 16.–30.4. were paid without grounds: 11 × 37,21 = 409,31 €
    recovered. May–July are cancelled, and so is the continuation the applicant could still have asked for."""
    apply_and_get_granted(journey)
    for month in ("2026-02", "2026-03", "2026-04"):
        pay_month(journey, month)
    assert [o["payload"]["amount_eur"] for o in sent(journey, "payment")] == [744.20, 818.62, 818.62]
    assert waiting_for_notice(journey)

    delivered = report(journey, "2026-05-04T10:00:00+03:00", ENDED_15_4)
    assert delivered["element_id"] == "conditions_ceased_reported"
    (request,) = sent(journey, "clarification_request")
    assert (request["date"], request["recipient"]) == ("2026-05-04", "asiakas")
    assert (request["payload"]["matter"], request["payload"]["requested_on"], request["payload"]["answer_by"]) == (
        "startup_grant_stop", "2026-05-04", "2026-05-18")
    assert request["payload"]["grounds"].startswith(
        "Verohallinnon ilmoituksen mukaan yritystoimintasi päättyi 15.4.2026. Jos starttirahan edellytykset "
        "eivät enää täyty, starttirahan maksaminen lopetetaan")
    assert journey.task("give_explanation")["due_date"] == "2026-05-18"
    # the grant goes on while the applicant is heard: nothing is stopped or recovered before the deadline
    journey.on("2026-05-18T23:59:00+03:00")
    assert [t for _, t in sent_types(journey)][-2:] == ["clarification_request", "clarification_reminder"]
    assert sent(journey, "clarification_reminder")[0]["date"] == "2026-05-12"
    assert sorted(journey.open_tasks()) == ["apply_continuation", "give_explanation"]
    assert sent(journey, "startup_grant_stop_decision") == []

    journey.on("2026-05-19T09:00:00+03:00")
    journey.do("assess_explanation", CASEWORKER, NO_ANSWER)
    stop = journey.service.get_task(SYSTEM, journey.task("decide_stop")["id"])
    assert stop["candidate_group"] == "asiantuntija"
    assert (stop["data"]["ceased_on"], stop["data"]["proposed_stop_date"]) == ("2026-04-15", "2026-04-16")
    journey.do("decide_stop", CASEWORKER, STOP_16_4)

    (decision,) = sent(journey, "startup_grant_stop_decision")
    assert (decision["date"], decision["recipient"], decision["element_id"]) == (
        "2026-05-19", "hakija", "stop_decision_sent")
    payload = decision["payload"]
    assert {k: payload[k] for k in ("outcome", "decision_date", "stop_date", "last_paid_day", "ceased_on",
                                     "reason", "source", "reasons", "payable_periods", "recovery_eur")} == {
        "outcome": "stopped", "decision_date": "2026-05-19", "stop_date": "2026-04-16",
        "last_paid_day": "2026-04-15", "ceased_on": "2026-04-15", "reason": "business_ended",
        "source": "tax_administration", "reasons": [STOP_16_4["stop_reasons"]], "payable_periods": [],
        "recovery_eur": 409.31}
    assert payload["hearing"] == {"requested_on": "2026-05-04", "answer_by": "2026-05-18", "answered": False,
                                  "assessment": NO_ANSWER["assessment"]}
    assert [p["period"] for p in payload["cancelled_periods"]] == [4, 5, 6]
    assert "380/2023" in payload["legal_basis"] and "434/2003 34 §" in payload["legal_basis"]
    # the applicant can ask the employment authority to rectify the stop within 30 days of service
    assert_rectification_within_30_days(payload)
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_stop")
    assert appeal["data"]["inputs"] == {"Asiakirjan laji": "startup_grant_stop_decision",
                                        "Päätöksen päivä": "2026-05-19"}

    (recovery,) = sent(journey, "startup_grant_recovery_decision")
    assert (recovery["date"], recovery["recipient"]) == ("2026-05-19", "hakija")
    assert recovery["payload"]["amount_eur"] == 409.31 == round(11 * 37.21, 2)
    assert recovery["payload"]["periods"] == [{"period": 3, "start": "2026-04-16", "end": "2026-04-30",
                                               "days": 11, "daily_amount_eur": 37.21, "paid_eur": 818.62,
                                               "amount_eur": 409.31}]
    assert "409,31 euroa" in recovery["payload"]["reasons"][0]
    assert_rectification_within_30_days(recovery["payload"])
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_recovery")
    assert appeal["data"]["inputs"]["Asiakirjan laji"] == "startup_grant_recovery_decision"
    (table,) = journey.history("decision_evaluated", "determine_recovery")
    assert table["data"]["matched_rules"][0]["rule_id"] == "startup_grant_recovery_rule_2"  # Act 380/2023
    # every decision the applicant got — the grant, three payments, the stop, the recovery — says why and how to
    # ask for rectification
    decisions = [o for o in sent(journey) if o["recipient"] == "hakija"]
    assert len(decisions) == 6
    for decision in decisions:
        assert_rectification_within_30_days(decision["payload"])

    # Nothing is left: May–July never open for application, no continuation, the case has ended.
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-05-19T09:00:00+03:00"
    assert instance["open_tasks"] == [] and instance["pending_timers"] == []
    assert [(h["element_id"], h["at"]) for h in journey.history("task_cancelled")] == [
        ("give_explanation", "2026-05-19T00:00:00+03:00"), ("apply_continuation", "2026-05-19T09:00:00+03:00")]
    assert len(journey.history("step_completed", "period_cancelled")) == 3
    assert len(sent(journey, "payment")) == 3
    assert [t for _, t in sent_types(journey)] == [
        "startup_grant_decision", "payment", "payment", "payment", "clarification_request",
        "clarification_reminder", "startup_grant_stop_decision", "startup_grant_recovery_decision"]

    # the customer record keeps what was paid and the stop, for any later case of the person
    events = record(journey)
    assert [(e["kind"], e["date"], e.get("period"), e.get("amount_eur")) for e in events] == [
        ("startup_grant_payment", "2026-03-03", 1, 744.20), ("startup_grant_payment", "2026-04-03", 2, 818.62),
        ("startup_grant_payment", "2026-05-03", 3, 818.62), ("startup_grant_stopped", "2026-04-16", None, None)]
    assert {k: events[-1][k] for k in ("decided_on", "ceased_on", "reason", "source", "recovery_eur",
                                        "grant_start")} == {
        "decided_on": "2026-05-19", "ceased_on": "2026-04-15", "reason": "business_ended",
        "source": "tax_administration", "recovery_eur": 409.31, "grant_start": "2026-02-01"}


def test_the_customer_shows_the_business_goes_on_so_it_is_not_stopped_and_may_is_paid(journey):
    """Same report on Mon 4.5.2026; on Wed 6.5. the applicant explains that the business goes on (it changed its
    business id) and the caseworker accepts it on Thu 7.5.: no stop, no recovery, and May is paid in full on
    3.6. (21 weekdays, 781,41 €). A later report is heard again."""
    apply_and_get_granted(journey)
    for month in ("2026-02", "2026-03", "2026-04"):
        pay_month(journey, month)
    report(journey, "2026-05-04T10:00:00+03:00", ENDED_15_4)
    assert not waiting_for_notice(journey)  # one notice at a time: this one is being heard

    journey.on("2026-05-06T12:00:00+03:00")
    journey.do("give_explanation", APPLICANT, {"explanation": "Toiminta jatkuu osakeyhtiönä, joka perustettiin "
                                                              "15.4.2026; toiminimi lopetettiin samana päivänä."})
    journey.on("2026-05-07T09:00:00+03:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": True,
                                                  "assessment": "Päätoiminen yritystoiminta jatkuu."})
    assert "decide_stop" not in journey.open_tasks()
    assert sent(journey, "startup_grant_stop_decision") == [] == sent(journey, "startup_grant_recovery_decision")
    assert waiting_for_notice(journey)

    may = pay_month(journey, "2026-05")
    assert (may["start"], may["end"], may["days"], may["amount_eur"], may["status"]) == (
        "2026-05-01", "2026-05-31", 21, 781.41, "paid")
    assert [r["kind"] for r in record(journey)] == ["startup_grant_payment"] * 4

    report(journey, "2026-06-10T10:00:00+03:00", {"ceased_on": "2026-06-05", "reason": "not_full_time",
                                                  "source": "customer"})
    assert sent(journey, "clarification_request")[-1]["payload"]["grounds"].startswith(
        "Ilmoituksesi mukaan yritystoimintasi ei ole 5.6.2026 jälkeen ollut päätoimista.")


def test_an_april_not_yet_applied_for_is_paid_up_to_the_day_before_the_stop(journey):
    """The applicant reports on Mon 20.4.2026 that the business ended on 15.4.: answer by Mon 4.5.2026 (14 days).
    They answer on 22.4. that it did; on Tue 5.5. the caseworker stops the grant from 16.4. April's application,
    open since 1.5., becomes one for 1.–15.4., within April's window (until 30.6.); May–July are cancelled.
    Nothing had been paid for the days after the stop, so nothing is recovered. On Wed 6.5. April is applied
    for and paid: 11 weekdays, 409,31 €, and the case ends."""
    apply_and_get_granted(journey)
    pay_month(journey, "2026-02")
    pay_month(journey, "2026-03")
    report(journey, "2026-04-20T10:00:00+03:00", {**ENDED_15_4, "source": "customer"})
    assert sent(journey, "clarification_request")[0]["payload"]["answer_by"] == "2026-05-04"
    journey.on("2026-04-22T10:00:00+03:00")
    journey.do("give_explanation", APPLICANT, {"explanation": "Lopetin yritystoiminnan 15.4.2026."})
    journey.on("2026-05-05T09:00:00+03:00")
    (april,) = payment_periods_open(journey)
    assert april["due_date"] == "2026-06-30"
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": False,
                                                  "assessment": "Asiakas vahvisti, että yritystoiminta päättyi."})
    journey.do("decide_stop", CASEWORKER, STOP_16_4)

    (decision,) = sent(journey, "startup_grant_stop_decision")
    assert decision["payload"]["payable_periods"] == [{"period": 3, "start": "2026-04-01", "end": "2026-04-15"}]
    assert [p["period"] for p in decision["payload"]["cancelled_periods"]] == [4, 5, 6]
    assert decision["payload"]["recovery_eur"] == 0
    assert sent(journey, "startup_grant_recovery_decision") == []
    # the application open at the stop is re-opened for the shortened month, with April's deadline
    (reopened,) = payment_periods_open(journey)
    assert reopened["id"] != april["id"] and reopened["due_date"] == "2026-06-30"
    assert journey.open_tasks() == ["apply_payment"]
    assert journey.instance()["pending_timers"] == [
        {"element_id": "application_window_closed", "name": "Hakuaika päättyi", "due_at": "2026-07-01T00:00:00+03:00"}]

    journey.on("2026-05-06T09:00:00+03:00")
    journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
    journey.do("check_payment", CASEWORKER, PAYMENT_OK)
    (paid,) = sent(journey, "payment")[-1:]
    assert (paid["date"], paid["payload"]["start"], paid["payload"]["end"], paid["payload"]["days"],
            paid["payload"]["amount_eur"]) == ("2026-05-06", "2026-04-01", "2026-04-15", 11, 409.31)
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-05-06T09:00:00+03:00"


def test_a_check_finds_march_no_longer_full_time_the_customer_is_heard_and_march_21_31_recovered(journey):
    """On Tue 7.4.2026 the caseworker checks March and finds the business has not been full-time after 20.3.:
    March is paid as applied (22 weekdays, 818,62 €) and the applicant is asked, that day, for an explanation by
    Tue 21.4. None comes; on Wed 22.4. the grant is stopped from 21.3.: 15 weekdays of March were due
    (558,15 €), the 7 weekdays 23.–31.3. (260,47 €) are recovered, and April–July are cancelled."""
    apply_and_get_granted(journey)
    pay_month(journey, "2026-02")
    journey.on("2026-04-07T09:00:00+03:00")
    journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
    journey.do("check_payment", CASEWORKER, {**PAYMENT_OK, "check_notes": "Asiakas on palkkatyössä 23.3. alkaen",
                                            "conditions_ceased": True, "ceased_on": "2026-03-20",
                                            "ceased_reason": "not_full_time"})
    assert sent(journey, "payment")[-1]["payload"]["amount_eur"] == 818.62
    (request,) = sent(journey, "clarification_request")
    assert (request["date"], request["payload"]["answer_by"]) == ("2026-04-07", "2026-04-21")
    assert request["payload"]["grounds"].startswith(
        "Maksatuksen tarkistuksessa havaittiin, että yritystoimintasi ei ole 20.3.2026 jälkeen ollut päätoimista.")

    journey.on("2026-04-22T09:00:00+03:00")
    journey.do("assess_explanation", CASEWORKER, NO_ANSWER)
    journey.do("decide_stop", CASEWORKER, {"stop_date": "2026-03-21",
                                           "stop_reasons": "Yritystoiminta ei ole ollut päätoimista 20.3.2026 jälkeen."})
    (recovery,) = sent(journey, "startup_grant_recovery_decision")
    assert recovery["payload"]["amount_eur"] == 260.47 == round(818.62 - 15 * 37.21, 2)
    assert recovery["payload"]["periods"][0] == {
        "period": 2, "start": "2026-03-21", "end": "2026-03-31", "days": 7, "daily_amount_eur": 37.21,
        "paid_eur": 818.62, "amount_eur": 260.47}
    stop = sent(journey, "startup_grant_stop_decision")[0]["payload"]
    assert (stop["source"], stop["reason"], [p["period"] for p in stop["cancelled_periods"]]) == (
        "payment_check", "not_full_time", [3, 4, 5, 6])
    assert journey.instance()["status"] == "completed"


def test_a_month_waiting_for_its_check_at_the_stop_is_paid_up_to_the_day_before_it(journey):
    """As above, but April is applied for on Mon 4.5. and still waits for the caseworker's check when the grant
    is stopped from 16.4. on Tue 5.5.: the check on Wed 6.5. pays 1.–15.4. only (11 weekdays, 409,31 €)."""
    apply_and_get_granted(journey)
    pay_month(journey, "2026-02")
    pay_month(journey, "2026-03")
    report(journey, "2026-04-20T10:00:00+03:00", {**ENDED_15_4, "source": "customer"})
    journey.on("2026-04-22T10:00:00+03:00")
    journey.do("give_explanation", APPLICANT, {"explanation": "Lopetin yritystoiminnan 15.4.2026."})
    journey.on("2026-05-04T09:00:00+03:00")
    journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
    journey.on("2026-05-05T09:00:00+03:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": False, "assessment": "Vahvistettu."})
    journey.do("decide_stop", CASEWORKER, STOP_16_4)
    assert journey.open_tasks() == ["check_payment"]

    journey.on("2026-05-06T09:00:00+03:00")
    journey.do("check_payment", CASEWORKER, PAYMENT_OK)
    april = sent(journey, "payment")[-1]["payload"]
    assert (april["start"], april["end"], april["days"], april["amount_eur"]) == (
        "2026-04-01", "2026-04-15", 11, 409.31)
    assert journey.instance()["status"] == "completed"


def test_a_late_stop_cancels_an_open_application_for_a_month_after_the_stop_date(journey):
    """Reported Mon 4.5. (ended 15.4.), but the caseworker decides only on Tue 2.6.2026, when May's application
    is open: it is cancelled (May began after the stop date), and June and July never open."""
    apply_and_get_granted(journey)
    for month in ("2026-02", "2026-03", "2026-04"):
        pay_month(journey, month)
    report(journey, "2026-05-04T10:00:00+03:00", ENDED_15_4)
    journey.on("2026-06-02T09:00:00+03:00")
    (may,) = payment_periods_open(journey)
    journey.do("assess_explanation", CASEWORKER, NO_ANSWER)
    journey.do("decide_stop", CASEWORKER, STOP_16_4)
    assert payment_periods_open(journey) == []
    assert may["id"] in [h["data"]["task_id"] for h in journey.history("task_cancelled", "apply_payment")]
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["pending_timers"] == []
    assert sent(journey, "startup_grant_recovery_decision")[0]["payload"]["amount_eur"] == 409.31
    assert len(sent(journey, "payment")) == 3 and sent(journey, "payment_refused") == []


# -- the notice itself ----------------------------------------------------------------------------------
def test_a_notice_without_a_valid_date_is_refused_and_still_awaited(journey):
    apply_and_get_granted(journey)
    journey.on("2026-03-10T10:00:00+02:00")
    with pytest.raises(ProcessFailed):
        journey.service.send_message(SYSTEM, NOTICE, APPLICANT, {**ENDED_15_4, "ceased_on": "15.4.2026"})
    assert waiting_for_notice(journey)
    assert sent(journey, "clarification_request") == []
    (refused,) = journey.history("step_failed")
    assert refused["element_id"] == "record_ceased_notice"


def test_a_second_notice_while_the_customer_is_heard_is_refused(journey):
    apply_and_get_granted(journey)
    report(journey, "2026-03-10T10:00:00+02:00", ENDED_15_4)
    with pytest.raises(Conflict):
        journey.service.send_message(SYSTEM, NOTICE, APPLICANT, ENDED_15_4)
    assert len(sent(journey, "clarification_request")) == 1


def test_no_notice_is_awaited_once_the_grant_has_ended(journey):
    apply_and_get_granted(journey)
    for month in ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"):
        pay_month(journey, month)
    assert journey.instance()["status"] == "completed"
    assert [h["element_id"] for h in journey.history("end_event")] == ["grant_completed", "watch_ended"]
    with pytest.raises(Conflict):
        journey.service.send_message(SYSTEM, NOTICE, APPLICANT, ENDED_15_4)


def test_a_grant_that_ends_while_the_customer_is_heard_ends_the_case_when_the_hearing_clears_them(journey):
    """Reported on Mon 27.7.2026 (answer by Mon 10.8.); no continuation was asked for, so the grant period ends
    on 31.7. and July is paid on Mon 3.8. The explanation is accepted on 6.8.: nothing is left to watch."""
    apply_and_get_granted(journey)
    for month in ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06"):
        pay_month(journey, month)
    report(journey, "2026-07-27T10:00:00+03:00", {"ceased_on": "2026-07-24", "reason": "not_full_time",
                                                  "source": "tax_administration"})
    pay_month(journey, "2026-07")
    assert journey.instance()["status"] == "running"
    journey.on("2026-08-05T10:00:00+03:00")
    journey.do("give_explanation", APPLICANT, {"explanation": "Tein heinäkuussa yhden keikan palkkatyönä."})
    journey.on("2026-08-06T09:00:00+03:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": True, "assessment": "Vähäinen palkkatyö."})
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["open_tasks"] == []
    assert journey.history("end_event")[-1]["element_id"] == "grant_over_during_hearing"


# -- the table ------------------------------------------------------------------------------------------
def test_the_recovery_table_recovers_any_amount_and_names_its_sources():
    from tests.conftest import ROOT
    from tva_flow.engine.definitions import read_dirs
    tables = read_dirs([ROOT / "dmn"])
    new = evaluate_in_files(tables, "startup_grant_recovery", {"stop_decision_date": "2026-05-19"})
    old = evaluate_in_files(tables, "startup_grant_recovery", {"stop_decision_date": "2024-12-31"})
    assert new["result"]["recovery_threshold_eur"] == 0 == old["result"]["recovery_threshold_eur"]
    # the instructions for a rectification request come from appeal_instructions, one table for every decision
    assert set(new["result"]) == {"recovery_threshold_eur", "stop_legal_basis"}
    assert "380/2023" in new["result"]["stop_legal_basis"] and "916/2012" in old["result"]["stop_legal_basis"]
    annotation = new["matched_rules"][0]["annotation"]
    assert "ei löytynyt" in annotation  # the recovery section of 380/2023 could not be sourced here: said so
