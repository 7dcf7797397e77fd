"""Start-up grant (starttiraha) journeys with frozen time: what the applicant and the caseworker see on each date.

Legal values (statutory-rules.md §3, revised 30.11.2026; in dmn/): granted 6 months at a time from the start
of full-time entrepreneurship (a business started at its own risk before the decision keeps its start), at
most 12 in total; paid monthly in arrears for 5 days a week at the basic daily allowance (37,21 €/day); a
payment application later than 2 months after the period ends is lost. A deadline that falls on a Saturday,
Sunday or public holiday moves to the next working day (Act 150/1930 5 §).

What the applicant is sent — the decisions, each payment, a rejected or lapsed month — is read from the
outbox, with the date it was sent. Every decision carries its reasons and the instructions for a rectification
request (oikaisuvaatimus) to the employment authority that decided, within 30 days of service, whose answer can be
appealed to the administrative court (dmn/appeal_instructions.dmn; hallintolaki 434/2003 49 b–49 d §); a lapsed
month's notice is not a decision and says so. Stopping a grant after a hearing and recovering what was paid
without grounds: tests/test_startup_grant_stop.py.
"""
from __future__ import annotations

import calendar

import pytest

from tests.journeys.journey import Journey
from tests.pages import every
from tests.identities import SYSTEM

APPLICANT, CASEWORKER = "010190-123A", "anna.asiantuntija"

APPLICATION = {
    "business_name": "Kahvila Kaakko",
    "business_start_date": "2026-02-01",
    "full_time": True,
    "experience_or_training": "Restonomi, kahdeksan vuotta alalla",
    "business_plan_summary": "Kahvila Kotkan keskustassa",
    "expected_monthly_income_eur": 900,
}
ALL_CONDITIONS_MET = {
    "sufficient_skills": True, "full_time_entrepreneur": True, "profitable_prospects": True,
    "grant_needed_for_livelihood": True, "reasonable_living_at_once": False, "distorts_competition": False,
    "neglected_taxes_or_contributions": False, "livelihood_otherwise_secured": False,
}
PAYMENT_APPLICATION = {"business_active_full_time": True, "other_income_eur": 0}
PAYMENT_OK = {"payment_conditions_met": True}
CONTINUATION_APPLICATION = {"continuation_reason": "Asiakaskunta kasvaa, toimeentulo ei vielä riitä",
                            "business_active_full_time": True}
CONTINUATION_OK = {"continuation_conditions_met": True}

# Weekdays (Mon–Fri) of each month × 37,21 €: what each month's payment must be.
MONTHLY = [
    ("2026-02", 20, 744.20), ("2026-03", 22, 818.62), ("2026-04", 22, 818.62), ("2026-05", 21, 781.41),
    ("2026-06", 22, 818.62), ("2026-07", 23, 855.83), ("2026-08", 21, 781.41), ("2026-09", 22, 818.62),
    ("2026-10", 22, 818.62), ("2026-11", 21, 781.41), ("2026-12", 23, 855.83), ("2027-01", 21, 781.41),
]


def next_month(month: str) -> str:
    year, mon = map(int, month.split("-"))
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


def month_end(month: str) -> str:
    year, mon = map(int, month.split("-"))
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


@pytest.fixture
def journey(service):
    return Journey(service, "startup_grant", APPLICANT)


def apply_and_get_granted(journey: Journey) -> None:
    """Mon 5.1.2026 the applicant applies (business starts 1.2.2026); Wed 7.1. the caseworker assesses."""
    journey.start(user=APPLICANT)
    assert journey.open_tasks() == ["submit_application"]
    assert journey.task("submit_application")["candidate_group"] == "hakija"
    journey.do("submit_application", APPLICANT, APPLICATION)
    assert journey.task("assess_application")["candidate_group"] == "asiantuntija"
    journey.on("2026-01-07T10:00:00+02:00")
    journey.do("assess_application", CASEWORKER, ALL_CONDITIONS_MET)


def sent(journey: Journey, type_: str | None = None) -> list[dict]:
    """What the process sent about the applicant (the outbox), oldest first."""
    return every(journey.service.list_outbox, SYSTEM, business_key=APPLICANT, type=type_)


def without_appeal(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "appeal"}


