"""Job-seeker follow-up journeys with frozen time: what the customer, the caseworker and the benefit payer
see on each date.

Legal values (statutory-rules.md §1, in dmn/): the initial interview by the end of the 5th working day
after the job search starts (job searches starting in 2025) or the 10th (from 1.1.2026), working days
being Mon–Fri less Finnish public holidays; in 2025 five supplementary discussions about every 2 weeks in
the 3 months after the initial interview and two more in a 1-month period at 6 months; a job-search
discussion every 3 months; 4 job applications per 1-month review period; sanctions by the ladder in force
on the failure date (to 28.2.2026: reminder, 7 days, 14 days, 12-week work requirement; from 1.3.2026:
7 days, 6-week work requirement); a missed appointment ends the job search at the first failure from
1.3.2026, at the second before. Everything sent outside is asserted in the outbox, with its date.
"""
from __future__ import annotations

import pytest

from tests.conftest import DEFINITION_DIRS
from tests.journeys.journey import Journey
from tva_flow.errors import Conflict
from tests.pages import every
from tests.identities import SYSTEM

CUSTOMER, CASEWORKER = "010190-123A", "anna.asiantuntija"
FUND = "Erityisalojen työttömyyskassa"

INTERVIEW = {"service_need_assessment": "Valmis työnhakuun, ammattitaito ajan tasalla",
             "integration_plan_needed": False, "multiprofessional_support_needed": False,
             "activation_condition_met": False, "unemployment_ends_within_3_months": False}
PLAN = {"work_situation": "unemployed", "obligation_lowered": False, "agreed_services": ["työnhakuvalmennus"],
        "customer_tasks": "Hae 4 työpaikkaa kuussa"}
HELD = {"customer_attended": True, "plan_updated": False, "unemployment_ends_within_3_months": False}
MISSED = {**HELD, "customer_attended": False, "absence_excused": False}  # no acceptable reason given
FOUR_APPLICATIONS = {"applications_count": 4, "applications_description": "Neljä myyjän paikkaa"}

SEVEN_DAYS = "7 päivän korvaukseton määräaika"
FOURTEEN_DAYS = "14 päivän korvaukseton määräaika"
TWELVE_WEEKS = "12 viikon työssäolovelvoite"
SIX_WEEKS = "6 viikon työssäolovelvoite"
STACKED = "ei uutta seuraamusta: aiempi seuraamus on vielä voimassa"


@pytest.fixture
def journey(service):
    """Time stands at Mon 5.1.2026 09:00."""
    return Journey(service, "job_seeker_followup", CUSTOMER)


def journey_on(make_service, sqlite_url, frozen, when: str) -> Journey:
    """A journey whose clock starts at ``when`` (the clock moves before the service is made)."""
    frozen.move_to(when)
    return Journey(make_service(sqlite_url, DEFINITION_DIRS), "job_seeker_followup", CUSTOMER)


def outbox(journey: Journey, **filters) -> list[tuple]:
    return [(o["date"], o["type"], o["recipient"])
            for o in every(journey.service.list_outbox, SYSTEM, business_key=journey.business_key, **filters)]


def payloads(journey: Journey, **filters) -> list[dict]:
    return [o["payload"] for o in every(journey.service.list_outbox, SYSTEM, business_key=journey.business_key, **filters)]


def sanctions(journey: Journey) -> list[tuple]:
    """(date sent, to whom, failure date, n-th failure, sanction) for each failure of the obligation."""
    return [(o["date"], o["recipient"], o["payload"]["failure_date"], o["payload"]["failure_number"],
             o["payload"]["sanction"])
            for o in every(journey.service.list_outbox, SYSTEM, business_key=journey.business_key)
            if o["payload"].get("failure_number") is not None]


def heard_without_an_answer(journey: Journey, on: str) -> None:
    """The customer did not answer the request for explanation in time; on ``on`` (after its deadline) the
    caseworker assesses the matter on what is known and finds no acceptable reason: the sanction goes ahead."""
    journey.on(on)
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": False,
                                                   "assessment": "Selvitystä ei saatu määräpäivään mennessä"})


def interview_and_plan(journey: Journey, interview: dict | None = None, plan: dict | bool | None = None) -> None:
    """The caseworker holds the initial interview and, unless ``plan`` is False (a hand-over), draws up the
    employment plan."""
    journey.do("initial_interview", CASEWORKER, interview or INTERVIEW)
    if plan is not False:
        journey.do("draw_up_employment_plan", CASEWORKER, plan or PLAN)


# -- the initial interview ------------------------------------------------------------------------------
def test_2026_job_search_from_mon_5_1_has_its_initial_interview_due_by_tue_20_1_and_is_flagged_at_21_1(journey):
    """Registered Mon 5.1.2026: 10 working days (Tue 6.1. is Epiphany) end on Tue 20.1.2026. The receipt and
    the automatic labour-policy statement to Kela are sent on 5.1.; at Wed 21.1. 00:00 the interview not
    yet held is flagged overdue in the history, and it can still be held."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)

    assert journey.open_tasks() == ["initial_interview"]
    interview = journey.task("initial_interview")
    assert interview["candidate_group"] == "asiantuntija"
    assert interview["due_date"] == "2026-01-20"
    assert interview["due_at"] == "2026-01-21T00:00:00+02:00"
    (deadline,) = journey.history("decision_evaluated", "determine_interview_deadline")
    assert deadline["data"]["inputs"] == {"Työnhaun alkamispäivä": "2026-01-05"}
    assert deadline["data"]["outputs"] == {"working_days": 10}
    assert {"element_id": "initial_interview_overdue", "name": "Alkuhaastattelun määräaika ylittyi",
            "due_at": "2026-01-21T00:00:00+02:00"} in journey.instance()["pending_timers"]

    assert outbox(journey) == [("2026-01-05", "registration_receipt", "asiakas"),
                               ("2026-01-05", "labour_policy_statement", "kela")]
    receipt, statement = payloads(journey)
    assert receipt["registered_on"] == receipt["job_search_start"] == "2026-01-05"
    assert statement["statement_type"] == "registration" and statement["labour_policy_conditions_met"] is True
    (clarification,) = journey.history("decision_evaluated", "assess_statement_clarification")
    assert clarification["data"]["outputs"] == {"clarification_reasons": []}

    # The whole of Tue 20.1. is still in time …
    journey.on("2026-01-20T23:59:59+02:00")
    assert journey.history("timer_fired", "initial_interview_overdue") == []
    # … at Wed 21.1. 00:00 the overdue flag is raised; the interview stays open (non-interrupting timer).
    fired = journey.on("2026-01-21T00:00:00+02:00")
    assert [f["element_id"] for f in fired] == ["initial_interview_overdue"]
    (overdue,) = journey.history("timer_fired", "initial_interview_overdue")
    assert overdue["at"] == "2026-01-21T00:00:00+02:00"
    assert journey.set_by("record_interview_overdue", "initial_interview_overdue") == [True]
    assert journey.set_by("record_interview_overdue", "initial_interview_overdue_since") == [
        "2026-01-21T00:00:00+02:00"]
    assert journey.open_tasks() == ["initial_interview"]

    journey.on("2026-01-22T10:00:00+02:00")
    interview_and_plan(journey)
    assert journey.instance()["status"] == "running"
    assert outbox(journey)[-1] == ("2026-01-22", "employment_plan", "asiakas")


def test_an_interview_held_in_time_raises_no_overdue_flag(journey):
    """Registered Mon 5.1.2026, interviewed Mon 19.1.2026: the deadline timer goes with the interview."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    assert "initial_interview_overdue" not in [t["element_id"] for t in journey.instance()["pending_timers"]]
    journey.on("2026-01-22T10:00:00+02:00")
    assert journey.history("timer_fired", "initial_interview_overdue") == []
    assert journey.set_by("record_interview_overdue", "initial_interview_overdue") == []


