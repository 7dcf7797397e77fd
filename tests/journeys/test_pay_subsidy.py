"""Pay subsidy (palkkatuki) and the 55+ employment subsidy: an employer's journeys with frozen time.

Legal values (statutory-rules.md §2, revised 30.11.2026; dmn/pay_subsidy_*.dmn, Act 380/2023 from 1.1.2025):
basic 50 % of pay costs, at most 1 260 €/month, 5 months (10 after 12 months of unemployment); reduced work
ability 70 %, 1 770 €/month, 24 months; an association's non-business work 100 % up to 65 % working time,
2 020 €/month, 12 months; 55+ employment subsidy 70 %, 1 770 €/month, 10 months, at least 25 h/week or 65 % of
the sector's regular hours where those are under 37,5 h/week. Never longer than the employment, which may not
start before the decision. Since 1.7.2023 only for the target groups (15–24, 50+, no upper-secondary
qualification, immigrant, 6 months without regular paid work, reduced work ability; an apprenticeship for
anyone). Before any refusal the employer is asked for more information (14 days). Paid in arrears: the pay
periods ending in one calendar month form one payment period, several may go in one application, and every
application has one deadline — 3 months after the end of the calendar month in which the subsidy period's
last pay period ends, moved to the next working day (Act 150/1930 5 §). Every decision sent to the employer
carries its reasons and the instructions for a rectification request (oikaisuvaatimus) to the employment authority
within 30 days of service (dmn/appeal_instructions.dmn; hallintolaki 434/2003 49 b–49 d §); a return for
correction is not a decision and says so.

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
# 8 months without regular paid work: in the target groups since 1.7.2023
PERSON_OK = {"registered_unemployed": True, "unemployed_months_of_last_28": 8, "age": 34,
             "reduced_work_ability": False, "upper_secondary_qualification": True, "immigrant": False,
             "months_without_regular_paid_work": 8}
EMPLOYER_OK = {"non_business_work": False, "distorts_competition": False,
               "neglected_wages_taxes_or_contributions": False, "undertaking_in_difficulty": False,
               "unpaid_recovery_order": False, "dismissals_in_same_tasks": False}
PAYMENT_OK = {"payment_conditions_met": True}
OPEN_ENDED = None  # leaves the optional employment_end out of the form: an open-ended employment
NO_CHANGE = {"information_answer": "Tiedot ovat oikein, ei muutoksia."}
REASSESSED = {"reassessment_notes": "Lisäselvitys ei muuta arviota."}


@pytest.fixture
def journey(service):
    return Journey(service, "pay_subsidy", EMPLOYER)


def sent(journey: Journey, type_: str | None = None) -> list[dict]:
    return every(journey.service.list_outbox, SYSTEM, business_key=EMPLOYER, type=type_)


def decide(journey: Journey, application: dict | None = None, person: dict | None = None,
           employer: dict | None = None) -> dict | None:
    """Mon 5.1.2026 the employer applies; Wed 7.1.2026 the caseworker checks the person and the employer.
    The decision sent, or None when the employer is first asked for more information."""
    journey.start(user=EMPLOYER)
    assert journey.task("submit_application")["candidate_group"] == "tyonantaja"
    data = {**APPLICATION, **(application or {})}
    journey.do("submit_application", EMPLOYER, {k: v for k, v in data.items() if v is not None})
    journey.on("2026-01-07T10:00:00+02:00")
    assert journey.task("check_person")["candidate_group"] == "asiantuntija"
    journey.do("check_person", CASEWORKER, {**PERSON_OK, **(person or {})})
    journey.do("check_employer", CASEWORKER, {**EMPLOYER_OK, **(employer or {})})
    decisions = sent(journey, "pay_subsidy_decision")
    assert len(decisions) <= 1
    return decisions[0] if decisions else None


def request_then_decide(journey: Journey, answer: dict | None = NO_CHANGE, reassessment: dict = REASSESSED,
                        on: str = "2026-01-09") -> dict:
    """The employer was asked for more information on 7.1.2026 (due Wed 21.1.); on ``on`` the employer answers
    (``answer`` None: does not answer, and the caseworker reassesses the day after the due date)."""
    (request,) = sent(journey, "pay_subsidy_information_request")
    assert (request["date"], request["recipient"]) == ("2026-01-07", EMPLOYER)
    assert request["payload"]["due_date"] == "2026-01-21" and request["payload"]["request_date"] == "2026-01-07"
    assert journey.task("provide_information")["candidate_group"] == "tyonantaja"
    assert journey.task("provide_information")["due_date"] == "2026-01-21"
    assert sent(journey, "pay_subsidy_decision") == []  # nothing is decided before the answer or the due date
    if answer is None:
        journey.on("2026-01-22T09:00:00+02:00")
    else:
        journey.on(f"{on}T09:00:00+02:00")
        journey.do("provide_information", EMPLOYER, answer)
    assert journey.task("reassess_application")["candidate_group"] == "asiantuntija"
    journey.do("reassess_application", CASEWORKER, reassessment)
    (decision,) = sent(journey, "pay_subsidy_decision")
    return decision


def apply(journey: Journey, on: str, start: str, end: str, pay_costs: float, working_time: float = 100,
          check: dict | None = PAYMENT_OK) -> list[dict]:
    """On ``on`` (09:00) the employer applies for start–end; the caseworker checks it the same day.
    Returns what the application sent the employer (payment, payment_refused, payment_information_request)."""
    before = {o["id"] for o in sent(journey)}
    journey.on(f"{on}T09:00:00")  # a time without an offset is Finnish time
    journey.do("apply_payment", EMPLOYER, {"period_start": start, "period_end": end, "pay_costs_eur": pay_costs,
                                           "working_time_percent": working_time})
    if check is not None and "check_payment" in journey.open_tasks():
        journey.do("check_payment", CASEWORKER, check)
    return [o for o in sent(journey) if o["id"] not in before]


def rectification_request(payload: dict) -> dict:
    """The decision tells the employer how to ask for rectification (oikaisuvaatimus): in writing, to the employment
    authority that decided, within 30 days of service, then an appeal to the administrative court. The rest of the
    payload."""
    rest = dict(payload)
    appeal = rest.pop("appeal")
    assert (appeal["remedy"], appeal["time_limit_days"]) == ("oikaisuvaatimus", 30)
    assert appeal["addressed_to"].startswith("Päätöksen tehnyt työvoimaviranomainen")
    assert "30 päivän kuluessa päätöksen tiedoksisaannista" in appeal["instructions"]
    assert "seitsemäntenä päivänä" in appeal["instructions"] and "hallinto-oikeuteen" in appeal["instructions"]
    assert "380/2023" in appeal["legal_basis"] and "434/2003" in appeal["legal_basis"]
    return rest


def payments(journey: Journey) -> list[tuple]:
    return [(o["date"], o["payload"]["period_start"], o["payload"]["period_end"], o["payload"]["amount_eur"])
            for o in sent(journey, "payment")]


def test_basic_subsidy_50_percent_with_the_monthly_cap_applied(journey):
    """8 months unemployed: 5 months, 1.2.–30.6.2026, at 50 %, at most 1 260 €/month. Every payment application
    is due by Wed 30.9.2026: 3 months after the end of June, when the last pay period ends."""
    decision = decide(journey)
    assert decision["recipient"] == EMPLOYER and decision["date"] == "2026-01-07"
    assert rectification_request(decision["payload"]) == {
        "recipient": EMPLOYER, "outcome": "granted", "decision_date": "2026-01-07", "category": "basic",
        "percent": 50, "monthly_cap_eur": 1260, "max_months": 5, "start": "2026-02-01", "end": "2026-06-30",
        "employee_name": "Matti Meikäläinen", "payment_deadline": "2026-09-30", "reasons": [
            "Palkattava kuuluu palkkatuen kohderyhmään: vähintään 6 kuukautta ilman säännöllistä palkkatyötä",
            ("Myöntämisen edellytykset täyttyvät eikä hylkäämisperusteita ole "
             "(laki työvoimapalvelujen järjestämisestä 380/2023)"),
            ("Tuki on 50 % palkkauskustannuksista, enintään 1260 € kuukaudessa ja enintään 5 kuukautta; "
             "tukijakso 2026-02-01–2026-06-30 ei ole työsuhdetta pidempi")]}
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_grant")
    assert appeal["data"]["inputs"] == {"Asiakirjan laji": "pay_subsidy_decision", "Päätöksen päivä": "2026-01-07"}
    assert "49 c §" in appeal["data"]["matched_rules"][0]["annotation"]
    (terms,) = journey.history("decision_evaluated", "determine_terms")
    assert terms["data"]["outputs"] == {"percent": 50, "monthly_cap_eur": 1260, "max_months": 5}
    assert "380/2023" in terms["data"]["matched_rules"][0]["annotation"]
    (groups,) = journey.history("decision_evaluated", "determine_target_groups")
    assert groups["data"]["outputs"] == {"target_groups": ["Vähintään 6 kuukautta ilman säännöllistä palkkatyötä"]}
    (deadline,) = journey.history("decision_evaluated", "determine_payment_deadline")
    assert deadline["data"]["outputs"] == {"deadline": "2026-09-30"}
    assert "150/1930" in deadline["data"]["matched_rules"][0]["annotation"]
    # February can be applied for once it has ended: Sun 1.3.2026 00:00.
    assert {"element_id": "payment_application_opens", "name": "Maksatushaku avautuu",
            "due_at": "2026-03-01T00:00:00+02:00"} in journey.instance()["pending_timers"]

    # Tue 3.3.: February, pay costs 3 000 € → 50 % is 1 500 €, capped at 1 260 €.
    (february,) = apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 3000)
    assert february["type"] == "payment" and february["date"] == "2026-03-03"
    assert rectification_request(february["payload"]) == {
        "recipient": EMPLOYER, "period_start": "2026-02-01", "period_end": "2026-02-28", "pay_costs_eur": 3000,
        "percent": 50, "cap_eur": 1260.0, "amount_eur": 1260.0, "decision_date": "2026-03-03", "reasons": [
            "Maksamisen edellytykset täyttyvät maksukaudella 2026-02-01–2026-02-28",
            ("Tuki on 50 % kauden palkkauskustannuksista 3000,00 €, enintään kauden enimmäismäärä 1260,00 € "
             "(kuukausikohtainen enimmäismäärä, vajaalta kuukaudelta kalenteripäivien suhteessa)")]}
    (appeal,) = journey.history("decision_evaluated", "attach_appeal_to_payment")
    assert appeal["data"]["inputs"]["Asiakirjan laji"] == "pay_subsidy_payment_decision"
    # March's application opens when March has ended, with the same deadline
    journey.on("2026-04-01T00:00:00+03:00")
    assert journey.task("apply_payment")["due_date"] == "2026-09-30"
    # Thu 2.4.: March, 2 400 € → 1 200 €, under the cap.
    (march,) = apply(journey, "2026-04-02", "2026-03-01", "2026-03-31", 2400)
    assert march["payload"]["amount_eur"] == 1200.0 and march["payload"]["cap_eur"] == 1260.0
    # Thu 2.7.: April–June in one application, 9 000 € → 4 500 €, capped at 3 × 1 260 = 3 780 €.
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


def test_basic_subsidy_10_months_but_never_longer_than_the_employment(journey):
    """14 months unemployed gives 10 months, but the employment is 1.2.–15.5.2026: the subsidy ends 15.5.,
    and the half month's cap is its calendar-day share: 1 260 € × 15/31 = 609,68 €. The last pay period
    ends 15.5.2026: every payment application is due by Mon 31.8.2026."""
    decision = decide(journey, {"employment_end": "2026-05-15"}, {"unemployed_months_of_last_28": 14})
    assert decision["payload"]["max_months"] == 10
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-05-15")
    assert decision["payload"]["payment_deadline"] == "2026-08-31"

    (quarter,) = apply(journey, "2026-05-04", "2026-02-01", "2026-04-30", 7500)
    assert quarter["payload"]["amount_eur"] == 3750.0 and quarter["payload"]["cap_eur"] == 3780.0
    journey.on("2026-05-16T00:00:00+03:00")  # May's application opens when the subsidy period has ended
    assert journey.task("apply_payment")["due_date"] == "2026-08-31"
    (last,) = apply(journey, "2026-05-20", "2026-05-01", "2026-05-15", 1500)
    assert last["payload"]["cap_eur"] == 609.68 and last["payload"]["amount_eur"] == 609.68
    assert journey.instance()["status"] == "completed"


def test_a_payment_deadline_on_saturday_31_10_2026_moves_to_monday_2_11_2026(journey):
    """The employment 1.3.–15.7.2026: the last pay period ends in July, 3 months after the end of July is Sat
    31.10.2026 (All Saints' Day), so the deadline is Mon 2.11.2026 (Act 150/1930 5 §). An application on that
    Monday is in time; the applications lapse only at the start of Tue 3.11.2026."""
    decision = decide(journey, {"employment_start": "2026-03-01", "employment_end": "2026-07-15"})
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-03-01", "2026-07-15")
    assert decision["payload"]["payment_deadline"] == "2026-11-02"
    journey.on("2026-04-01T00:00:00+03:00")
    assert journey.task("apply_payment")["due_date"] == "2026-11-02"
    assert {"element_id": "application_window_closed", "name": "Hakuaika päättyi",
            "due_at": "2026-11-03T00:00:00+02:00"} in journey.instance()["pending_timers"]
    # Mon 2.11.: the whole subsidy period in one application, 4 × 2 500 € + 1 250 € → 50 % = 5 625 €,
    # under the cap of 4 × 1 260 € + 1 260 € × 15/31 = 5 649,68 €.
    (paid,) = apply(journey, "2026-11-02", "2026-03-01", "2026-07-15", 11250)
    assert (paid["type"], paid["date"]) == ("payment", "2026-11-02")
    assert paid["payload"]["cap_eur"] == 5649.68 and paid["payload"]["amount_eur"] == 5625.0
    assert journey.history("timer_fired", "application_window_closed") == []
    assert journey.instance()["status"] == "completed"


def test_reduced_work_ability_70_percent_over_24_months_applied_quarterly(journey):
    """Open-ended employment from 1.2.2026 (no end date): 24 months, 1.2.2026–31.1.2028. The deadline, 3 months
    after the end of January 2028, would be Sun 30.4.2028; Mon 1.5. is May Day, so it is Tue 2.5.2028."""
    decision = decide(journey, {"category": "reduced_work_ability", "employment_end": OPEN_ENDED},
                      {"reduced_work_ability": True})
    assert (decision["payload"]["percent"], decision["payload"]["monthly_cap_eur"],
            decision["payload"]["max_months"]) == (70, 1770, 24)
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2028-01-31")
    assert decision["payload"]["payment_deadline"] == "2028-05-02"

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
        (paid,) = apply(journey, on, start, end, costs)
        assert paid["type"] == "payment" and paid["date"] == on
        assert paid["payload"]["amount_eur"] == amount and paid["payload"]["percent"] == 70
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
    assert decision["payload"]["payment_deadline"] == "2027-03-31"

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


def test_senior_55_at_24_hours_a_week_where_the_sector_works_36_hours_meets_the_65_percent_rule(journey):
    """24 h/week is under 25, but the sector's regular hours are 36 (under 37,5): 65 % of 36 is 23,4 h, so the
    working-time condition is met and the 55+ subsidy is granted without a request for more information."""
    decision = decide(journey, {"category": "senior_55", "employment_start": "2026-03-01", "weekly_hours": 24,
                                "working_time_percent": 67, "sector_regular_weekly_hours": 36},
                      {"unemployed_months_of_last_28": 26, "age": 58})
    assert decision["payload"]["outcome"] == "granted" and decision["payload"]["percent"] == 70
    assert sent(journey, "pay_subsidy_information_request") == []
    (eligibility,) = journey.history("decision_evaluated", "decide_eligibility")
    assert round(eligibility["data"]["inputs"]["Työaika (% alan säännöllisestä viikkotyöajasta)"], 1) == 66.7


def test_senior_55_at_23_hours_a_week_where_the_sector_works_36_hours_is_refused(journey):
    """23 h/week is 63,9 % of the sector's 36 hours: under both 25 h and 65 %. Refused after the request."""
    assert decide(journey, {"category": "senior_55", "weekly_hours": 23, "working_time_percent": 64,
                            "sector_regular_weekly_hours": 36},
                  {"unemployed_months_of_last_28": 26, "age": 58}) is None
    decision = request_then_decide(journey)
    assert decision["payload"]["reasons"] == [
        ("55 vuotta täyttäneiden työllistämistuessa työaika on vähintään 25 tuntia viikossa tai vähintään 65 % alan "
         "alle 37,5 tunnin säännöllisestä viikkotyöajasta")]


def test_senior_55_refused_under_55_or_under_25_hours(journey):
    """The refusal now follows a request for more information (legal review 30.11.2026); the reasons are as before."""
    assert decide(journey, {"category": "senior_55", "weekly_hours": 20},
                  {"unemployed_months_of_last_28": 26, "age": 54}) is None
    decision = request_then_decide(journey)
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
    assert decision["payload"]["payment_deadline"] == "2027-04-30"

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
    assert all(o["payload"]["amount_eur"] <= o["payload"]["pay_costs_eur"] for o in sent(journey, "payment"))
    assert journey.instance()["status"] == "completed"


def test_association_100_percent_needs_at_most_65_percent_working_time_in_each_period(journey):
    """February at 80 % working time: the employer is asked for more information (due Tue 17.3.2026) before the
    payment is refused; the supplement does not change the working time, so February is refused on 10.3."""
    decide(journey, {"category": "association_100", "employer_type": "association", "working_time_percent": 65},
           {"unemployed_months_of_last_28": 25}, {"non_business_work": True})
    (request,) = apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 2000, working_time=80)
    assert (request["type"], request["date"]) == ("payment_information_request", "2026-03-03")
    assert request["payload"] == {
        "recipient": EMPLOYER, "request_date": "2026-03-03", "due_date": "2026-03-17",
        "period_start": "2026-02-01", "period_end": "2026-02-28", "legal_basis": "hallintolaki 434/2003 33 §",
        "reasons": ["100 %:n palkkatuessa työaika saa olla enintään 65 % alan kokoaikaisesta työajasta"]}
    supplement = journey.task("supplement_payment_application")
    assert (supplement["candidate_group"], supplement["due_date"]) == ("tyonantaja", "2026-03-17")
    journey.on("2026-03-10T09:00:00+02:00")
    journey.do("supplement_payment_application", EMPLOYER, {"supplement": "Työaika oli helmikuussa 80 %."})
    journey.do("check_payment", CASEWORKER, PAYMENT_OK)
    (refused,) = sent(journey, "payment_refused")
    assert refused["type"] == "payment_refused" and refused["date"] == "2026-03-10"
    assert refused["payload"]["kind"] == "refused"
    assert refused["payload"]["appeal"]["remedy"] == "oikaisuvaatimus"
    assert refused["payload"]["appeal"]["time_limit_days"] == 30
    assert refused["payload"]["information_requested_on"] == "2026-03-03"
    assert refused["payload"]["reasons"] == [
        "100 %:n palkkatuessa työaika saa olla enintään 65 % alan kokoaikaisesta työajasta"]