def assert_rectification_within_30_days(payload: dict) -> None:
    """What a decision tells the applicant: they can ask the employment authority that decided to rectify it, in
    writing, within 30 days of service, and appeal the answer to the administrative court."""
    appeal = payload["appeal"]
    assert (appeal["remedy"], appeal["time_limit_days"]) == ("oikaisuvaatimus", 30)
    assert appeal["addressed_to"] == "Päätöksen tehnyt työvoimaviranomainen (kunta tai työllisyysalueen vastuukunta)"
    assert "kirjallisesti päätöksen tehneelle työvoimaviranomaiselle 30 päivän kuluessa päätöksen tiedoksisaannista" \
        in appeal["instructions"]
    assert "valittamalla hallinto-oikeuteen" in appeal["instructions"]
    assert "380/2023" in appeal["legal_basis"] and "434/2003" in appeal["legal_basis"]
    assert payload["reasons"] and all(isinstance(r, str) and r for r in payload["reasons"])


def ask_for_continuation(journey: Journey, when: str) -> None:
    """On ``when`` the applicant asks for a continuation and the caseworker finds its conditions met."""
    journey.on(when)
    journey.do("apply_continuation", APPLICANT, CONTINUATION_APPLICATION)
    journey.do("assess_continuation", CASEWORKER, CONTINUATION_OK)


def pay_month(journey: Journey, month: str) -> dict:
    """On the 3rd of the next month the applicant applies for the month; the caseworker checks it."""
    journey.on(f"{next_month(month)}-03T09:00:00+02:00")
    journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
    journey.do("check_payment", CASEWORKER, PAYMENT_OK)
    return journey.set_by("record_payment", "payment_result")[-1]