@pytest.mark.parametrize("registered, due_date, due_at", [
    ("2026-01-10T11:00:00+02:00", "2026-01-23", "2026-01-24T00:00:00+02:00"),  # Sat 10.1.2026
    ("2026-01-11T18:00:00+02:00", "2026-01-23", "2026-01-24T00:00:00+02:00"),  # Sun 11.1.2026
    ("2026-01-12T09:00:00+02:00", "2026-01-26", "2026-01-27T00:00:00+02:00"),  # Mon 12.1.2026
], ids=["sat-10.1.2026", "sun-11.1.2026", "mon-12.1.2026"])
def test_a_weekend_registration_counts_its_working_days_from_monday(make_service, sqlite_url, frozen,
                                                                     registered, due_date, due_at):
    """Registered on Sat 10.1. or Sun 11.1.2026: Mon 12.1. is the first of the 10 working days, so the
    interview is due by Fri 23.1.2026; registered on Mon 12.1. it is due by Mon 26.1."""
    journey = journey_on(make_service, sqlite_url, frozen, registered)
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    interview = journey.task("initial_interview")
    assert (interview["due_date"], interview["due_at"]) == (due_date, due_at)
    assert journey.instance()["variables"]["job_search_start"] == registered[:10]
    assert outbox(journey)[0] == (registered[:10], "registration_receipt", "asiakas")


# -- the 2025 schedule ----------------------------------------------------------------------------------
def test_2025_job_search_from_mon_1_12_2025_has_5_working_days_and_no_fixed_supplementary_discussions_in_2026(
        make_service, sqlite_url, frozen):
    """Registered Mon 1.12.2025: 5 working days end Mon 8.12.2025. Interviewed Thu 4.12.2025, the 2025
    schedule would give 5 supplementary discussions about every 2 weeks (18.12., 31.12. as 1.1. is a
    holiday, 15.1., 29.1., 12.2.2026) and 2 more in June 2026 — but each appointment follows the law in
    force on its own date, and from 1.1.2026 supplementary discussions are by service need only: only
    18.12. and 31.12.2025 are held. Job-search discussions every 3 months (4.3., 4.6., 4.9.2026). The
    customer reports 4 applications every month: no sanctions."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-12-01T09:00:00+02:00")
    journey.start({"applies_for_benefit": True, "benefit_payer": FUND}, user=CUSTOMER)
    interview = journey.task("initial_interview")
    assert (interview["due_date"], interview["due_at"]) == ("2025-12-08", "2025-12-09T00:00:00+02:00")
    (deadline,) = journey.history("decision_evaluated", "determine_interview_deadline")
    assert deadline["data"]["outputs"] == {"working_days": 5}

    journey.on("2025-12-04T10:00:00+02:00")
    interview_and_plan(journey)
    (schedule,) = journey.history("decision_evaluated", "determine_discussion_schedule")
    assert schedule["data"]["outputs"] == {
        "supplementary_schedule": "säännöllinen", "supplementary_after_interview": 5,
        "supplementary_interval_days": 14, "later_period_start_months": 6, "later_period_discussions": 2,
        "job_search_discussion_months": 3, "no_discussions_within_months": 3, "fixed_schedule_until": "2025-12-31"}
    (planned,) = journey.set_by("schedule_discussions", "supplementary_due_dates")
    assert planned == ["2025-12-18", "2025-12-31"]
    assert journey.set_by("schedule_discussions", "next_job_search_discussion_due") == ["2026-03-04"]

    # Each discussion is held on its due day, and the clock also stops on the old schedule's 2026 dates
    # (15.1., 12.2., 12.6.): nothing is due then. Each month's applications (periods 4th–3rd) are reported at
    # the first visit in the period — in April, May, July and August on the 5th.
    stops = set(planned) | {"2026-01-15", "2026-02-12", "2026-03-04", "2026-06-04", "2026-06-12", "2026-09-04"}
    stops |= {"2026-04-05", "2026-05-05", "2026-07-05", "2026-08-05"}
    held = []
    for day in sorted(stops):
        journey.on(f"{day}T09:00")  # Finnish time
        for task in every(journey.service.list_tasks, SYSTEM, instance_id=journey.instance_id):
            if task["element_id"] in ("supplementary_discussion", "job_search_discussion"):
                held.append((day, task["element_id"], task["due_date"]))
                journey.do(task["element_id"], CASEWORKER, HELD)
            elif task["element_id"] == "report_job_applications":
                journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    assert held == [
        ("2025-12-18", "supplementary_discussion", "2025-12-18"),
        ("2025-12-31", "supplementary_discussion", "2025-12-31"),
        ("2026-03-04", "job_search_discussion", "2026-03-04"),
        ("2026-06-04", "job_search_discussion", "2026-06-04"),
        ("2026-09-04", "job_search_discussion", "2026-09-04"),
    ]
    created = [h["at"] for h in journey.history("task_created", "supplementary_discussion")]
    assert created[:2] == ["2025-12-18T00:00:00+02:00", "2025-12-31T00:00:00+02:00"]
    assert {"element_id": "discussion_due", "name": "Keskustelu ajankohtainen",
            "due_at": "2026-12-04T00:00:00+02:00"} in journey.instance()["pending_timers"]  # Fri 4.12.2026
    assert sanctions(journey) == []
    assert outbox(journey) == [("2025-12-01", "registration_receipt", "asiakas"),
                               ("2025-12-01", "labour_policy_statement", FUND),
                               ("2025-12-04", "employment_plan", "asiakas")]


def test_from_2026_supplementary_discussions_are_held_only_when_the_caseworker_schedules_them(journey):
    """Registered Mon 5.1.2026, interviewed Mon 19.1.2026 with one supplementary discussion booked for
    Mon 2.2.2026: that is the only one; the job-search discussion follows 3 months after the interview,
    on Fri 17.4.2026 (19.4. is a Sunday)."""
    journey.start({}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey, {**INTERVIEW, "supplementary_discussion_date": "2026-02-02"})
    (schedule,) = journey.history("decision_evaluated", "determine_discussion_schedule")
    assert schedule["data"]["outputs"]["supplementary_schedule"] == "palvelutarpeen mukaan"
    assert journey.set_by("schedule_discussions", "supplementary_due_dates") == [["2026-02-02"]]

    journey.on("2026-02-02T09:00:00+02:00")
    assert journey.task("supplementary_discussion")["due_date"] == "2026-02-02"
    journey.do("supplementary_discussion", CASEWORKER, HELD)
    assert journey.instance()["pending_timers"] == [
        {"element_id": "discussion_due", "name": "Keskustelu ajankohtainen", "due_at": "2026-04-17T00:00:00+03:00"}]
    journey.on("2026-04-17T09:00:00+03:00")
    assert journey.open_tasks() == ["job_search_discussion"]
    assert journey.task("job_search_discussion")["due_date"] == "2026-04-17"


# -- the job-search obligation --------------------------------------------------------------------------
def test_failures_to_28_2_2026_climb_the_old_ladder_and_none_stacks_on_a_running_work_requirement(
        make_service, sqlite_url, frozen):
    """Registered Wed 1.10.2025, plan Fri 3.10.2025 (review periods 3.10.–2.11., 3.11.–2.12., …). Failures:
    2.11.2025 (2 applications, no reason) a reminder, to the customer only; 2.12.2025 (reason not accepted)
    7 days; 2.1.2026 (nothing reported) 14 days; 2.2.2026 a 12-week work requirement — each on the ladder
    to 28.2.2026; 2.3.2026, while that work requirement is still unmet: no new sanction (työttömyysturvalaki
    2 a luku 10 § 4 mom.), the customer is told so and nothing goes to the payer. Where the customer gave no reason, they are heard first (a request for explanation, 7 days
    to answer, moved to the next working day) and the statement goes out only when the caseworker has
    assessed the matter after the deadline; where a reason was given and not accepted, the day after."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-10-01T09:00:00+03:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2025-10-03T10:00:00+03:00")
    interview_and_plan(journey)

    journey.on("2025-10-20T09:00:00+03:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 2})
    journey.on("2025-11-03T09:00:00+02:00")  # 2 of 4 and no reason: the customer is asked first
    request = payloads(journey, type="clarification_request")[-1]
    assert (request["matter"], request["requested_on"], request["answer_by"]) == (
        "job_search_obligation", "2025-11-03", "2025-11-10")
    assert sanctions(journey) == []  # nothing goes to anyone before the hearing
    heard_without_an_answer(journey, "2025-11-11T09:00:00+02:00")
    journey.on("2025-11-25T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1,
                                                     "reason_for_fewer_applications": "Ei sopivia paikkoja"})
    journey.on("2025-12-03T09:00:00+02:00")
    journey.do("assess_reason_for_fewer_applications", CASEWORKER,
               {"reason_acceptable": False, "assessment_reasoning": "Ei hyväksyttävä syy"})
    # nothing reported from December on: heard from 3.1. (due Sat 10.1. → Mon 12.1.), 3.2. and 3.3.
    for assessed_on in ("2026-01-13", "2026-02-11", "2026-03-11"):
        heard_without_an_answer(journey, f"{assessed_on}T09:00:00+02:00")

    assert sanctions(journey) == [
        ("2025-11-11", "asiakas", "2025-11-02", 1, "muistutus"),
        ("2025-12-03", "kela", "2025-12-02", 2, SEVEN_DAYS),
        ("2025-12-03", "asiakas", "2025-12-02", 2, SEVEN_DAYS),
        ("2026-01-13", "kela", "2026-01-02", 3, FOURTEEN_DAYS),
        ("2026-01-13", "asiakas", "2026-01-02", 3, FOURTEEN_DAYS),
        ("2026-02-11", "kela", "2026-02-02", 4, TWELVE_WEEKS),
        ("2026-02-11", "asiakas", "2026-02-02", 4, TWELVE_WEEKS),
        ("2026-03-11", "asiakas", "2026-03-02", 5, STACKED),
    ]
    assert [r["answer_by"] for r in payloads(journey, type="clarification_request")] == [
        "2025-11-10", "2026-01-12", "2026-02-10", "2026-03-10"]
    statements = payloads(journey, recipient="kela", type="labour_policy_statement")
    assert [(s["statement_type"], s.get("benefit_days_lost"), s.get("work_requirement_weeks"))
            for s in statements] == [("registration", None, None), ("sanction", 7, 0), ("sanction", 14, 0),
                                     ("sanction", 0, 12)]
    reminder = payloads(journey, type="sanction_notice")[0]
    assert (reminder["review_period_start"], reminder["review_period_end"]) == ("2025-10-03", "2025-11-02")
    assert reminder["applications_count"] == 2 and reminder["benefit_days_lost"] == 0
    rules = [h["data"]["matched_rules"][0]["rule_id"] for h in journey.history("decision_evaluated", "determine_sanction")]
    assert rules == [f"job_search_sanction_rule_{n}" for n in (1, 2, 3, 4, 7)]
    assert journey.instance()["status"] == "running"