def test_an_employment_starting_before_the_decision_is_refused_after_a_request_for_more_information(journey):
    """Applied Mon 5.1.2026 for an employment that starts Tue 6.1.2026, before the decision on Wed 7.1.: the
    employment may not start before the decision. The employer is asked for more information, says the
    employment already began, and the application is refused on 9.1.2026."""
    assert decide(journey, {"employment_start": "2026-01-06"}) is None
    (evaluated,) = journey.history("decision_evaluated", "decide_eligibility")
    assert evaluated["data"]["decision_id"] == "pay_subsidy_eligibility"
    assert evaluated["data"]["inputs"]["Työsuhde alkaa ennen palkkatukipäätöstä"] is True
    reason = ("Työsuhde on alkanut tai alkaa ennen palkkatukipäätöstä eikä jakso jatku välittömästi aiemman "
              "palkkatukijakson jälkeen")
    (request,) = sent(journey, "pay_subsidy_information_request")
    assert request["payload"]["reasons"] == [reason]
    decision = request_then_decide(journey, {"information_answer": "Työsuhde alkoi jo 6.1.2026."})
    assert decision["date"] == "2026-01-09"
    assert rectification_request(decision["payload"]) == {
        "recipient": EMPLOYER, "outcome": "refused", "decision_date": "2026-01-09", "reasons": [reason],
        "information_requested_on": "2026-01-07", "information_due_date": "2026-01-21", "information_given": True}
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-01-09T09:00:00+02:00"
    assert [h["element_id"] for h in journey.history("end_event")] == ["refusal_sent"]
    assert sent(journey, "payment") == []


