"""Pay subsidy (palkkatuki) and the 55+ employment subsidy: an employer's journeys with frozen time.

Legal values (statutory-rules.md §2, in dmn/pay_subsidy_*.dmn, Act 380/2023 from 1.1.2025):
basic 50 % of pay costs, at most 1 260 €/month, 5 months (10 after 12 months of unemployment); reduced work
ability 70 %, 1 770 €/month, 24 months; an association's non-business work 100 % up to 65 % working time,
2 020 €/month, 12 months; 55+ employment subsidy 70 %, 1 770 €/month, 10 months. Never longer than the
employment. Paid in arrears per 1–3-month period; an application later than 2 months after the period ends
is refused (the last day is the same day number 2 months later, or that month's last day).

Every journey starts on Mon 5.1.2026 09:00 (tests/conftest.py); the caseworker decides on Wed 7.1.2026.
"""
from __future__ import annotations

import pytest

from tests.journeys.journey import Journey
from tests.pages import every
from tests.identities import SYSTEM, person

EMPLOYER, CASEWORKER = "1234567-8", "anna.asiantuntija"

APPLICATION = {
    "business_id": EMPLOYER,
    "employer_name": "Rakennus Kaakko Oy",
    "employer_type": "business",
    "employee_name": "Matti Meikäläinen",
    "category": "basic",
    "employment_start": "2026-02-01",
    "employment_end": "2026-12-31",
    "weekly_hours": 37.5,
    "working_time_percent": 100,
    "monthly_pay_eur": 2500,
    "pay_type": "fixed",
    "zero_hour_contract": False,
    "duties": "Rakennusapulainen",
}
PERSON_OK = {"registered_unemployed": True, "unemployed_months_of_last_28": 8, "age": 34,
             "reduced_work_ability": False}
EMPLOYER_OK = {"non_business_work": False, "distorts_competition": False,
               "neglected_wages_taxes_or_contributions": False, "undertaking_in_difficulty": False,
               "unpaid_recovery_order": False}
PAYMENT_OK = {"payment_conditions_met": True}
OPEN_ENDED = None  # leaves the optional employment_end out of the form: an open-ended employment


@pytest.fixture
def journey(service):
    return Journey(service, "pay_subsidy", EMPLOYER)


def decide(journey: Journey, application: dict | None = None, person: dict | None = None,
           employer: dict | None = None) -> dict:
    """Mon 5.1.2026 the employer applies; Wed 7.1.2026 the caseworker checks the person and the employer."""
    journey.start(user=EMPLOYER)
    assert journey.task("submit_application")["candidate_group"] == "tyonantaja"
    data = {**APPLICATION, **(application or {})}
    journey.do("submit_application", EMPLOYER, {k: v for k, v in data.items() if v is not None})
    journey.on("2026-01-07T10:00:00+02:00")
    assert journey.task("check_person")["candidate_group"] == "asiantuntija"
    journey.do("check_person", CASEWORKER, {**PERSON_OK, **(person or {})})
    journey.do("check_employer", CASEWORKER, {**EMPLOYER_OK, **(employer or {})})
    (sent,) = every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="pay_subsidy_decision")
    return sent


def apply(journey: Journey, on: str, start: str, end: str, pay_costs: float, working_time: float = 100,
          check: dict | None = PAYMENT_OK) -> list[dict]:
    """On ``on`` (09:00) the employer applies for start–end; the caseworker checks it the same day.
    Returns what the application sent the employer (payment or payment_refused)."""
    before = {o["id"] for o in every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER)}
    journey.on(f"{on}T09:00:00")  # a time without an offset is Finnish time
    journey.do("apply_payment", EMPLOYER, {"period_start": start, "period_end": end, "pay_costs_eur": pay_costs,
                                           "working_time_percent": working_time})
    if check is not None and "check_payment" in journey.open_tasks():
        journey.do("check_payment", CASEWORKER, check)
    return [o for o in every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER) if o["id"] not in before]