def test_granted_six_payments_continuation_twelve_months_then_ends(journey):
    apply_and_get_granted(journey)
    decision = journey.instance()["variables"]["decision"]
    assert without_appeal(decision) == {
        "outcome": "granted", "decision_date": "2026-01-07", "start": "2026-02-01", "end": "2026-07-31", "months": 6,
        "reasons": [
            "Starttirahan myöntämisen edellytykset täyttyvät: hakijalla on riittävät valmiudet yritystoimintaan, "
            "yrittäjyys on päätoimista, yritystoiminnalla on edellytykset jatkuvaan kannattavaan toimintaan ja "
            "starttiraha on tarpeen toimeentulon turvaamiseksi. Myöntämisen esteitä ei ole (päätöstaulukko "
            "startup_grant_eligibility).",
            "Starttiraha myönnetään 6 kuukaudeksi 1.2.2026–31.7.2026. Starttirahaa voidaan maksaa yhteensä enintään "
            "12 kuukautta.",
            "Maksatusta haetaan kuukausittain jälkikäteen 2 kuukauden kuluessa maksukauden päättymisestä."]}
    # the grant decision goes to the applicant on Wed 7.1.2026, with its reasons and how to ask for rectification
    (grant,) = sent(journey, "startup_grant_decision")
    assert (grant["date"], grant["recipient"], grant["element_id"]) == ("2026-01-07", "hakija", "grant_decision_sent")
    assert grant["payload"] == {"recipient": "hakija", **decision}
    assert_rectification_within_30_days(grant["payload"])
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_grant")
    assert appeal["data"]["inputs"] == {"Asiakirjan laji": "startup_grant_decision", "Päätöksen päivä": "2026-01-07"}
    (terms,) = journey.history("decision_evaluated", "determine_terms")
    assert terms["data"]["outputs"] == {"period_months": 6, "max_total_months": 12, "application_window_months": 2}

    # Each month's application opens when the month has ended: the first on Sun 1.3.2026 at 00:00.
    timers = journey.instance()["pending_timers"]
    assert {"element_id": "period_end_reached", "name": "Kuukausi päättyi",
            "due_at": "2026-03-01T00:00:00+02:00"} in timers
    assert journey.open_tasks() == ["apply_continuation"]
    assert journey.task("apply_continuation")["due_at"] == "2026-08-01T00:00:00+03:00"
    assert journey.task("apply_continuation")["due_date"] == "2026-07-31"

    payments = []
    for month, days, amount in MONTHLY[:4]:
        payments.append(pay_month(journey, month))
    # February's application window would have closed at the start of 1.5.2026 (2 months after 28.2.).
    (february,) = [h for h in journey.history("task_created", "apply_payment")][:1]
    assert february["at"] == "2026-03-01T00:00:00+02:00"

    # Mon 15.6.2026, before the period ends, the applicant asks for a continuation; granted 17.6.
    journey.on("2026-06-15T09:00:00+03:00")
    journey.do("apply_continuation", APPLICANT, CONTINUATION_APPLICATION)
    journey.on("2026-06-17T09:00:00+03:00")
    journey.do("assess_continuation", CASEWORKER, CONTINUATION_OK)
    (continuation,) = journey.set_by("record_continuation", "continuation_decision")
    assert continuation == {"outcome": "granted", "decision_date": "2026-06-17", "start": "2026-08-01",
                            "end": "2027-01-31", "months": 6, "reasons": [
                                "Starttirahan jatkamisen edellytykset täyttyvät: päätoiminen yritystoiminta jatkuu.",
                                "Starttirahaa jatketaan 6 kuukaudeksi 1.8.2026–31.1.2027. Starttirahaa on myönnetty "
                                "yhteensä 12 kuukautta; enintään sitä voidaan maksaa 12 kuukautta (päätöstaulukko "
                                "startup_grant_continuation)."]}
    (continued,) = sent(journey, "startup_grant_continuation_decision")
    assert (continued["date"], continued["recipient"], continued["element_id"]) == (
        "2026-06-17", "hakija", "continuation_decision_sent")
    assert without_appeal(continued["payload"]) == {"recipient": "hakija", **continuation}
    assert_rectification_within_30_days(continued["payload"])

    for month, days, amount in MONTHLY[4:]:
        payments.append(pay_month(journey, month))
        if month == "2026-07":  # the second period begins once the first one's last payment is decided
            assert "apply_continuation" in journey.open_tasks()

    assert [(p["start"][:7], p["days"], p["amount_eur"], p["status"]) for p in payments] == [
        (month, days, amount, "paid") for month, days, amount in MONTHLY]
    assert [p["decision_date"] for p in payments][:2] == ["2026-03-03", "2026-04-03"]
    assert round(sum(p["amount_eur"] for p in payments), 2) == 9674.60

    # Each month's payment is sent on the day it is decided: February's 744,20 € on Tue 3.3.2026.
    paid = sent(journey, "payment")
    assert [(o["date"], o["payload"]["start"], o["payload"]["end"], o["payload"]["days"], o["payload"]["amount_eur"])
            for o in paid] == [(f"{next_month(month)}-03", f"{month}-01", month_end(month), days, amount)
                               for month, days, amount in MONTHLY]
    assert paid[0]["date"] == "2026-03-03" and paid[0]["payload"]["amount_eur"] == 744.20
    assert paid[-1]["date"] == "2027-02-03" and paid[-1]["payload"]["end"] == "2027-01-31"
    assert {(o["recipient"], o["element_id"], o["payload"]["status"], o["payload"]["daily_amount_eur"])
            for o in paid} == {("hakija", "period_paid", "paid", 37.21)}
    assert [o["payload"]["period"] for o in paid] == list(range(1, 13))
    assert [without_appeal(o["payload"]) for o in paid] == [{"recipient": "hakija", **p} for p in payments]
    # each payment is a decision: its grounds, and how to ask for rectification
    assert paid[0]["payload"]["reasons"] == [
        "Starttirahan maksamisen edellytykset täyttyvät maksukaudella 1.2.2026–28.2.2026.",
        "Starttirahaa maksetaan viideltä päivältä viikossa: 20 arkipäivää × 37,21 € = 744,20 € (päätöstaulukko "
        "startup_grant_daily_amount)."]
    for payment in paid:
        assert_rectification_within_30_days(payment["payload"])
    # … and that is all the applicant was sent: two decisions and twelve payments, in the order sent, each with
    # its reasons and the same instructions for a rectification request
    assert [o["type"] for o in sent(journey)] == (["startup_grant_decision"] + ["payment"] * 4
                                                  + ["startup_grant_continuation_decision"] + ["payment"] * 8)
    assert all(o["payload"]["reasons"] and o["payload"]["appeal"] == grant["payload"]["appeal"] for o in sent(journey))

    # No second continuation was asked for. The grant period ended on Sun 31.1.2027, so the last day to ask
    # was Mon 1.2.2027 (Act 150/1930 5 §; before the legal review the timer fired at the start of 1.2.) …
    (period_end,) = [h for h in journey.history("timer_fired", "grant_period_ended")]
    assert period_end["at"] == "2027-02-02T00:00:00+02:00"
    # … and the process ended with January 2027's payment on Wed 3.2.2027.
    instance = journey.instance()
    assert instance["status"] == "completed"
    assert instance["ended_at"] == "2027-02-03T09:00:00+02:00"
    assert instance["variables"]["months_granted_total"] == 12
    assert [p["period"] for p in journey.set_by("record_payment", "payment_result")] == list(range(1, 13))
    assert journey.history()[-1]["type"] == "ended"