def test_an_employment_start_moved_after_the_decision_in_answer_to_the_request_is_granted(journey):
    """Same application; the employer answers on Fri 9.1. by moving the start to Mon 12.1.2026, the caseworker
    decides on 9.1.: the employment starts after the decision, 5 months 12.1.–11.6.2026."""
    assert decide(journey, {"employment_start": "2026-01-06"}) is None
    decision = request_then_decide(journey, {"information_answer": "Siirrämme työsuhteen alkamaan 12.1.2026.",
                                             "employment_start": "2026-01-12"})
    assert decision["payload"]["outcome"] == "granted" and decision["payload"]["decision_date"] == "2026-01-09"
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-01-12", "2026-06-11")
    assert decision["payload"]["payment_deadline"] == "2026-09-30"


def test_a_30_year_old_with_a_secondary_qualification_unemployed_2_months_is_in_no_target_group(journey):
    """Not 15–24 or 50+, has an upper-secondary qualification, not an immigrant, 2 months without regular paid work,
    full work ability, not an apprenticeship: refused — but only after a request for more information. The
    employer does not answer by Wed 21.1.2026; the caseworker reassesses on Thu 22.1. and the refusal goes out."""
    young = {"age": 30, "upper_secondary_qualification": True, "immigrant": False,
             "months_without_regular_paid_work": 2, "unemployed_months_of_last_28": 2}
    assert decide(journey, person=young) is None
    (groups,) = journey.history("decision_evaluated", "determine_target_groups")
    assert groups["data"]["outputs"] == {"target_groups": []}
    reason = ("Palkattava ei kuulu palkkatuen kohderyhmiin (15–24- tai vähintään 50-vuotias, ei toisen asteen "
              "tutkintoa, maahanmuuttaja, vähintään 6 kuukautta ilman säännöllistä palkkatyötä, alentunut työkyky "
              "tai oppisopimus)")
    (request,) = sent(journey, "pay_subsidy_information_request")
    assert request["payload"] == {"recipient": EMPLOYER, "request_date": "2026-01-07", "due_date": "2026-01-21",
                                  "reasons": [reason], "legal_basis": "hallintolaki 434/2003 33 §"}
    # the last day to answer is Wed 21.1.; the request lapses at the start of Thu 22.1.
    journey.on("2026-01-21T23:59:59+02:00")
    assert "provide_information" in journey.open_tasks()
    decision = request_then_decide(journey, answer=None)
    (passed,) = journey.history("timer_fired", "information_deadline_passed")
    assert passed["at"] == "2026-01-22T00:00:00+02:00"
    assert decision["date"] == "2026-01-22"
    assert rectification_request(decision["payload"]) == {
        "recipient": EMPLOYER, "outcome": "refused", "decision_date": "2026-01-22", "reasons": [reason],
        "information_requested_on": "2026-01-07", "information_due_date": "2026-01-21", "information_given": False}