def payments(journey: Journey) -> list[tuple]:
    return [(o["date"], o["payload"]["period_start"], o["payload"]["period_end"], o["payload"]["amount_eur"])
            for o in every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="payment")]


def test_basic_subsidy_50_percent_with_the_monthly_cap_applied(journey):
    """8 months unemployed: 5 months, 1.2.–30.6.2026, at 50 %, at most 1 260 €/month."""
    decision = decide(journey)
    assert decision["recipient"] == EMPLOYER and decision["date"] == "2026-01-07"
    assert decision["payload"] == {
        "recipient": EMPLOYER, "outcome": "granted", "decision_date": "2026-01-07", "category": "basic",
        "percent": 50, "monthly_cap_eur": 1260, "max_months": 5, "start": "2026-02-01", "end": "2026-06-30",
        "employee_name": "Matti Meikäläinen"}
    (terms,) = journey.history("decision_evaluated", "determine_terms")
    assert terms["data"]["outputs"] == {"percent": 50, "monthly_cap_eur": 1260, "max_months": 5}
    assert "380/2023" in terms["data"]["matched_rules"][0]["annotation"]
    # February can be applied for once it has ended: Sun 1.3.2026 00:00.
    assert {"element_id": "payment_application_opens", "name": "Maksatushaku avautuu",
            "due_at": "2026-03-01T00:00:00+02:00"} in journey.instance()["pending_timers"]

    # Tue 3.3.: February, pay costs 3 000 € → 50 % is 1 500 €, capped at 1 260 €.
    (february,) = apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 3000)
    assert february["type"] == "payment" and february["date"] == "2026-03-03"
    assert february["payload"] == {"recipient": EMPLOYER, "period_start": "2026-02-01", "period_end": "2026-02-28",
                                   "pay_costs_eur": 3000, "percent": 50, "cap_eur": 1260.0, "amount_eur": 1260.0,
                                   "decision_date": "2026-03-03"}
    # Thu 2.4.: March, 2 400 € → 1 200 €, under the cap.
    (march,) = apply(journey, "2026-04-02", "2026-03-01", "2026-03-31", 2400)
    assert march["payload"]["amount_eur"] == 1200.0 and march["payload"]["cap_eur"] == 1260.0
    # Thu 2.7.: April–June in one 3-month application, 9 000 € → 4 500 €, capped at 3 × 1 260 = 3 780 €.
    (quarter,) = apply(journey, "2026-07-02", "2026-04-01", "2026-06-30", 9000)
    assert quarter["payload"]["cap_eur"] == 3780.0 and quarter["payload"]["amount_eur"] == 3780.0

    assert payments(journey) == [("2026-03-03", "2026-02-01", "2026-02-28", 1260.0),
                                 ("2026-04-02", "2026-03-01", "2026-03-31", 1200.0),
                                 ("2026-07-02", "2026-04-01", "2026-06-30", 3780.0)]
    # The subsidised period is covered: the process ends with the last period's payment decision.
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-07-02T09:00:00+03:00"
    assert sorted(h["element_id"] for h in journey.history("end_event")) == [
        "all_periods_applied", "payment_sent", "payment_sent", "payment_sent"]


def test_basic_subsidy_10_months_after_long_unemployment_but_never_longer_than_the_employment(journey):
    """14 months unemployed gives 10 months, but the employment is 1.2.–15.5.2026: the subsidy ends 15.5.,
    and the half month's cap is its calendar-day share: 1 260 € × 15/31 = 609,68 €."""
    decision = decide(journey, {"employment_end": "2026-05-15"}, {"unemployed_months_of_last_28": 14})
    assert decision["payload"]["max_months"] == 10
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-05-15")

    (quarter,) = apply(journey, "2026-05-04", "2026-02-01", "2026-04-30", 7500)
    assert quarter["payload"]["amount_eur"] == 3750.0 and quarter["payload"]["cap_eur"] == 3780.0
    (last,) = apply(journey, "2026-05-20", "2026-05-01", "2026-05-15", 1500)
    assert last["payload"]["cap_eur"] == 609.68 and last["payload"]["amount_eur"] == 609.68
    assert journey.instance()["status"] == "completed"