def test_refused_because_the_business_gives_a_reasonable_living_at_once(journey):
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "expected_monthly_income_eur": 4200})
    journey.on("2026-01-07T10:00:00+02:00")
    journey.do("assess_application", CASEWORKER, {**ALL_CONDITIONS_MET, "reasonable_living_at_once": True,
                                                  "grant_needed_for_livelihood": False})

    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-01-07T10:00:00+02:00"
    decision = instance["variables"]["decision"]
    assert decision["outcome"] == "refused" and decision["decision_date"] == "2026-01-07"
    assert "Yritystoiminta antaa heti kohtuullisen toimeentulon" in " ".join(decision["reasons"])
    assert len(decision["reasons"]) == 2  # and the grant is not needed for a livelihood
    (evaluated,) = journey.history("decision_evaluated", "decide_eligibility")
    assert evaluated["data"]["decision_id"] == "startup_grant_eligibility"
    assert evaluated["data"]["outputs"]["refusal_reasons"] == decision["reasons"]
    assert [h["element_id"] for h in journey.history("end_event")] == ["grant_refused"]
    assert journey.open_tasks() == [] and instance["pending_timers"] == []
    # the refusal, with its reasons, is what the applicant is sent — and nothing else
    (refusal,) = sent(journey)
    assert (refusal["type"], refusal["date"], refusal["recipient"], refusal["element_id"]) == (
        "startup_grant_decision", "2026-01-07", "hakija", "grant_refused")
    assert refusal["payload"] == {"recipient": "hakija", "outcome": "refused", "decision_date": "2026-01-07",
                                  "reasons": decision["reasons"], "appeal": decision["appeal"]}
    assert "Yritystoiminta antaa heti kohtuullisen toimeentulon" in " ".join(refusal["payload"]["reasons"])


def test_a_refused_application_tells_the_applicant_they_can_ask_the_authority_to_rectify_it_within_30_days(journey):
    """Refused on Wed 7.1.2026 because the business gives a reasonable living at once: the refusal names that ground
    and tells the applicant they can ask the employment authority that decided (the municipality or the employment
    area's responsible municipality) in writing to rectify it within 30 days of service — a letter counts as served
    on the 7th day, an electronic message on the 3rd — and appeal the answer to the administrative court."""
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "expected_monthly_income_eur": 4200})
    journey.on("2026-01-07T10:00:00+02:00")
    journey.do("assess_application", CASEWORKER, {**ALL_CONDITIONS_MET, "reasonable_living_at_once": True})

    (refusal,) = sent(journey, "startup_grant_decision")
    assert (refusal["date"], refusal["payload"]["outcome"]) == ("2026-01-07", "refused")
    assert refusal["payload"]["reasons"] == ["Yritystoiminta antaa heti kohtuullisen toimeentulon"]
    assert_rectification_within_30_days(refusal["payload"])
    instructions = refusal["payload"]["appeal"]["instructions"]
    assert "seitsemäntenä päivänä sen lähettämisestä" in instructions
    assert "sähköisesti lähetetyn kolmantena päivänä" in instructions
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_refusal")
    assert appeal["data"]["inputs"] == {"Asiakirjan laji": "startup_grant_decision", "Päätöksen päivä": "2026-01-07"}
    assert "49 c §" in appeal["data"]["matched_rules"][0]["annotation"]