def test_failures_from_1_3_2026_cost_7_days_then_a_6_week_work_requirement_and_an_accepted_reason_none(journey):
    """Registered Mon 5.1.2026, plan Mon 19.1.2026 (review periods 19.1.–18.2., 19.2.–18.3., …).
    19.1.–18.2.: 4 applications, met. 19.2.–18.3.: 2, no reason: the customer is asked for an explanation on
    Thu 19.3. (due Thu 26.3.), gives none; the caseworker assesses on Fri 27.3.: the 1st failure (18.3.2026),
    7 days without benefit; statement to Kela and notice to the customer that day. 19.3.–18.4.: 1 with a
    doctor's note, accepted on 20.4.: no sanction. 19.4.–18.5.: nothing reported: heard from Tue 19.5. (due
    Tue 26.5.), the 2nd failure, a 6-week work requirement, sent on Wed 27.5.2026."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    report = journey.task("report_job_applications")
    assert (report["candidate_group"], report["due_date"]) == ("tyonhakija", "2026-02-18")
    (obligation,) = journey.history("decision_evaluated", "determine_job_search_obligation")
    assert obligation["data"]["outputs"] == {"job_search_obligation": 4, "review_period_months": 1}

    journey.on("2026-02-16T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-02-20T09:00:00+02:00")
    assert journey.task("report_job_applications")["due_date"] == "2026-03-18"
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 2})
    journey.on("2026-03-19T09:00:00+02:00")
    assert sanctions(journey) == []
    assert journey.task("give_explanation")["due_date"] == "2026-03-26"
    heard_without_an_answer(journey, "2026-03-27T09:00:00+02:00")
    assert sanctions(journey) == [("2026-03-27", "kela", "2026-03-18", 1, SEVEN_DAYS),
                                  ("2026-03-27", "asiakas", "2026-03-18", 1, SEVEN_DAYS)]
    statement = payloads(journey, type="labour_policy_statement", recipient="kela")[-1]
    assert statement["statement_type"] == "sanction" and statement["benefit_days_lost"] == 7
    assert (statement["review_period_start"], statement["review_period_end"]) == ("2026-02-19", "2026-03-18")

    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1,
                                                     "reason_for_fewer_applications": "Sairastuin kahdeksi viikoksi"})
    journey.on("2026-04-20T09:00:00+03:00")
    assessment = journey.task("assess_reason_for_fewer_applications")
    assert assessment["candidate_group"] == "asiantuntija"
    journey.do("assess_reason_for_fewer_applications", CASEWORKER,
               {"reason_acceptable": True, "assessment_reasoning": "Lääkärintodistus"})
    assert len(sanctions(journey)) == 2

    journey.on("2026-05-20T09:00:00+03:00")  # 19.4.–18.5. is never reported: heard first
    assert len(sanctions(journey)) == 2
    heard_without_an_answer(journey, "2026-05-27T09:00:00+03:00")
    assert sanctions(journey)[2:] == [("2026-05-27", "kela", "2026-05-18", 2, SIX_WEEKS),
                                      ("2026-05-27", "asiakas", "2026-05-18", 2, SIX_WEEKS)]
    assert payloads(journey, recipient="kela")[-1]["work_requirement_weeks"] == 6
    (unreported,) = journey.history("timer_fired", "review_period_ended_unreported")[-1:]
    assert unreported["at"] == "2026-05-19T00:00:00+03:00"
    evaluations = journey.history("decision_evaluated", "determine_sanction")
    assert [({k: v for k, v in e["data"]["inputs"].items() if k != "Aiempi seuraamus vielä voimassa"},
             e["data"]["outputs"]["sanction"]) for e in evaluations] == [
        ({"Laiminlyöntipäivä": "2026-03-18", "Monesko laiminlyönti 12 kuukauden aikana": 1}, SEVEN_DAYS),
        ({"Laiminlyöntipäivä": "2026-05-18", "Monesko laiminlyönti 12 kuukauden aikana": 2}, SIX_WEEKS)]


def test_a_plan_update_in_the_discussion_of_fri_17_4_2026_lowers_the_obligation_from_the_next_period(journey):
    """Plan Mon 19.1.2026 with 4 applications a month; in the job-search discussion of Fri 17.4.2026 the plan
    is updated (rehabilitation: 1 a month) and sent to the customer that day. Each period's obligation is
    decided when it starts, so the running period 19.3.–18.4. keeps 4 and the next, 19.4.–18.5., is judged
    against the lowered obligation: 1 application meets it."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    for month in ("02", "03", "04"):
        journey.on(f"2026-{month}-15T09:00")
        journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-04-17T09:00:00+03:00")
    journey.do("job_search_discussion", CASEWORKER, {
        **HELD, "plan_updated": True, "work_situation": "unemployed", "obligation_lowered": True, "lowered_obligation": 1,
        "obligation_lowered_reason": "Kuntoutus", "agreed_services": ["kuntoutus"]})
    assert outbox(journey)[-1] == ("2026-04-17", "employment_plan", "asiakas")
    updated = payloads(journey, type="employment_plan")[-1]
    assert (updated["job_search_obligation"], updated["obligation_lowered_reason"], updated["updated"]) == (
        1, "Kuntoutus", True)

    journey.on("2026-04-20T09:00:00+03:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1})
    journey.on("2026-05-20T09:00:00+03:00")
    required = journey.set_by("assess_applications", "required_applications")
    assert required == [4, 1]  # recorded when it changes: 19.1.–18.4. against 4, 19.4.–18.5. against 1
    assert sanctions(journey) == []


def test_a_pending_reason_assessment_does_not_keep_the_customer_from_reporting_the_next_month(journey):
    """Plan Mon 19.1.2026. For 19.1.–18.2. the customer reports 1 application on 16.2. with a reason; the
    caseworker accepts it only on Fri 20.3.2026. Meanwhile the customer must be able to report the period
    19.2.–18.3. (due 18.3.), and without a report of that period's applications being possible no sanction
    may follow for it."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-02-16T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1,
                                                     "reason_for_fewer_applications": "Sairastuin"})
    journey.on("2026-03-10T09:00:00+02:00")  # not assessed yet: the customer reports 19.2.–18.3. all the same
    assert journey.task("report_job_applications")["due_date"] == "2026-03-18"
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-03-20T09:00:00+02:00")
    journey.do("assess_reason_for_fewer_applications", CASEWORKER,
               {"reason_acceptable": True, "assessment_reasoning": "Lääkärintodistus"})
    assert sanctions(journey) == []
    report_tasks = journey.history("task_created", "report_job_applications")
    assert [h["at"] for h in report_tasks][:2] == ["2026-01-19T10:00:00+02:00", "2026-02-19T00:00:00+02:00"]


def periods(journey: Journey) -> list[tuple]:
    """(period start, work situation, time laid off, applications required, period months) per review period."""
    return [(e["data"]["inputs"]["Jakson alkamispäivä"], e["data"]["inputs"]["Työtilanne"],
             e["data"]["inputs"]["Lomautusta kulunut jakson alkaessa"],
             e["data"]["outputs"]["job_search_obligation"], e["data"]["outputs"]["review_period_months"])
            for e in journey.history("decision_evaluated", "determine_period_obligation")]


def test_a_person_laid_off_on_2_3_2026_has_no_obligation_in_the_first_3_months_and_4_a_month_from_16_6(
        make_service, sqlite_url, frozen):
    """Laid off from Mon 2.3.2026, registered Mon 9.3., plan Mon 16.3.2026. Each review period's obligation
    is decided when it starts: a laid-off person has none in the first 3 months of the lay-off, so the
    periods starting 16.3., 16.4. and 16.5. pass with no report asked for and no request for explanation.
    The period 16.6.–15.7.2026 starts 3 months and 14 days into the lay-off: 4 applications, due Wed 15.7."""
    journey = journey_on(make_service, sqlite_url, frozen, "2026-03-09T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-03-16T10:00:00+02:00")
    interview_and_plan(journey, plan={**PLAN, "work_situation": "laid_off", "laid_off_since": "2026-03-02"})
    plan = payloads(journey, type="employment_plan")[0]
    assert (plan["work_situation"], plan["laid_off_since"], plan["job_search_obligation"]) == (
        "laid_off", "2026-03-02", 0)

    journey.on("2026-06-15T12:00:00+03:00")
    assert "report_job_applications" not in journey.open_tasks()
    assert payloads(journey, type="clarification_request") == [] and sanctions(journey) == []
    journey.on("2026-06-16T09:00:00+03:00")
    assert journey.task("report_job_applications")["due_date"] == "2026-07-15"
    assert periods(journey) == [("2026-03-16", "laid_off", "P0M", 0, 1), ("2026-04-16", "laid_off", "P1M", 0, 1),
                                ("2026-05-16", "laid_off", "P2M", 0, 1), ("2026-06-16", "laid_off", "P3M", 4, 1)]


def test_part_time_work_is_1_application_per_3_months_in_2025_and_4_a_month_from_the_period_of_6_1_2026(
        make_service, sqlite_url, frozen):
    """Part-time work, plan Mon 6.10.2025: under the 2025 law one application per 3-month review period,
    6.10.2025–5.1.2026, reported due Mon 5.1.2026; one is enough. The next period starts Tue 6.1.2026 and
    follows the law in force that day: part-time workers have the full obligation, 4 applications in the
    1-month period 6.1.–5.2.2026. One application then is too few: the customer is asked to explain."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-09-29T09:00:00+03:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2025-10-06T10:00:00+03:00")
    interview_and_plan(journey, plan={**PLAN, "work_situation": "part_time"})
    assert journey.task("report_job_applications")["due_date"] == "2026-01-05"
    journey.on("2025-12-15T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1})

    journey.on("2026-01-06T09:00:00+02:00")
    assert payloads(journey, type="clarification_request") == []
    assert journey.task("report_job_applications")["due_date"] == "2026-02-05"
    journey.on("2026-02-05T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, {"applications_count": 1})
    journey.on("2026-02-06T09:00:00+02:00")
    request = payloads(journey, type="clarification_request")[-1]
    assert (request["matter"], request["requested_on"]) == ("job_search_obligation", "2026-02-06")
    assert journey.set_by("assess_applications", "required_applications") == [1, 4]
    assert periods(journey) == [("2025-10-06", "part_time", None, 1, 3), ("2026-01-06", "part_time", None, 4, 1),
                                ("2026-02-06", "part_time", None, 4, 1)]


# -- outside events -------------------------------------------------------------------------------------
def test_employed_on_fri_10_4_2026_ends_the_job_search_with_the_status_change_statement_to_kela(journey):
    """Registered Mon 5.1.2026, plan Mon 12.1.; on Fri 10.4.2026, the day of the job-search discussion, the
    customer reports a job starting 20.4. (POST /messages `employed`): the open discussion and the month's
    report are cancelled and Kela gets the statement on the change of status, dated 10.4.2026."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-12T10:00:00+02:00")
    interview_and_plan(journey)
    for month in ("02", "03"):  # periods 12.1.–11.2., 12.2.–11.3.; 12.3.–11.4. is still open on 10.4.
        journey.on(f"2026-{month}-10T09:00:00+02:00")
        journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-04-10T09:00:00+03:00")
    assert journey.open_tasks() == ["job_search_discussion", "report_job_applications"]

    delivered = journey.service.send_message(SYSTEM, "employed", CUSTOMER, {
        "employment_start": "2026-04-20", "employer": "Kotkan satama Oy", "full_time": True})
    assert delivered["status"] == "completed" and delivered["element_id"] == "customer_employed"

    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-04-10T09:00:00+03:00"
    assert instance["open_tasks"] == [] and instance["pending_timers"] == []
    assert instance["message_subscriptions"] == []
    assert outbox(journey)[-1] == ("2026-04-10", "status_change_statement", "kela")
    statement = payloads(journey, type="status_change_statement")[0]
    assert statement == {
        "recipient": "kela", "statement_type": "status_change", "reason": "employed",
        "job_search_end_date": "2026-04-10", "job_search_start": "2026-01-05",
        "details": {"reason": "employed", "date": "2026-04-10", "employment_start": "2026-04-20",
                    "employer": "Kotkan satama Oy", "full_time": True}}
    assert sorted(h["element_id"] for h in journey.history("task_cancelled")) == [
        "job_search_discussion", "report_job_applications"]
    assert [h["element_id"] for h in journey.history("end_event")] == ["job_search_closed"]
    assert sanctions(journey) == []
    with pytest.raises(Conflict):  # nobody waits for a second one
        journey.service.send_message(SYSTEM, "employed", CUSTOMER, {"employment_start": "2026-04-20"})


def test_a_customer_without_benefit_who_ends_the_job_search_causes_no_statement(journey):
    """Registered Mon 5.1.2026 without applying for benefit; ends the job search on Fri 16.1.2026 before
    the interview: only the receipt was ever sent."""
    journey.start({}, user=CUSTOMER)
    journey.on("2026-01-16T12:00:00+02:00")
    journey.service.send_message(SYSTEM, "job_search_ended", CUSTOMER, {"reason": "opiskelu alkaa"})
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-01-16T12:00:00+02:00"
    assert outbox(journey) == [("2026-01-05", "registration_receipt", "asiakas")]
    assert [h["element_id"] for h in journey.history("end_event")] == ["job_search_closed_without_statement"]
    assert journey.set_by("record_customer_ending", "job_search_end") == [
        {"reason": "customer_ended", "date": "2026-01-16", "customer_reason": "opiskelu alkaa"}]


def test_unemployment_reported_to_end_1_7_2026_stops_the_discussions_until_then(journey):
    """Registered Mon 5.1.2026 (no benefit), interviewed Mon 19.1.; job-search discussion held Fri 17.4.; on
    Wed 20.5. the customer reports the unemployment ends 1.7.2026 (within 3 months): the discussion due
    17.7. is called off, and only if the customer is still a job seeker after 1.7. do they resume."""
    journey.start({}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-04-17T09:00:00+03:00")
    journey.do("job_search_discussion", CASEWORKER, HELD)
    assert [t["due_at"] for t in journey.instance()["pending_timers"]] == ["2026-07-17T00:00:00+03:00"]

    journey.on("2026-05-20T09:00:00+03:00")
    journey.service.send_message(SYSTEM, "unemployment_ends", CUSTOMER, {"end_date": "2026-07-01", "reason": "työ alkaa"})
    assert journey.instance()["pending_timers"] == [{"element_id": "unemployment_end_date_passed",
                                                     "name": "Ilmoitettu päättymispäivä ohi",
                                                     "due_at": "2026-07-02T00:00:00+03:00"}]
    journey.on("2026-07-02T09:00:00+03:00")  # still unemployed after 1.7.
    assert [t["due_at"] for t in journey.instance()["pending_timers"]] == ["2026-07-17T00:00:00+03:00"]
    journey.on("2026-07-17T09:00:00+03:00")
    assert journey.open_tasks() == ["job_search_discussion"]


# -- missed appointments --------------------------------------------------------------------------------
def test_a_missed_appointment_on_fri_10_4_2026_ends_the_job_search_at_the_first_failure_after_the_hearing(journey):
    """Registered Mon 5.1.2026, plan Mon 12.1. (obligation lowered to 2: part-time work); the job-search
    discussion on Fri 10.4.2026 is missed without a word. The customer is heard first: asked that day to
    explain by Fri 17.4.; no answer, and on Mon 20.4. the caseworker finds no acceptable reason. Only then:
    the no-show is the first failure on the person's ladder (from 1.3.2026: 7 days without benefit, Kela
    told) and, from 1.3.2026, the first failure to deal with the authority ends the job search — the
    customer is told and Kela gets the status change statement, all on 20.4.2026."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-12T10:00:00+02:00")
    interview_and_plan(journey, plan={**PLAN, "obligation_lowered": True, "lowered_obligation": 2,
                                      "obligation_lowered_reason": "Osa-aikatyö 20 h/vko"})
    assert payloads(journey, type="employment_plan")[0]["job_search_obligation"] == 2
    for month in ("02", "03"):
        journey.on(f"2026-{month}-10T09:00:00+02:00")
        journey.do("report_job_applications", CUSTOMER, {"applications_count": 2})
    journey.on("2026-04-10T09:00:00+03:00")
    assert journey.task("job_search_discussion")["due_date"] == "2026-04-10"
    journey.do("job_search_discussion", CASEWORKER, MISSED)
    assert journey.instance()["status"] == "running"  # nothing happens before the customer is heard
    request = payloads(journey, type="clarification_request")[-1]
    assert (request["matter"], request["requested_on"], request["answer_by"]) == (
        "appointment_no_show", "2026-04-10", "2026-04-17")
    assert sanctions(journey) == [] and journey.history("decision_evaluated", "assess_missed_appointment") == []
    assert request["grounds"] == ("Et saapunut sovittuun työnhakukeskusteluun 10.4.2026 etkä ilmoittanut estettä. "
                                  "Kerro, oliko sinulla hyväksyttävä syy.")
    heard_without_an_answer(journey, "2026-04-20T09:00:00+03:00")

    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-04-20T09:00:00+03:00"
    (consequence,) = journey.history("decision_evaluated", "assess_missed_appointment")
    assert consequence["data"]["inputs"] == {"Laiminlyöntipäivä": "2026-04-10",
                                             "Monesko laiminlyönti työnhaun aikana": 1, "Ajan varasi": "asiantuntija"}
    assert consequence["data"]["outputs"]["ends_job_search"] is True
    assert sanctions(journey) == [("2026-04-20", "kela", "2026-04-10", 1, SEVEN_DAYS),
                                  ("2026-04-20", "asiakas", "2026-04-10", 1, SEVEN_DAYS)]
    assert outbox(journey)[-2:] == [("2026-04-20", "sanction_notice", "asiakas"),
                                    ("2026-04-20", "status_change_statement", "kela")]
    notice, statement = payloads(journey)[-2:]
    assert notice["reason"] == "missed_appointment" and notice["ends_job_search"] is True
    assert (statement["reason"], statement["job_search_end_date"]) == ("missed_appointment", "2026-04-20")
    ladder_notice = payloads(journey, type="sanction_notice")[-2]
    assert ladder_notice["reason"] == "appointment_no_show" and ladder_notice["appointment"] == "job_search"
    assert ladder_notice["appeal"]["remedy"] and "kuultu" not in ladder_notice["reasons"][0]
    # the notice states the facts; the question was the hearing's, not the decision's
    assert ladder_notice["reasons"][0] == "Et saapunut sovittuun työnhakukeskusteluun 10.4.2026 etkä ilmoittanut estettä."