def test_the_same_person_in_an_apprenticeship_is_in_the_target_groups(journey):
    young = {"age": 30, "upper_secondary_qualification": True, "months_without_regular_paid_work": 2,
             "unemployed_months_of_last_28": 2}
    decision = decide(journey, {"apprenticeship": True}, young)
    assert decision["payload"]["outcome"] == "granted"
    (groups,) = journey.history("decision_evaluated", "determine_target_groups")
    assert groups["data"]["outputs"] == {"target_groups": ["Oppisopimuskoulutus"]}


def test_recent_dismissals_in_the_same_tasks_bar_the_subsidy_unless_re_employment_was_offered(journey):
    """The caseworker finds lay-offs in the same tasks within 12 months; asked for more information, the employer
    shows it offered the work back to those laid off; the caseworker corrects that and the subsidy is granted."""
    assert decide(journey, employer={"dismissals_in_same_tasks": True, "reemployment_offered": False}) is None
    (request,) = sent(journey, "pay_subsidy_information_request")
    assert request["payload"]["reasons"] == [
        ("Työnantaja on 12 kuukauden aikana irtisanonut, lomauttanut tai osa-aikaistanut samoissa tai "
         "samankaltaisissa tehtävissä olleen eikä ole tarjonnut hänelle työtä takaisin")]
    decision = request_then_decide(
        journey, {"information_answer": "Lomautetuille tarjottiin työtä takaisin 1.12.2025.",
                  "reemployment_offered": True},
        {"reemployment_offered": True, "reassessment_notes": "Takaisinottotarjous todettu."})
    assert decision["payload"]["outcome"] == "granted" and decision["payload"]["decision_date"] == "2026-01-09"
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-06-30")