def test_reduced_work_ability_70_percent_over_24_months_applied_quarterly(journey):
    """Open-ended employment from 1.2.2026 (no end date): 24 months, 1.2.2026–31.1.2028."""
    decision = decide(journey, {"category": "reduced_work_ability", "employment_end": OPEN_ENDED},
                      {"reduced_work_ability": True})
    assert (decision["payload"]["percent"], decision["payload"]["monthly_cap_eur"],
            decision["payload"]["max_months"]) == (70, 1770, 24)
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2028-01-31")

    # Each quarter applied for on the 5th of the month after it ends; 2 500 €/month of pay costs gives
    # 70 % = 5 250 € a quarter (cap 3 × 1 770 = 5 310 €); the summer quarter with a bonus (9 000 €) is capped.
    quarters = [("2026-02-01", "2026-04-30", "2026-05-05", 7500, 5250.0),
                ("2026-05-01", "2026-07-31", "2026-08-05", 9000, 5310.0),
                ("2026-08-01", "2026-10-31", "2026-11-05", 7500, 5250.0),
                ("2026-11-01", "2027-01-31", "2027-02-05", 7500, 5250.0),
                ("2027-02-01", "2027-04-30", "2027-05-05", 7500, 5250.0),
                ("2027-05-01", "2027-07-31", "2027-08-05", 9000, 5310.0),
                ("2027-08-01", "2027-10-31", "2027-11-05", 7500, 5250.0),
                ("2027-11-01", "2028-01-31", "2028-02-05", 7500, 5250.0)]
    for start, end, on, costs, amount in quarters:
        (sent,) = apply(journey, on, start, end, costs)
        assert sent["type"] == "payment" and sent["date"] == on
        assert sent["payload"]["amount_eur"] == amount and sent["payload"]["percent"] == 70
    assert payments(journey) == [(on, start, end, amount) for start, end, on, _, amount in quarters]
    assert round(sum(p[3] for p in payments(journey)), 2) == 42120.0
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2028-02-05T09:00:00+02:00"


def test_senior_55_employment_subsidy_10_months_at_70_percent(journey):
    """Age 58, unemployed 26 of the last 28 months, 30 h/week from 1.3.2026: 1.3.–31.12.2026 at 70 %."""
    decision = decide(journey, {"category": "senior_55", "employment_start": "2026-03-01",
                                "employment_end": "2027-06-30", "weekly_hours": 30, "working_time_percent": 80},
                      {"unemployed_months_of_last_28": 26, "age": 58})
    assert decision["payload"]["outcome"] == "granted"
    assert (decision["payload"]["percent"], decision["payload"]["monthly_cap_eur"],
            decision["payload"]["max_months"]) == (70, 1770, 10)
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-03-01", "2026-12-31")

    # 2 400 €/month → 70 % is 1 680 €/month, under the 1 770 € cap.
    apply(journey, "2026-06-02", "2026-03-01", "2026-05-31", 7200)
    apply(journey, "2026-09-02", "2026-06-01", "2026-08-31", 7200)
    apply(journey, "2026-12-02", "2026-09-01", "2026-11-30", 7200)
    apply(journey, "2027-01-05", "2026-12-01", "2026-12-31", 2400)
    assert payments(journey) == [("2026-06-02", "2026-03-01", "2026-05-31", 5040.0),
                                 ("2026-09-02", "2026-06-01", "2026-08-31", 5040.0),
                                 ("2026-12-02", "2026-09-01", "2026-11-30", 5040.0),
                                 ("2027-01-05", "2026-12-01", "2026-12-31", 1680.0)]
    assert journey.instance()["status"] == "completed"