def test_before_1_3_2026_a_missed_appointment_is_a_reminder_and_only_the_second_ends_the_job_search(
        make_service, sqlite_url, frozen):
    """Registered Mon 3.11.2025, interviewed Fri 7.11.2025. The supplementary discussion of Fri 21.11. is
    missed; heard (no answer by Fri 28.11.), on Mon 1.12. the caseworker finds no acceptable reason: a
    reminder on the ladder and, for the appointment, a reminder; the discussion is rebooked and held on
    Tue 2.12. The one of Fri 12.12.2025 is missed too, and after the hearing (Mon 22.12.) the second failure
    ends the job search; notice and Kela's statement 22.12."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-11-03T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2025-11-07T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2025-11-21T09:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, MISSED)
    heard_without_an_answer(journey, "2025-12-01T09:00:00+02:00")
    assert journey.instance()["status"] == "running"
    assert outbox(journey)[-2:] == [("2025-12-01", "sanction_notice", "asiakas")] * 2
    assert [p["sanction"] for p in payloads(journey, type="sanction_notice")] == [
        "muistutus", "muistutus: seuraava laiminlyönti päättää työnhaun"]
    assert payloads(journey)[-1]["ends_job_search"] is False
    assert journey.task("supplementary_discussion")["due_date"] == "2025-11-21"  # still owed: booked again

    journey.on("2025-12-02T10:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, HELD)
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)  # 7.11.–6.12. met: one hearing only
    journey.on("2025-12-12T09:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, MISSED)
    heard_without_an_answer(journey, "2025-12-22T09:00:00+02:00")

    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2025-12-22T09:00:00+02:00"
    assert [(e["data"]["inputs"]["Monesko laiminlyönti työnhaun aikana"], e["data"]["outputs"]["ends_job_search"])
            for e in journey.history("decision_evaluated", "assess_missed_appointment")] == [(1, False), (2, True)]
    assert sanctions(journey)[-2:] == [("2025-12-22", "kela", "2025-12-12", 2, SEVEN_DAYS),
                                       ("2025-12-22", "asiakas", "2025-12-12", 2, SEVEN_DAYS)]
    assert outbox(journey)[-2:] == [("2025-12-22", "sanction_notice", "asiakas"),
                                    ("2025-12-22", "status_change_statement", "kela")]


def test_an_excused_absence_on_fri_10_4_2026_moves_the_discussion_to_a_new_time_with_no_consequence(journey):
    """Plan Mon 12.1.2026; the job-search discussion of Fri 10.4.2026 is missed, but the customer phoned in
    sick that morning: the caseworker records an excused absence and a new time, Wed 15.4. The discussion
    opens again for that day; no notice, no consequence, nothing in the customer record, the job search
    goes on."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-12T10:00:00+02:00")
    interview_and_plan(journey)
    for month in ("02", "03", "04"):
        journey.on(f"2026-{month}-10T09:00:00+02:00")
        journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    assert journey.task("job_search_discussion")["due_date"] == "2026-04-10"
    journey.do("job_search_discussion", CASEWORKER, {**HELD, "customer_attended": False, "absence_excused": True,
                                                     "new_appointment_date": "2026-04-15"})
    assert journey.instance()["status"] == "running"
    assert "job_search_discussion" not in journey.open_tasks()
    journey.on("2026-04-15T09:00:00+03:00")
    assert journey.task("job_search_discussion")["due_date"] == "2026-04-15"
    journey.do("job_search_discussion", CASEWORKER, HELD)
    assert [o for o in outbox(journey) if o[1] == "sanction_notice"] == []
    assert journey.history("decision_evaluated", "assess_missed_appointment") == []
    from sqlalchemy import select
    from tva_flow.store.models import CustomerEvent
    with journey.service.db.read() as s:
        assert s.scalars(select(CustomerEvent)).all() == []