def test_a_directly_consecutive_period_may_follow_an_employment_that_already_started(journey):
    """The employment began 1.8.2025 with an earlier subsidy ending 31.1.2026, and the extension was applied for
    before that: the new period starts 1.2.2026."""
    decision = decide(journey, {"employment_start": "2025-08-01", "previous_subsidy_end": "2026-01-31"})
    assert decision["payload"]["outcome"] == "granted"
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-06-30")


def test_refusal_grounds_of_the_employer_and_the_pay(journey):
    assert decide(journey, {"pay_type": "commission_only", "zero_hour_contract": True},
                  employer={"undertaking_in_difficulty": True, "unpaid_recovery_order": True}) is None
    decision = request_then_decide(journey)
    assert decision["payload"]["reasons"] == [
        "Palkka maksetaan pelkkänä provisiona", "Työsopimus on nollatuntisopimus",
        "Työnantaja on vaikeuksissa oleva yritys", "Työnantajalla on maksamaton takaisinperintämääräys"]


def test_a_period_applied_for_more_than_two_months_after_it_ended_is_still_in_time(journey):
    """Before the legal review this was late: March (ended 31.3.) applied for on Mon 1.6.2026, more than 2 months
    after it ended. Since 1.7.2023 every application has one deadline, here Wed 30.9.2026: March is paid."""
    decide(journey)
    apply(journey, "2026-03-03", "2026-02-01", "2026-02-28", 2400)
    (paid,) = apply(journey, "2026-06-01", "2026-03-01", "2026-03-31", 2400)
    assert (paid["type"], paid["date"]) == ("payment", "2026-06-01")
    assert paid["payload"]["amount_eur"] == 1200.0
    # the next period starts 1.4.; April–June is applied for on 2.7. and the process ends.
    apply(journey, "2026-07-02", "2026-04-01", "2026-06-30", 7200)
    assert payments(journey)[-1] == ("2026-07-02", "2026-04-01", "2026-06-30", 3600.0)
    assert journey.instance()["status"] == "completed"