def test_senior_55_refused_under_55_or_under_25_hours(journey):
    decision = decide(journey, {"category": "senior_55", "weekly_hours": 20},
                      {"unemployed_months_of_last_28": 26, "age": 54})
    assert decision["payload"]["outcome"] == "refused"
    assert decision["payload"]["reasons"] == [
        "55 vuotta täyttäneiden työllistämistuki edellyttää, että palkattava on täyttänyt 55 vuotta",
        "55 vuotta täyttäneiden työllistämistuessa työaika on vähintään 25 tuntia viikossa"]


def test_association_100_percent_with_65_percent_working_time(journey):
    """A registered association's non-business work, 65 % working time, unemployed 25 of 28 months:
    100 % of pay costs, at most 2 020 €/month, 12 months 1.2.2026–31.1.2027."""
    decision = decide(journey, {"category": "association_100", "employer_type": "association",
                                "employer_name": "Kotkan Kierrätysyhdistys ry", "employment_end": "2027-01-31",
                                "weekly_hours": 24.4, "working_time_percent": 65},
                      {"unemployed_months_of_last_28": 25}, {"non_business_work": True})
    assert (decision["payload"]["percent"], decision["payload"]["monthly_cap_eur"],
            decision["payload"]["max_months"]) == (100, 2020, 12)
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2027-01-31")

    # 1 900 €/month is paid in full; a quarter of 6 900 € exceeds 3 × 2 020 = 6 060 € and is capped.
    apply(journey, "2026-05-04", "2026-02-01", "2026-04-30", 5700, working_time=65)
    apply(journey, "2026-08-03", "2026-05-01", "2026-07-31", 6900, working_time=65)
    apply(journey, "2026-11-02", "2026-08-01", "2026-10-31", 5700, working_time=65)
    apply(journey, "2027-02-02", "2026-11-01", "2027-01-31", 5700, working_time=65)
    assert payments(journey) == [("2026-05-04", "2026-02-01", "2026-04-30", 5700.0),
                                 ("2026-08-03", "2026-05-01", "2026-07-31", 6060.0),
                                 ("2026-11-02", "2026-08-01", "2026-10-31", 5700.0),
                                 ("2027-02-02", "2026-11-01", "2027-01-31", 5700.0)]
    # never more than the pay costs: 100 %
    assert all(o["payload"]["amount_eur"] <= o["payload"]["pay_costs_eur"]
               for o in every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="payment"))
    assert journey.instance()["status"] == "completed"


def test_association_100_percent_needs_at_most_65_percent_working_time_in_each_period(journey):
    decide(journey, {"category": "association_100", "employer_type": "association", "working_time_percent": 65},
           {"unemployed_months_of_last_28": 25}, {"non_business_work": True})
    (refused,) = apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 2000, working_time=80)
    assert refused["type"] == "payment_refused" and refused["date"] == "2026-03-03"
    assert refused["payload"]["kind"] == "refused"
    assert refused["payload"]["reasons"] == [
        "100 %:n palkkatuessa työaika saa olla enintään 65 % alan kokoaikaisesta työajasta"]


def test_refused_because_the_employment_started_before_the_application(journey):
    """Applied Mon 5.1.2026 for an employment that began 15.12.2025: no retroactive subsidy."""
    decision = decide(journey, {"employment_start": "2025-12-15"})
    assert decision["date"] == "2026-01-07"
    assert decision["payload"] == {
        "recipient": EMPLOYER, "outcome": "refused", "decision_date": "2026-01-07",
        "reasons": ["Työsuhde on alkanut ennen hakemusta eikä jakso jatku välittömästi aiemman "
                    "palkkatukijakson jälkeen"]}
    (evaluated,) = journey.history("decision_evaluated", "decide_eligibility")
    assert evaluated["data"]["decision_id"] == "pay_subsidy_eligibility"
    assert evaluated["data"]["inputs"]["Työsuhde alkanut ennen hakemusta"] is True
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-01-07T10:00:00+02:00"
    assert [h["element_id"] for h in journey.history("end_event")] == ["refusal_sent"]
    assert every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="payment") == []