def test_a_missed_payment_application_lapses_two_months_after_the_period_ended_or_the_next_working_day(journey):
    """March ended 31.3.2026; 2 months later is Sun 31.5.2026, so the last day to apply is Mon 1.6.2026 (Act
    150/1930 5 §; before the legal review March lapsed at the start of 1.6.)."""
    apply_and_get_granted(journey)
    pay_month(journey, "2026-02")
    # March is never applied for.
    journey.on("2026-06-01T23:59:59+03:00")
    march = [t for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)
             if t["element_id"] == "apply_payment" and t["due_at"] == "2026-06-02T00:00:00+03:00"]
    assert len(march) == 1, "March's application can still be made on Mon 1.6.2026"
    assert march[0]["due_date"] == "2026-06-01"
    assert journey.history("timer_fired", "application_window_closed") == []
    assert sent(journey, "payment_lapsed") == []

    journey.on("2026-06-02T00:00:00+03:00")
    (lapse,) = journey.history("timer_fired", "application_window_closed")
    assert lapse["at"] == "2026-06-02T00:00:00+03:00"
    (result,) = journey.set_by("record_lapse", "payment_result")
    assert result == {"period": 2, "start": "2026-03-01", "end": "2026-03-31", "status": "lapsed",
                      "amount_eur": 0, "lapsed_on": "2026-06-02", "reasons": [
                          "Maksukauden 1.3.2026–31.3.2026 starttirahaa ei haettu hakuajassa: hakuaika päättyi "
                          "1.6.2026, ja oikeus kauden starttirahaan raukesi."]}
    # the applicant is told that March lapsed, on 2.6.2026; February was the only payment
    (lapsed,) = sent(journey, "payment_lapsed")
    assert (lapsed["date"], lapsed["at"], lapsed["recipient"], lapsed["element_id"]) == (
        "2026-06-02", "2026-06-02T00:00:00+03:00", "hakija", "period_lapsed")
    assert without_appeal(lapsed["payload"]) == {"recipient": "hakija", **result}
    # the notice is not a decision: nothing to appeal, and a later application would get a decision that can be
    appeal = lapsed["payload"]["appeal"]
    assert (appeal["remedy"], appeal["time_limit_days"]) == ("ei erillistä muutoksenhakua", None)
    assert "Ilmoitus ei ole päätös" in appeal["instructions"]
    assert [(o["date"], o["payload"]["start"]) for o in sent(journey, "payment")] == [("2026-03-03", "2026-02-01")]
    assert [h["at"] for h in journey.history("end_event", "period_lapsed")] == []  # inner end events are steps
    assert any(h["element_id"] == "period_lapsed" for h in journey.history("step_completed"))
    cancelled = journey.history("task_cancelled", "apply_payment")
    assert len(cancelled) == 1 and cancelled[0]["at"] == "2026-06-02T00:00:00+03:00"
    assert march[0]["id"] not in [t["id"] for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)]
    # April and May are unaffected: their applications stay open until the start of 1.7. and 1.8.2026.
    later = [t for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id) if t["element_id"] == "apply_payment"]
    assert sorted(t["due_at"] for t in later) == ["2026-07-01T00:00:00+03:00", "2026-08-01T00:00:00+03:00"]