def test_who_booked_an_earlier_excused_appointment_does_not_carry_over_to_the_next_one(make_service, sqlite_url,
                                                                                      frozen):
    """Registered Mon 3.11.2025, interviewed Fri 7.11. The customer booked the discussion of Fri 21.11. online
    and phoned in sick: excused, a new time Tue 25.11., held. The next one, booked by the authority, is
    missed without a word; after the hearing it is a first failure to deal with the authority before
    1.3.2026 — a reminder, not the end of the job search that a self-booked no-show would be."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-11-03T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2025-11-07T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2025-11-21T09:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, {**HELD, "customer_attended": False, "absence_excused": True,
                                                       "new_appointment_date": "2025-11-25", "booked_by": "asiakas"})
    journey.on("2025-11-25T09:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, HELD)
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2025-12-05T09:00:00+02:00")
    assert journey.task("supplementary_discussion")["due_date"] == "2025-12-05"
    journey.do("supplementary_discussion", CASEWORKER, MISSED)
    heard_without_an_answer(journey, "2025-12-15T09:00:00+02:00")
    (consequence,) = journey.history("decision_evaluated", "assess_missed_appointment")
    assert consequence["data"]["inputs"]["Ajan varasi"] == "asiantuntija"
    assert consequence["data"]["outputs"]["ends_job_search"] is False
    assert journey.instance()["status"] == "running"


def test_a_no_show_at_a_time_the_customer_booked_ends_the_job_search_at_once_even_before_1_3_2026(
        make_service, sqlite_url, frozen):
    """Registered Mon 3.11.2025, interviewed Fri 7.11.2025. The customer booked the supplementary discussion
    of Fri 21.11.2025 online and did not come: a no-show at a self-booked time ends the job search at the
    first failure (authority-booked ones only at the second before 1.3.2026), once the customer has been
    heard (no answer by Fri 28.11.; assessed Mon 1.12.). The no-show is a failure in the customer record."""
    journey = journey_on(make_service, sqlite_url, frozen, "2025-11-03T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2025-11-07T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2025-11-21T09:00:00+02:00")
    journey.do("supplementary_discussion", CASEWORKER, {**MISSED, "booked_by": "asiakas"})
    assert journey.instance()["status"] == "running"
    heard_without_an_answer(journey, "2025-12-01T09:00:00+02:00")
    assert journey.instance()["status"] == "completed"
    (consequence,) = journey.history("decision_evaluated", "assess_missed_appointment")
    assert consequence["data"]["outputs"]["ends_job_search"] is True
    assert consequence["data"]["matched_rules"][0]["rule_id"] == "job_seeker_missed_appointment_rule_4"
    assert outbox(journey)[-1] == ("2025-12-01", "status_change_statement", "kela")
    from sqlalchemy import select
    from tva_flow.store.models import CustomerEvent
    with journey.service.db.read() as s:
        [failure] = s.scalars(select(CustomerEvent)).all()
    assert (failure.kind, failure.date, failure.data["failure"], failure.data["details"]["booked_by"]) == (
        "failure", "2025-11-21", "appointment_no_show", "asiakas")


# -- the labour-policy statement after a clarification ---------------------------------------------------
def test_own_business_needs_a_clarification_the_customer_answers_and_the_caseworker_states(journey):
    """Registered Mon 5.1.2026 with a business of one's own, applying to an unemployment fund: the fund is
    told on 5.1. that a statement is pending, the customer is asked to answer by Mon 19.1.; the customer
    answers Thu 8.1., the caseworker gives the statement the same day: to the fund and to the customer."""
    journey.start({"applies_for_benefit": True, "benefit_payer": FUND, "own_business": True}, user=CUSTOMER)
    assert outbox(journey) == [("2026-01-05", "registration_receipt", "asiakas"),
                               ("2026-01-05", "labour_policy_statement", FUND),
                               ("2026-01-05", "clarification_request", "asiakas")]
    pending, request = payloads(journey)[1:]
    assert pending["statement_type"] == "clarification_pending"
    assert pending["clarification_reasons"] == ["yritystoiminta tai oma työ"]
    assert request["answer_by"] == "2026-01-19"
    answer = journey.task("answer_clarification")
    assert (answer["candidate_group"], answer["due_date"]) == ("tyonhakija", "2026-01-19")
    assert journey.open_tasks() == ["answer_clarification", "initial_interview"]

    journey.on("2026-01-08T12:00:00+02:00")
    journey.do("answer_clarification", CUSTOMER, {"clarification_answer": "Toiminimi on lepäämässä, ei tuloja"})
    assert journey.task("give_labour_policy_statement")["candidate_group"] == "asiantuntija"
    journey.do("give_labour_policy_statement", CASEWORKER,
               {"labour_policy_conditions_met": True, "statement_reasoning": "Yritystoiminta sivutoimista"})
    assert outbox(journey)[3:] == [("2026-01-08", "labour_policy_statement", FUND),
                                   ("2026-01-08", "labour_policy_statement", "asiakas")]
    to_fund, to_customer = payloads(journey)[3:]
    assert to_fund["statement_type"] == "clarified" and to_fund["customer_answered"] is True
    assert to_fund["labour_policy_conditions_met"] is True
    assert to_customer["benefit_payer"] == FUND
    assert journey.open_tasks() == ["initial_interview"]


def test_an_unanswered_clarification_is_stated_on_after_the_answer_time(journey):
    """Registered Mon 5.1.2026 as a full-time student who resigned: the answer time ends with Mon 19.1.;
    at Tue 20.1. 00:00 the caseworker gets the statement to give, and gives it Wed 21.1. without an answer."""
    journey.start({"applies_for_benefit": True, "full_time_studies": True, "left_job_voluntarily": True},
                  user=CUSTOMER)
    assert payloads(journey, type="clarification_request")[0]["clarification_reasons"] == [
        "päätoimiset opinnot", "työstä eroaminen"]
    journey.on("2026-01-21T09:00:00+02:00")
    (expired,) = journey.history("timer_fired", "clarification_not_answered")
    assert expired["at"] == "2026-01-20T00:00:00+02:00"
    journey.do("give_labour_policy_statement", CASEWORKER,
               {"labour_policy_conditions_met": False, "statement_reasoning": "Päätoimiset opinnot"})
    statement = payloads(journey, type="labour_policy_statement", recipient="kela")[-1]
    assert outbox(journey, recipient="kela")[-1] == ("2026-01-21", "labour_policy_statement", "kela")
    assert statement["customer_answered"] is False and statement["labour_policy_conditions_met"] is False


# -- hand-overs -----------------------------------------------------------------------------------------
def test_a_multiprofessional_hand_over_is_recorded_in_the_outbox_and_starts_the_multiprofessional_service(journey):
    """Registered Mon 5.1.2026; the interview on Wed 7.1. finds a need for multi-professional support: the
    hand-over goes out on 7.1. as `multiprofessional_service_handover` and the multi-professional service
    starts for the same customer (the customer's consent first). Until its plan sets a job-search obligation
    none is set: the first review period 7.1.–6.2. passes without a report; the job-search discussions go on
    (the first by Tue 7.4.2026)."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-07T10:00:00+02:00")
    interview_and_plan(journey, {**INTERVIEW, "multiprofessional_support_needed": True}, plan=False)

    assert outbox(journey)[-1] == ("2026-01-07", "multiprofessional_service_handover", "multiprofessional_service")
    handover = payloads(journey)[-1]
    assert handover["plan_type"] == "multiprofessional_plan"
    assert handover["plan_name"] == "monialainen työllistymissuunnitelma"
    assert handover["job_search_start"] == "2026-01-05" and handover["benefit_payer"] == "kela"
    assert journey.set_by("record_handover", "handover") == [
        {"process": "multiprofessional_service", "plan_type": "multiprofessional_plan", "date": "2026-01-07"}]
    (received,) = every(journey.service.list_instances, SYSTEM, process_key="multiprofessional_service", business_key=CUSTOMER)
    assert received["status"] == "running" and received["started_at"] == "2026-01-07T10:00:00+02:00"
    assert [t["element_id"] for t in every(journey.service.list_tasks, SYSTEM, instance_id=received["id"])] == [
        "give_consent"]
    assert journey.open_tasks() == []
    assert journey.instance()["pending_timers"] == [
        {"element_id": "review_period_over", "name": "Tarkastelujakso päättyi", "due_at": "2026-02-07T00:00:00+02:00"},
        {"element_id": "discussion_due", "name": "Keskustelu ajankohtainen", "due_at": "2026-04-07T00:00:00+03:00"}]
    assert "draw_up_employment_plan" not in [h["element_id"] for h in journey.history("task_created")]