def test_a_directly_consecutive_period_may_follow_an_employment_that_already_started(journey):
    """The employment began 1.8.2025 with an earlier subsidy ending 31.1.2026; the new period starts 1.2.2026."""
    decision = decide(journey, {"employment_start": "2025-08-01", "previous_subsidy_end": "2026-01-31"})
    assert decision["payload"]["outcome"] == "granted"
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-06-30")


def test_refusal_grounds_of_the_employer_and_the_pay(journey):
    decision = decide(journey, {"pay_type": "commission_only", "zero_hour_contract": True},
                      employer={"undertaking_in_difficulty": True, "unpaid_recovery_order": True})
    assert decision["payload"]["reasons"] == [
        "Palkka maksetaan pelkkänä provisiona", "Työsopimus on nollatuntisopimus",
        "Työnantaja on vaikeuksissa oleva yritys", "Työnantajalla on maksamaton takaisinperintämääräys"]


@pytest.mark.parametrize("applied_on, outcome", [("2026-05-31", "payment"), ("2026-06-01", "payment_refused")])
def test_a_late_payment_application_is_refused_from_the_day_after_the_last_day(journey, applied_on, outcome):
    """March ends 31.3.2026; 2 months later is 31.5.2026, the last day to apply. On Mon 1.6. it is late."""
    decide(journey)
    apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 2400)
    (sent,) = apply(journey, applied_on, "2026-03-01", "2026-03-31", 2400)
    assert (sent["type"], sent["date"]) == (outcome, applied_on)
    if outcome == "payment":
        assert sent["payload"]["amount_eur"] == 1200.0
    else:
        assert sent["payload"] == {
            "recipient": EMPLOYER, "kind": "late", "period_start": "2026-03-01", "period_end": "2026-03-31",
            "last_application_day": "2026-05-31", "decision_date": "2026-06-01",
            "reasons": ["Maksatushakemus on tehty myöhemmin kuin kaksi kuukautta maksukauden päättymisestä"]}
        # refused automatically: no caseworker task for the late period
        assert journey.history("task_created", "check_payment")[1:] == []
    # either way the next period starts 1.4.; April–June is applied for on 2.7. and the process ends.
    apply(journey, "2026-07-02", "2026-04-01", "2026-06-30", 7200)
    assert payments(journey)[-1] == ("2026-07-02", "2026-04-01", "2026-06-30", 3600.0)
    assert journey.instance()["status"] == "completed"


def test_an_application_window_that_passes_without_an_application_lapses(journey):
    """No application at all. 1.2.–30.4. could be applied for until 30.6. (3 months, ended 30.4., + 2 months):
    the window closes at the start of 1.7.2026; then 1.5.–30.6. could be applied for until 30.8. (the same
    day number, time-limits act 150/1930) and lapses at the start of 31.8.2026."""
    decide(journey)
    task = journey.task("apply_payment") if "apply_payment" in journey.open_tasks() else None
    assert task is None  # nothing to apply for before February has ended
    journey.on("2026-03-01T00:00:00+02:00")
    assert journey.task("apply_payment")["due_date"] == "2026-06-30"
    journey.on("2026-06-30T23:59:59+03:00")
    assert journey.history("timer_fired", "application_window_closed") == []
    journey.on("2026-07-01T00:00:00+03:00")
    (closed,) = journey.history("timer_fired", "application_window_closed")
    assert closed["at"] == "2026-07-01T00:00:00+03:00"
    assert journey.set_by("record_lapse", "payment_result") == [
        {"status": "lapsed", "period_start": "2026-02-01", "period_end": "2026-04-30", "amount_eur": 0,
         "date": "2026-07-01"}]
    # the next period (1.5.–30.6.) is open at once, until the end of 30.8.
    assert journey.task("apply_payment")["due_date"] == "2026-08-30"
    journey.on("2026-08-31T00:00:00+03:00")
    lapses = journey.set_by("record_lapse", "payment_result")
    assert [(r["period_start"], r["period_end"], r["date"]) for r in lapses] == [
        ("2026-02-01", "2026-04-30", "2026-07-01"), ("2026-05-01", "2026-06-30", "2026-08-31")]
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-08-31T00:00:00+03:00"
    assert every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="payment") == []