def test_a_continuation_past_twelve_months_is_refused(journey):
    apply_and_get_granted(journey)
    for month, _, _ in MONTHLY[:4]:
        pay_month(journey, month)
    ask_for_continuation(journey, "2026-06-15T09:00:00+03:00")
    for month, _, _ in MONTHLY[4:6]:
        pay_month(journey, month)
    # the running grant keeps its own count (it is the case's variable once the grant has ended)
    assert journey.set_by("start_next_period", "months_granted_total") == [12]

    for month, _, _ in MONTHLY[6:10]:
        pay_month(journey, month)
    # Tue 15.12.2026 the applicant asks for a third period; 12 months have been granted already.
    ask_for_continuation(journey, "2026-12-15T09:00:00+02:00")
    (evaluated,) = [h for h in journey.history("decision_evaluated", "decide_continuation")][1:]
    assert evaluated["data"]["outputs"]["continuation_allowed"] is False
    (refusal,) = journey.set_by("record_continuation_refusal", "continuation_decision")
    assert refusal["outcome"] == "refused" and refusal["decision_date"] == "2026-12-15"
    assert refusal["reasons"] == ["Starttirahaa voidaan maksaa yhteensä enintään 12 kuukautta"]

    for month, _, _ in MONTHLY[10:]:
        pay_month(journey, month)
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2027-02-03T09:00:00+02:00"
    assert [p["status"] for p in journey.set_by("record_payment", "payment_result")] == ["paid"] * 12
    decisions = journey.set_by("record_continuation", "continuation_decision") + journey.set_by(
        "record_continuation_refusal", "continuation_decision")
    assert [d["outcome"] for d in decisions] == ["granted", "refused"]
    # inside the grant the refusal ended the continuations and the last month its payments; then the grant
    # ended, and so did the watch for a notice that its conditions ceased
    inner_ends = [h["element_id"] for h in journey.history("step_completed")
                  if h["element_id"] in ("continuation_refused", "period_payments_done")]
    assert inner_ends[-2:] == ["continuation_refused", "period_payments_done"]
    assert [h["element_id"] for h in journey.history("end_event")] == ["grant_completed", "watch_ended"]
    # both continuation decisions went to the applicant, the refusal with its reason
    continuations = sent(journey, "startup_grant_continuation_decision")
    assert [(o["date"], o["element_id"], o["payload"]["outcome"]) for o in continuations] == [
        ("2026-06-15", "continuation_decision_sent", "granted"), ("2026-12-15", "continuation_refused", "refused")]
    assert without_appeal(continuations[1]["payload"]) == {"recipient": "hakija", **refusal}
    assert_rectification_within_30_days(continuations[1]["payload"])
    assert len(sent(journey, "payment")) == 12


def test_a_late_month_does_not_hold_up_the_next_month_of_a_continued_grant(journey):
    """July is applied for late but within its window; August (second period) opens when August ends."""
    apply_and_get_granted(journey)
    for month, _, _ in MONTHLY[:4]:
        pay_month(journey, month)
    ask_for_continuation(journey, "2026-06-15T09:00:00+03:00")
    pay_month(journey, "2026-06")
    journey.on("2026-09-02T09:00:00+03:00")
    open_applications = sorted(t["due_at"] for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)
                               if t["element_id"] == "apply_payment")
    # July (ended 31.7.) closes at the end of 30.9.; August (ended 31.8.) 2 months later is Sat 31.10.2026, All
    # Saints' Day, so at the end of Mon 2.11. (Act 150/1930 5 §; before the legal review at the end of 31.10.)
    assert open_applications == ["2026-10-01T00:00:00+03:00", "2026-11-03T00:00:00+02:00"]
    august = [h for h in journey.history("task_created", "apply_payment")][-1]
    assert august["at"] == "2026-09-01T00:00:00+03:00"


def test_a_month_long_window_ends_on_the_same_day_number_or_the_last_day_of_the_month(journey):
    """Time-limits act 150/1930 §2: 2 months from 28.2. is Tue 28.4.; from 31.7. is Wed 30.9.; from 30.6. is
    Sun 30.8.2026, which §5 moves to Mon 31.8. (before the legal review the window closed at the end of 30.8.)."""
    apply_and_get_granted(journey)
    lapse = {p["end"]: p["lapse_at"] for p in journey.instance()["variables"]["payment_periods"]}
    assert lapse["2026-02-28"] == "2026-04-29T00:00:00+03:00"
    assert lapse["2026-06-30"] == "2026-09-01T00:00:00+03:00"
    assert lapse["2026-07-31"] == "2026-10-01T00:00:00+03:00"