@pytest.mark.parametrize("answers, handover_type, recipient", [
    ({"activation_condition_met": True}, "activation_plan_handover", "activation_plan"),
    ({"integration_plan_needed": True}, "integration_plan_handover", "integration_plan"),
], ids=["activation", "integration"])
def test_activation_and_integration_plans_are_handed_over_on_the_interview_day(journey, answers, handover_type,
                                                                               recipient):
    """Registered Mon 5.1.2026, interviewed Wed 7.1.: the plan DMN hands the customer over, recorded 7.1."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-07T10:00:00+02:00")
    interview_and_plan(journey, {**INTERVIEW, **answers}, plan=False)
    assert outbox(journey)[-1] == ("2026-01-07", handover_type, recipient)
    assert journey.set_by("record_handover", "handover")[0]["process"] == recipient



def test_one_ladder_per_person_a_failure_in_a_second_job_search_within_12_months_is_the_second_rung(journey):
    """One person, two job searches. The first (registered Mon 5.1.2026, plan 19.1.): nothing reported for
    19.2.–18.3. → the 1st failure (18.3.2026), 7 days without benefit; employed on 10.4., the job search
    ends. Registered again Mon 4.5.2026, plan 18.5.: nothing reported for 18.6.–17.7. → within 12 months of
    the first failure, so the 2nd (17.7.2026): a 6-week work requirement — the count lives in the customer
    record ("Asiakkaan tiedot"), not in one case, so re-registering does not reset it."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-02-16T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-03-19T09:00:00+02:00")  # 19.2.–18.3. never reported: heard, no answer by 26.3.
    heard_without_an_answer(journey, "2026-03-27T09:00:00+02:00")
    assert sanctions(journey)[-1] == ("2026-03-27", "asiakas", "2026-03-18", 1, SEVEN_DAYS)
    journey.on("2026-04-10T09:00:00+03:00")
    journey.service.send_message(SYSTEM, "employed", CUSTOMER, {"employment_start": "2026-04-20"})
    assert journey.instance()["status"] == "completed"

    journey.on("2026-05-04T09:00:00+03:00")  # the job ended; the same person registers again
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-05-18T10:00:00+03:00")
    interview_and_plan(journey)
    journey.on("2026-06-16T09:00:00+03:00")
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)  # 18.5.–17.6. met
    # 18.6.–17.7. never reported: heard from Sat 18.7. (due Sat 25.7. → Mon 27.7.), assessed Tue 28.7.
    heard_without_an_answer(journey, "2026-07-28T09:00:00+03:00")
    assert sanctions(journey)[-2:] == [("2026-07-28", "kela", "2026-07-17", 2, SIX_WEEKS),
                                       ("2026-07-28", "asiakas", "2026-07-17", 2, SIX_WEEKS)]
    (second,) = journey.history("decision_evaluated", "determine_sanction")
    assert second["data"]["inputs"] == {"Laiminlyöntipäivä": "2026-07-17", "Monesko laiminlyönti 12 kuukauden aikana": 2,
                                        "Aiempi seuraamus vielä voimassa": False}