def test_a_period_that_does_not_follow_the_last_one_is_returned_for_correction(journey):
    """Tue 3.3.2026 the employer asks for 15.2.–31.5.: it does not start 1.2., it runs past 3 months from 1.2.
    and it has not ended. The application comes back with the reasons; nothing of 1.2.– is lost."""
    decide(journey)
    (returned,) = apply(journey, "2026-03-03", "2026-02-15", "2026-05-31", 2400)
    assert returned["type"] == "payment_refused" and returned["date"] == "2026-03-03"
    assert returned["payload"]["kind"] == "invalid" and returned["payload"]["expected_period_start"] == "2026-02-01"
    assert returned["payload"]["reasons"] == [
        "Maksukausi ei ala edellisen haetun kauden jälkeisestä päivästä",
        "Maksukausi on pidempi kuin kolme kuukautta tai jatkuu tukijakson päättymisen jälkeen",
        "Maksatusta haetaan jälkikäteen: maksukausi ei ole vielä päättynyt"]
    # the same period can be applied for again at once, with the same deadline (end of 30.6.2026)
    assert journey.open_tasks() == ["apply_payment"]
    assert journey.task("apply_payment")["due_date"] == "2026-06-30"
    (paid,) = apply(journey, "2026-03-04", "2026-02-01", "2026-02-28", 2400)
    assert paid["type"] == "payment" and paid["payload"]["amount_eur"] == 1200.0


def test_an_unchecked_period_does_not_hold_up_the_next_and_the_caseworker_may_refuse_one(journey):
    """February is applied for on 3.3. but not checked before March is applied for on 2.4.: both wait for the
    caseworker at once. On 6.4. February is refused (pay not paid as decided) and March is paid."""
    decide(journey)
    assert apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 2400, check=None) == []
    assert apply(journey, "2026-04-02", "2026-03-01", "2026-03-31", 2400, check=None) == []
    checks = [t for t in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id)
              if t["element_id"] == "check_payment"]
    assert len(checks) == 2
    # meanwhile April's application already waits for April to end
    assert {"element_id": "payment_application_opens", "name": "Maksatushaku avautuu",
            "due_at": "2026-05-01T00:00:00+03:00"} in journey.instance()["pending_timers"]
    journey.on("2026-04-06T09:00:00")
    # each check shows the caseworker its own application's period
    february, march = sorted((journey.service.get_task(SYSTEM, t["id"]) for t in checks),
                             key=lambda t: t["data"]["period_start"])
    assert (february["data"]["period_end"], march["data"]["period_end"]) == ("2026-02-28", "2026-03-31")
    for task, data in ((february, {"payment_conditions_met": False, "check_notes": "Palkka maksamatta"}),
                       (march, PAYMENT_OK)):
        caseworker = person(CASEWORKER)
        journey.service.claim_task(caseworker, task["id"])
        journey.service.complete_task(caseworker, task["id"], data)
    (refused,) = every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type="payment_refused")
    assert refused["date"] == "2026-04-06" and refused["payload"] == {
        "recipient": EMPLOYER, "kind": "refused", "period_start": "2026-02-01", "period_end": "2026-02-28",
        "reasons": ["Maksamisen edellytykset eivät täyty maksukaudella"], "decision_date": "2026-04-06"}
    assert payments(journey) == [("2026-04-06", "2026-03-01", "2026-03-31", 1200.0)]