def test_refused_when_the_business_started_before_the_application(journey):
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "business_start_date": "2025-12-01"})
    journey.do("assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    decision = journey.instance()["variables"]["decision"]
    assert decision["outcome"] == "refused"
    assert decision["reasons"] == ["Yritystoiminta on aloitettu ennen starttirahahakemuksen jättämistä"]


def test_a_rejected_month_is_sent_as_a_refusal_not_as_a_payment(journey):
    """February's check finds the conditions unmet: the applicant gets a rejection; March is paid as usual."""
    apply_and_get_granted(journey)
    journey.on("2026-03-03T09:00:00+02:00")
    journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
    journey.do("check_payment", CASEWORKER, {"payment_conditions_met": False, "check_notes": "Ei päätoiminen"})
    (rejected,) = journey.set_by("record_payment", "payment_result")
    assert (rejected["status"], rejected["amount_eur"]) == ("rejected", 0)
    (refusal,) = sent(journey, "payment_refused")
    assert (refusal["date"], refusal["recipient"], refusal["element_id"]) == (
        "2026-03-03", "hakija", "period_payment_refused")
    assert without_appeal(refusal["payload"]) == {"recipient": "hakija", **rejected}
    assert sent(journey, "payment") == []
    # the rejection says why and that the applicant can ask the employment authority to rectify it within 30 days
    assert refusal["payload"]["reasons"] == [
        "Starttirahan maksamisen edellytykset eivät täyty maksukaudella 1.2.2026–28.2.2026 (maksatuksen tarkistus)."]
    assert_rectification_within_30_days(refusal["payload"])
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_payment_refusal")
    assert appeal["data"]["inputs"] == {"Asiakirjan laji": "startup_grant_payment_decision",
                                        "Päätöksen päivä": "2026-03-03"}

    pay_month(journey, "2026-03")
    assert [(o["date"], o["payload"]["start"], o["payload"]["amount_eur"]) for o in sent(journey, "payment")] == [
        ("2026-04-03", "2026-03-01", 818.62)]
    assert len(sent(journey, "payment_refused")) == 1


def test_a_business_started_at_its_own_risk_before_the_decision_is_granted_from_its_start(journey):
    """Applied Mon 5.1.2026; the business starts Mon 2.2.2026 at the applicant's own risk, before the caseworker
    decides on Fri 20.2.2026: the grant runs from the start of full-time entrepreneurship, 2.2.–1.8.2026 (before
    the legal review it ran from the decision, 20.2.–19.8.2026, and the first weeks were lost)."""
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "business_start_date": "2026-02-02"})
    journey.on("2026-02-20T10:00:00+02:00")
    journey.do("assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    decision = journey.instance()["variables"]["decision"]
    assert {k: decision[k] for k in ("outcome", "decision_date", "start", "end", "months")} == {
        "outcome": "granted", "decision_date": "2026-02-20", "start": "2026-02-02", "end": "2026-08-01", "months": 6}
    assert ("Päätoiminen yritystoiminta alkoi omalla riskillä 2.2.2026 ennen päätöstä: starttiraha myönnetään "
            "yritystoiminnan alkamisesta.") in decision["reasons"]
    (grant,) = sent(journey, "startup_grant_decision")
    assert grant["date"] == "2026-02-20" and grant["payload"]["start"] == "2026-02-02"
    periods = journey.instance()["variables"]["payment_periods"]
    assert [(p["start"], p["end"]) for p in periods][:2] == [("2026-02-02", "2026-03-01"), ("2026-03-02", "2026-04-01")]
    # the first month ends Sun 1.3.; 2 months later is Fri 1.5.2026, May Day, so the last day is Mon 4.5.
    assert periods[0]["lapse_at"] == "2026-05-05T00:00:00+03:00"
    # the period ends Sat 1.8.2026: a continuation can be asked for until Mon 3.8.
    assert journey.task("apply_continuation")["due_date"] == "2026-08-03"
    paid = pay_month(journey, "2026-02")
    assert (paid["start"], paid["end"], paid["days"], paid["amount_eur"]) == ("2026-02-02", "2026-03-01", 20, 744.20)


def test_months_that_ended_before_a_late_decision_can_be_applied_for_within_two_months_of_it(journey):
    """The business starts 2.2.2026 and the decision comes only on Wed 15.4.2026. The grant still runs from 2.2.;
    February and March (ended 1.3. and 1.4.) could not be applied for before the decision, so their windows count
    from it: until Mon 15.6.2026. April (ends 1.5.) has its own: 2 months after is Wed 1.7.2026."""
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "business_start_date": "2026-02-02"})
    journey.on("2026-04-15T10:00:00+03:00")
    journey.do("assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    assert journey.instance()["variables"]["decision"]["start"] == "2026-02-02"
    periods = journey.instance()["variables"]["payment_periods"]
    assert [p["lapse_at"] for p in periods][:3] == [
        "2026-06-16T00:00:00+03:00", "2026-06-16T00:00:00+03:00", "2026-07-02T00:00:00+03:00"]
    # both months that had ended are open for application at once
    assert sorted(t["due_date"] for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)
                  if t["element_id"] == "apply_payment") == ["2026-06-15", "2026-06-15"]