def test_an_unreported_month_is_a_request_for_explanation_and_an_acceptable_answer_means_no_sanction(journey):
    """Plan Mon 19.1.2026; 19.1.–18.2. is never reported. A month without a report is not a failure by
    itself (hallintolaki 34 §): on Thu 19.2. the customer is asked for an explanation, due Thu 26.2.; they
    answer on 23.2. (hospitalised), the caseworker accepts it on 24.2.: no failure, no statement, nothing
    in the customer record."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-02-19T09:00:00+02:00")
    [request] = payloads(journey, type="clarification_request")[-1:]
    assert (request["requested_on"], request["answer_by"]) == ("2026-02-19", "2026-02-26")
    explanation = journey.task("give_explanation")
    assert (explanation["candidate_group"], explanation["due_date"]) == ("asiakas", "2026-02-26")
    journey.on("2026-02-23T09:00:00+02:00")
    journey.do("give_explanation", CUSTOMER, {"explanation": "Olin sairaalassa 2.–16.2."})
    journey.on("2026-02-24T09:00:00+02:00")
    journey.do("assess_explanation", CASEWORKER, {"acceptable_reason": True, "assessment": "Sairaalahoito"})
    journey.on("2026-03-20T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)  # the next period goes on as usual
    assert sanctions(journey) == []
    assert journey.history("decision_evaluated", "determine_sanction") == []


# -- the initial interview: attended, excused, no-show ---------------------------------------------------
def test_a_no_show_at_the_initial_interview_on_mon_2_3_2026_ends_the_job_search_after_the_hearing(
        make_service, sqlite_url, frozen):
    """Registered Mon 16.2.2026 (interview due by Mon 2.3.2026, 10 working days). On Mon 2.3.2026 the customer
    does not come to the interview the authority booked and gives no reason. Heard: asked that day to
    explain by Mon 9.3.; no answer; on Tue 10.3. the caseworker finds no acceptable reason. From 1.3.2026
    the first failure ends the job search — the customer is told and Kela gets the status-change statement
    on 10.3.; the no-show is a failure in the customer record, 7 days without benefit on the ladder."""
    journey = journey_on(make_service, sqlite_url, frozen, "2026-02-16T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    assert journey.task("initial_interview")["due_date"] == "2026-03-02"
    journey.on("2026-03-02T10:00:00+02:00")
    journey.do("initial_interview", CASEWORKER, {"customer_attended": False, "absence_excused": False})
    assert journey.instance()["status"] == "running"
    assert payloads(journey, type="clarification_request")[-1]["answer_by"] == "2026-03-09"
    heard_without_an_answer(journey, "2026-03-10T09:00:00+02:00")
    instance = journey.instance()
    assert instance["status"] == "completed" and instance["ended_at"] == "2026-03-10T09:00:00+02:00"
    (consequence,) = journey.history("decision_evaluated", "assess_interview_no_show")
    assert consequence["data"]["outputs"]["ends_job_search"] is True
    assert consequence["data"]["inputs"] == {"Laiminlyöntipäivä": "2026-03-02",
                                             "Monesko laiminlyönti työnhaun aikana": 1, "Ajan varasi": "asiantuntija"}
    assert outbox(journey)[-2:] == [("2026-03-10", "sanction_notice", "asiakas"),
                                    ("2026-03-10", "status_change_statement", "kela")]
    notice = payloads(journey, type="sanction_notice")[-1]
    assert (notice["appointment"], notice["ends_job_search"]) == ("initial_interview", True)
    assert sanctions(journey) == [("2026-03-10", "kela", "2026-03-02", 1, SEVEN_DAYS),
                                  ("2026-03-10", "asiakas", "2026-03-02", 1, SEVEN_DAYS)]
    from sqlalchemy import select
    from tva_flow.store.models import CustomerEvent
    with journey.service.db.read() as s:
        failure = s.scalars(select(CustomerEvent).where(CustomerEvent.kind == "failure")).one()
    assert (failure.date, failure.data["failure"], failure.data["details"]["appointment"]) == (
        "2026-03-02", "appointment_no_show", "initial_interview")


def test_an_excused_absence_from_the_initial_interview_gets_a_new_time_and_no_consequence(make_service, sqlite_url,
                                                                                         frozen):
    """Registered Mon 16.2.2026; on Mon 2.3.2026 the customer phones in sick: an excused absence, a new time
    Thu 5.3. The interview opens again (its statutory deadline, 2.3., has passed and is flagged), is held on
    5.3. and the plan follows; no notice, no failure."""
    journey = journey_on(make_service, sqlite_url, frozen, "2026-02-16T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-03-02T10:00:00+02:00")
    journey.do("initial_interview", CASEWORKER, {"customer_attended": False, "absence_excused": True,
                                                 "new_appointment_date": "2026-03-05"})
    assert journey.instance()["status"] == "running"
    assert journey.open_tasks() == ["initial_interview"]
    journey.on("2026-03-05T10:00:00+02:00")
    interview_and_plan(journey)
    assert "report_job_applications" in journey.open_tasks()
    assert [o for o in outbox(journey) if o[1] == "sanction_notice"] == []
    assert journey.history("decision_evaluated", "assess_interview_no_show") == []
    assert journey.set_by("reschedule_interview", "interview_appointment_date") == ["2026-03-05"]


def test_before_1_3_2026_an_initial_interview_no_show_is_a_reminder_and_a_new_time(make_service, sqlite_url, frozen):
    """Registered Mon 2.2.2026; the customer misses the interview of Mon 16.2.2026 without a reason: before
    1.3.2026 a first failure is a reminder. Heard (no answer by Mon 23.2.), on Tue 24.2. the caseworker finds
    no acceptable reason: a reminder, and the interview opens again; it is held on Wed 25.2. A second
    no-show in the job search would end it."""
    journey = journey_on(make_service, sqlite_url, frozen, "2026-02-02T09:00:00+02:00")
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-02-16T10:00:00+02:00")
    journey.do("initial_interview", CASEWORKER, {"customer_attended": False, "absence_excused": False,
                                                 "new_appointment_date": "2026-02-18"})
    heard_without_an_answer(journey, "2026-02-24T09:00:00+02:00")
    assert journey.instance()["status"] == "running"
    assert outbox(journey)[-1] == ("2026-02-24", "sanction_notice", "asiakas")
    assert payloads(journey, type="sanction_notice")[-1]["ends_job_search"] is False
    journey.on("2026-02-25T10:00:00+02:00")
    interview_and_plan(journey)
    assert journey.instance()["status"] == "running"
    (consequence,) = journey.history("decision_evaluated", "assess_interview_no_show")
    assert (consequence["data"]["inputs"]["Monesko laiminlyönti työnhaun aikana"],
            consequence["data"]["outputs"]["ends_job_search"]) == (1, False)


# -- failures the caseworker or the payer reports; sanctions that would stack ------------------------------
def test_a_refused_plan_reported_on_wed_4_2_2026_is_heard_and_goes_on_the_same_ladder(journey):
    """Registered Mon 5.1.2026, plan 19.1. On Wed 4.2.2026 the caseworker reports that the customer refused
    to follow the plan (message job_search_failure_reported, failure plan_refusal). The customer is heard
    (answer by Wed 11.2.), no answer, assessed Thu 12.2.: before 1.3.2026 a first failure is a reminder;
    the failure is in the customer record with its kind. A job offer not applied for on 10.12.2025 is not on
    the ladder before 1.1.2026: the report is refused with the table's reason and nothing is recorded."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-02-04T09:00:00+02:00")
    journey.service.send_message(SYSTEM, "job_search_failure_reported", CUSTOMER, {
        "failure": "plan_refusal", "failure_date": "2026-02-04", "description": "Kieltäytyi työnhakuvalmennuksesta"})
    request = payloads(journey, type="clarification_request")[-1]
    assert (request["matter"], request["answer_by"]) == ("plan_refusal", "2026-02-11")
    assert "Kieltäytyi työnhakuvalmennuksesta" in request["grounds"]
    heard_without_an_answer(journey, "2026-02-12T09:00:00+02:00")
    assert sanctions(journey) == [("2026-02-12", "asiakas", "2026-02-04", 1, "muistutus")]
    notice = payloads(journey, type="sanction_notice")[-1]
    assert notice["reason"] == "plan_refusal" and notice["appeal"]["legal_basis"]

    with pytest.raises(Exception) as refused:
        journey.service.send_message(SYSTEM, "job_search_failure_reported", CUSTOMER, {
            "failure": "job_offer_not_applied", "failure_date": "2025-12-10"})
    assert "ennen 1.1.2026" in str(refused.value)
    from sqlalchemy import select
    from tva_flow.store.models import CustomerEvent
    with journey.service.db.read() as s:
        kinds = [(e.kind, e.data.get("failure")) for e in s.scalars(select(CustomerEvent))]
    assert kinds == [("failure", "plan_refusal")]
    # the listener is still there for the next report
    assert "job_search_failure_reported" in [m["message_name"] for m in journey.instance()["message_subscriptions"]]