def test_what_was_not_applied_for_by_the_deadline_lapses_at_once(journey):
    """No application at all. The subsidy period 1.2.–30.6.2026 could be applied for until Wed 30.9.2026 (3 months
    after the end of June): at the start of Thu 1.10.2026 all of it lapses, and the process ends."""
    decide(journey)
    assert "apply_payment" not in journey.open_tasks()  # nothing to apply for before February has ended
    journey.on("2026-03-01T00:00:00+02:00")
    assert journey.task("apply_payment")["due_date"] == "2026-09-30"
    journey.on("2026-09-30T23:59:59+03:00")
    assert journey.history("timer_fired", "application_window_closed") == []
    journey.on("2026-10-01T00:00:00+03:00")
    (closed,) = journey.history("timer_fired", "application_window_closed")
    assert closed["at"] == "2026-10-01T00:00:00+03:00"
    assert journey.set_by("record_lapse", "payment_result") == [
        {"status": "lapsed", "period_start": "2026-02-01", "period_end": "2026-06-30", "amount_eur": 0,
         "date": "2026-10-01", "deadline": "2026-09-30"}]
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-10-01T00:00:00+03:00"
    assert sent(journey, "payment") == []


def test_a_period_that_does_not_follow_the_last_one_is_returned_for_correction(journey):
    """Tue 3.3.2026 the employer asks for 15.2.–31.5.: it does not start 1.2. and it has not ended. The application
    comes back with the reasons; nothing of 1.2.– is lost."""
    decide(journey)
    (returned,) = apply(journey, "2026-03-03", "2026-02-15", "2026-05-31", 2400)
    assert returned["type"] == "payment_refused" and returned["date"] == "2026-03-03"
    assert returned["payload"]["kind"] == "invalid" and returned["payload"]["expected_period_start"] == "2026-02-01"
    # not a decision: no rectification request, and the employer is told so
    appeal = returned["payload"]["appeal"]
    assert (appeal["remedy"], appeal["time_limit_days"]) == ("ei erillistä muutoksenhakua", None)
    assert "Palautus ei ole päätös" in appeal["instructions"] and "22 §" in appeal["legal_basis"]
    assert returned["payload"]["reasons"] == [
        "Maksukausi ei ala edellisen haetun kauden jälkeisestä päivästä",
        "Maksatusta haetaan jälkikäteen: maksukausi ei ole vielä päättynyt"]
    # the same period can be applied for again at once, with the same deadline (end of 30.9.2026)
    assert journey.open_tasks() == ["apply_payment"]
    assert journey.task("apply_payment")["due_date"] == "2026-09-30"
    (paid,) = apply(journey, "2026-03-04", "2026-02-01", "2026-02-28", 2400)
    assert paid["type"] == "payment" and paid["payload"]["amount_eur"] == 1200.0