def test_a_work_requirement_blocks_new_sanctions_until_the_payer_reports_it_met(journey):
    """From 1.3.2026: a job offer not applied for on Tue 3.3.2026 is the 1st failure (7 days); one on
    Mon 16.3. the 2nd (a 6-week work requirement). A plan refused on Wed 1.4. while that work requirement is
    unmet gets no new sanction (työttömyysturvalaki 2 a luku 10 § 4 mom.) and is not counted. Kela reports
    the requirement met on Fri 15.5.2026; a service refused on Mon 1.6. is then the 3rd counted failure
    within 12 months — again a 6-week work requirement."""
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey, plan={**PLAN, "obligation_lowered": True, "lowered_obligation": 0,
                                      "obligation_lowered_reason": "Kuntoutus"})

    def fails(kind: str, on: str, assessed: str) -> tuple:
        journey.on(f"{on}T09:00:00+02:00")
        journey.service.send_message(SYSTEM, "job_search_failure_reported", CUSTOMER,
                                     {"failure": kind, "failure_date": on})
        heard_without_an_answer(journey, f"{assessed}T09:00:00+03:00")
        return sanctions(journey)[-1]

    assert fails("job_offer_not_applied", "2026-03-03", "2026-03-11") == (
        "2026-03-11", "asiakas", "2026-03-03", 1, SEVEN_DAYS)
    assert fails("job_offer_not_applied", "2026-03-16", "2026-03-24") == (
        "2026-03-24", "asiakas", "2026-03-16", 2, SIX_WEEKS)
    assert fails("plan_refusal", "2026-04-01", "2026-04-09") == ("2026-04-09", "asiakas", "2026-04-01", 3, STACKED)
    assert [s["work_requirement_weeks"] for s in payloads(journey, type="labour_policy_statement")
            if s["statement_type"] == "sanction"] == [0, 6]  # nothing to Kela for the stacked one
    journey.on("2026-05-15T09:00:00+03:00")
    journey.service.send_message(SYSTEM, "work_requirement_met", CUSTOMER, {"met_on": "2026-05-15"})
    assert fails("service_refusal", "2026-06-01", "2026-06-09") == (
        "2026-06-09", "asiakas", "2026-06-01", 3, SIX_WEEKS)