def test_a_period_that_ends_mid_month_is_returned_for_correction(journey):
    """The pay periods that end in one calendar month form one payment period: 1.2.–15.3. is not one."""
    decide(journey)
    (returned,) = apply(journey, "2026-03-20", "2026-02-01", "2026-03-15", 3600)
    assert returned["payload"]["kind"] == "invalid"
    assert returned["payload"]["reasons"] == [
        "Maksukausi ei pääty kalenterikuukauden viimeiseen päivään eikä tukijakson viimeiseen päivään"]


def test_an_unchecked_period_does_not_hold_up_the_next_and_the_caseworker_may_refuse_one(journey):
    """February is applied for on 3.3. but not checked before March is applied for on 2.4.: both wait for the
    caseworker at once. On 6.4. March is paid; February's pay was not paid as decided, so the employer is asked
    for more information first (due Mon 20.4.); the supplement on 8.4. does not help and February is refused."""
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
    caseworker = person(CASEWORKER)
    for task, data in ((february, {"payment_conditions_met": False, "check_notes": "Palkka maksamatta"}),
                       (march, PAYMENT_OK)):
        journey.service.claim_task(caseworker, task["id"])
        journey.service.complete_task(caseworker, task["id"], data)
    assert payments(journey) == [("2026-04-06", "2026-03-01", "2026-03-31", 1200.0)]
    assert sent(journey, "payment_refused") == []
    (request,) = sent(journey, "payment_information_request")
    assert (request["date"], request["payload"]["due_date"], request["payload"]["period_start"]) == (
        "2026-04-06", "2026-04-20", "2026-02-01")
    journey.on("2026-04-08T09:00:00")
    journey.do("supplement_payment_application", EMPLOYER, {"supplement": "Palkka maksetaan myöhemmin."})
    journey.do("check_payment", CASEWORKER, {"payment_conditions_met": False, "check_notes": "Palkka yhä maksamatta"})
    (refused,) = sent(journey, "payment_refused")
    assert refused["date"] == "2026-04-08" and rectification_request(refused["payload"]) == {
        "recipient": EMPLOYER, "kind": "refused", "period_start": "2026-02-01", "period_end": "2026-02-28",
        "reasons": ["Maksamisen edellytykset eivät täyty maksukaudella"], "decision_date": "2026-04-08",
        "information_requested_on": "2026-04-06", "information_given": True}
