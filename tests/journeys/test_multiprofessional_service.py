"""Multi-professional service (monialainen yhteispalvelu, Act 381/2023) journeys with frozen time: the
employment authority, the wellbeing services county and Kela assess, plan and review together; the
job-search obligation of the plan is followed in the customer's job-seeker follow-up.

Legal values (statutory-rules.md §5, in dmn/multiprofessional_deadlines.dmn): the assessment is intensive and
lasts at most 3 months from its start (the hand-over or referral day); the multi-professional employment
plan is due within 3 months of that start, a deadline on a weekend or a public holiday moving to the next
working day (Act 150/1930 5 §); the plan is reviewed at least every 6 months and its job-search obligation
part every 3. Everything sent outside is asserted in the outbox, with its date.
"""
from __future__ import annotations

import pytest

from tests.identities import AREA, SYSTEM, caseworker
from tva_flow.auth.actor import actor
from tva_flow.errors import ProcessFailed
from tests.journeys.journey import Journey
from tests.journeys.test_change_security import outbox as change_security_outbox, payloads as change_security_payloads
from tests.pages import every

CUSTOMER, CASEWORKER = "010190-123A", "anna.asiantuntija"
SOCIAL_WORKER, KELA_EXPERT, SUPERVISOR = "sanna.sosiaalityo", "kalle.kela", "essi.esihenkilo"
COUNTY_SYSTEM = actor("hyvinvointialue.integraatio", roles=["integration"], areas=[AREA])  # the county's e-service
GROUPS = {SOCIAL_WORKER: "hyvinvointialue", KELA_EXPERT: "kela", SUPERVISOR: "esihenkilo", CASEWORKER: "asiantuntija"}

INTERVIEW = {"service_need_assessment": "Pitkä työttömyys, terveydentila ja elämäntilanne edellyttävät yhteistä tukea",
             "integration_plan_needed": False, "multiprofessional_support_needed": True,
             "activation_condition_met": False, "unemployment_ends_within_3_months": False}
EMPLOYMENT = {"competence": "Varastotyö 10 vuotta", "employment_services_needed": ["työkokeilu"]}
SOCIAL = {"social_situation": "Velkoja, asumisen tuki tarpeen", "health_situation": "Selkävaiva",
          "county_services_needed": ["kuntouttava työtoiminta", "terveystarkastus"]}
REHABILITATION = {"work_capacity": "Osittain alentunut", "rehabilitation_needed": True,
                  "rehabilitation_services": ["ammatillinen kuntoutus"]}
NEEDED = {"coordinated_services_needed": True, "activation_condition_met": False,
          "assessment_summary": "Työllistyminen edellyttää työ-, sosiaali-, terveys- ja kuntoutuspalveluja yhdessä"}
PLAN = {"employment_services": ["työkokeilu"], "county_services": ["kuntouttava työtoiminta"],
        "kela_rehabilitation": True, "rehabilitation_services": ["ammatillinen kuntoutus"],
        "work_situation": "unemployed", "obligation_lowered": True, "lowered_obligation": 2,
        "obligation_lowered_reason": "Kuntoutus ja kuntouttava työtoiminta vievät osan ajasta",
        "customer_tasks": "Hae 2 työpaikkaa kuussa"}
EMPLOYMENT_PLAN = {"work_situation": "unemployed", "obligation_lowered": False, "agreed_services": ["työnhakuvalmennus"],
                   "customer_tasks": "Hae 4 työpaikkaa kuussa"}


def act(journey: Journey, element_id: str, user: str, data: dict) -> dict:
    """The person (a customer, or staff in their own group: the county's social worker, Kela's expert, the
    supervisor, the employment authority's caseworker) claims the open task and completes it."""
    return journey.do(element_id, user, data, caseworker(user, groups=(GROUPS[user],)) if user in GROUPS else None)


def case_of(service) -> Journey:
    """The customer's multi-professional service case."""
    (case,) = every(service.list_instances, SYSTEM, process_key="multiprofessional_service", business_key=CUSTOMER)
    journey = Journey(service, "multiprofessional_service", CUSTOMER)
    journey.instance_id = case["id"]
    return journey


def handed_over(service) -> tuple[Journey, Journey]:
    """Registered Mon 5.1.2026 09:00 with a benefit application; the initial interview the same day finds that
    employment needs coordinated services: the follow-up hands the customer over on 5.1."""
    follow_up = Journey(service, "job_seeker_followup", CUSTOMER)
    follow_up.start({"applies_for_benefit": True}, user=CUSTOMER)
    follow_up.do("initial_interview", CASEWORKER, INTERVIEW)
    return follow_up, case_of(service)


def assessed(case: Journey, finding: dict | None = None) -> None:
    """The customer consents; each authority assesses its part; the employment authority records the finding."""
    act(case, "give_consent", CUSTOMER, {"consent_given": True})
    act(case, "assess_employment", CASEWORKER, EMPLOYMENT)
    act(case, "assess_social_and_health", SOCIAL_WORKER, SOCIAL)
    act(case, "assess_rehabilitation", KELA_EXPERT, REHABILITATION)
    act(case, "record_joint_finding", CASEWORKER, finding or NEEDED)


def outbox(service, **filters) -> list[tuple]:
    return change_security_outbox(service, CUSTOMER, **filters)


def payloads(service, **filters) -> list[dict]:
    return change_security_payloads(service, CUSTOMER, **filters)


def fired_in(journey: Journey, when: str) -> list[str]:
    """Move the clock to ``when``; the timers of this case that fired on the way."""
    return [f["element_id"] for f in journey.on(when) if f.get("instance_id") == journey.instance_id]


def timers(journey: Journey) -> dict[str, str]:
    return {t["element_id"]: t["due_at"] for t in journey.instance()["pending_timers"]}


def period_obligations(follow_up: Journey) -> list[tuple]:
    """(period start, applications required) of each review period the follow-up has begun."""
    return [(h["data"]["inputs"]["Jakson alkamispäivä"], h["data"]["outputs"]["job_search_obligation"])
            for h in follow_up.history("decision_evaluated", "determine_period_obligation")]


@pytest.fixture
def journey(service):
    return handed_over(service)


def test_hand_over_on_mon_5_1_2026_the_assessment_ends_sun_5_4_and_the_plan_is_due_tue_7_4_after_easter(journey):
    """The hand-over of Mon 5.1.2026 starts the assessment that day: 3 months on is Sun 5.4.2026 (Easter Day),
    so the assessment's time runs out at the end of 5.4. and the plan is due on Tue 7.4. (Easter Monday 6.4. is
    a public holiday). The customer's consent is the first task; every part of the assessment is due by 5.4."""
    follow_up, case = journey
    assert outbox(case.service, type="multiprofessional_service_handover") == [
        ("2026-01-05", "multiprofessional_service_handover", "multiprofessional_service")]
    (deadlines,) = case.history("decision_evaluated", "determine_deadlines")
    assert deadlines["data"]["outputs"] == {"assessment_ends": "2026-04-05", "plan_due": "2026-04-07",
                                            "review_interval_months": 6, "obligation_review_interval_months": 3}
    (referral,) = case.history("decision_evaluated", "check_referral")
    assert referral["data"]["outputs"]["assess"] is True
    assert case.open_tasks() == ["give_consent"]
    consent = case.task("give_consent")
    assert (consent["candidate_group"], consent["due_date"]) == ("asiakas", "2026-04-05")
    assert timers(case) == {"assessment_time_ended": "2026-04-06T00:00:00+03:00"}

    case.on("2026-01-12T10:00:00+02:00")
    act(case, "give_consent", CUSTOMER, {"consent_given": True})
    parts = {t["element_id"]: (t["candidate_group"], t["due_date"]) for t in every(case.service.list_tasks, SYSTEM,
                                                                                   instance_id=case.instance_id)}
    assert parts == {"assess_employment": ("asiantuntija", "2026-04-05"),
                     "assess_social_and_health": ("hyvinvointialue", "2026-04-05"),
                     "assess_rehabilitation": ("kela", "2026-04-05")}
    # each authority sees its own part of the joint assessment, not the others'
    seen = {who: sorted(t["element_id"] for t in every(case.service.list_tasks,
                                                       caseworker(who, groups=(group,)), instance_id=case.instance_id))
            for who, group in GROUPS.items() if group != "esihenkilo"}
    assert seen == {SOCIAL_WORKER: ["assess_social_and_health"], KELA_EXPERT: ["assess_rehabilitation"],
                    CASEWORKER: ["assess_employment"]}

    act(case, "assess_employment", CASEWORKER, EMPLOYMENT)
    act(case, "assess_social_and_health", SOCIAL_WORKER, SOCIAL)
    act(case, "assess_rehabilitation", KELA_EXPERT, REHABILITATION)
    act(case, "record_joint_finding", CASEWORKER, NEEDED)
    plan = case.task("draw_up_plan")
    assert (plan["candidate_group"], plan["due_date"]) == ("asiantuntija", "2026-04-07")
    assert timers(case) == {"plan_late": "2026-04-08T00:00:00+03:00"}


def test_a_plan_of_mon_2_2_2026_is_reviewed_on_2_8_and_its_obligation_part_on_2_5_2_8_and_2_11(journey):
    """Plan drawn up Mon 2.2.2026 with a job-search obligation lowered to 2 a month: it goes to the customer
    and the follow-up on 2.2.; the obligation part is reviewed on 2.5., 2.8. and 2.11.2026 (every 3 months),
    the whole plan on 2.8.2026 and 2.2.2027 (every 6) — Kela took part, the plan holding its rehabilitation."""
    follow_up, case = journey
    case.on("2026-01-20T10:00:00+02:00")
    assessed(case)
    case.on("2026-02-02T10:00:00+02:00")
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    assert outbox(case.service, type="multiprofessional_plan") == [("2026-02-02", "multiprofessional_plan", "asiakas")]
    (sent,) = payloads(case.service, type="multiprofessional_plan")
    assert sent["plan_type"] == "multiprofessional_plan" and sent["drawn_up_late"] is False
    assert (sent["lowered_obligation"], sent["next_obligation_review"], sent["next_review"]) == (
        2, "2026-05-02", "2026-08-02")
    assert timers(case) == {"plan_review_due": "2026-08-02T00:00:00+03:00",
                            "obligation_review_due": "2026-05-02T00:00:00+03:00"}

    assert fired_in(case, "2026-05-02T09:00:00+03:00") == ["obligation_review_due"]
    assert case.open_tasks() == ["review_obligation_part"]
    assert case.task("review_obligation_part")["due_date"] == "2026-05-02"
    act(case, "review_obligation_part", CASEWORKER, {"work_situation": "unemployed", "obligation_lowered": True,
                                                     "lowered_obligation": 3, "obligation_lowered_reason": "Kuntoutus",
                                                     "review_notes": "Kuntoutus etenee"})
    assert outbox(case.service, type="multiprofessional_plan")[-1] == ("2026-05-02", "multiprofessional_plan", "asiakas")
    assert timers(case)["obligation_review_due"] == "2026-08-02T00:00:00+03:00"

    case.on("2026-08-02T09:00:00+03:00")
    assert case.open_tasks() == ["review_obligation_part", "review_plan"]
    act(case, "review_plan", CASEWORKER, {"coordinated_services_still_needed": True, "kela_took_part": True,
                                          "review_notes": "Jatketaan, kuntoutus kesken"})
    act(case, "review_obligation_part", CASEWORKER, {"work_situation": "unemployed", "obligation_lowered": True,
                                                     "lowered_obligation": 3, "obligation_lowered_reason": "Kuntoutus"})
    assert timers(case) == {"plan_review_due": "2027-02-02T00:00:00+02:00",
                            "obligation_review_due": "2026-11-02T00:00:00+02:00"}
    # the follow-up holds the obligation: none until the plan, 2 a month from the period after 2.2., 3 after 2.5.
    assert period_obligations(follow_up)[:6] == [("2026-01-05", 0), ("2026-02-05", 2), ("2026-03-05", 2),
                                                 ("2026-04-05", 2), ("2026-05-05", 3), ("2026-06-05", 3)]


def test_the_assessment_running_out_on_5_4_and_the_plan_late_on_7_4_go_to_the_supervisor(journey):
    """Nothing assessed by the end of Sun 5.4.2026: at Mon 6.4. 00:00 the supervisor gets the delay to handle,
    the assessment staying open. Assessed on 1.4.-ish later and no plan by Tue 7.4.: at Wed 8.4. 00:00 the
    supervisor gets the late plan; the plan drawn up on 9.4. is marked late in what the customer gets."""
    follow_up, case = journey
    act(case, "give_consent", CUSTOMER, {"consent_given": True})
    assert fired_in(case, "2026-04-06T00:00:00+03:00") == ["assessment_time_ended"]
    assert case.task("escalate_assessment")["candidate_group"] == "esihenkilo"
    assert "assess_social_and_health" in case.open_tasks()
    act(case, "escalate_assessment", SUPERVISOR, {"escalation_action": "Kela ja hyvinvointialue muistutettu",
                                                  "responsible_caseworker": CASEWORKER})
    case.on("2026-04-07T10:00:00+03:00")
    act(case, "assess_employment", CASEWORKER, EMPLOYMENT)
    act(case, "assess_social_and_health", SOCIAL_WORKER, SOCIAL)
    act(case, "assess_rehabilitation", KELA_EXPERT, REHABILITATION)
    act(case, "record_joint_finding", CASEWORKER, NEEDED)
    assert case.history("timer_fired", "plan_late") == []
    assert fired_in(case, "2026-04-08T00:00:00+03:00") == ["plan_late"]
    assert case.open_tasks() == ["draw_up_plan", "escalate_late_plan"]
    assert case.task("escalate_late_plan")["candidate_group"] == "esihenkilo"
    case.on("2026-04-09T10:00:00+03:00")
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    (sent,) = payloads(case.service, type="multiprofessional_plan")
    assert (sent["plan_date"], sent["plan_due"], sent["drawn_up_late"]) == ("2026-04-09", "2026-04-07", True)


def test_nothing_reported_under_the_plans_obligation_is_heard_in_the_follow_up_like_any_job_seekers_failure(journey):
    """Plan of Mon 2.2.2026: 2 applications a month from the period 5.2.–4.3.2026. Nothing reported: at the end
    of 4.3. the follow-up's review asks the customer to explain (the shared hearing), and without an
    acceptable reason the sanction comes from the one ladder of the person: the 1st failure, 7 days."""
    follow_up, case = journey
    assessed(case)
    case.on("2026-02-02T10:00:00+02:00")
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    case.on("2026-03-05T09:00:00+02:00")
    assert "give_explanation" in follow_up.open_tasks()
    request = [p for p in payloads(case.service, type="clarification_request") if p.get("matter")][-1]
    assert (request["recipient"], request["requested_on"], request["answer_by"]) == ("asiakas", "2026-03-05", "2026-03-12")
    assert request["grounds"].startswith("Tarkastelujaksolla 5.2.2026–4.3.2026 ilmoitettiin 0 haettua "
                                         "työmahdollisuutta; monialaisen työllistymissuunnitelman mukaan 2.")
    case.on("2026-03-13T09:00:00+02:00")  # the answer time has passed
    follow_up.do("assess_explanation", CASEWORKER, {"acceptable_reason": False,
                                                     "assessment": "Selvitystä ei saatu määräpäivään mennessä"})
    sanction = [p for p in payloads(case.service) if p.get("failure_number") is not None][-1]
    assert (sanction["failure_date"], sanction["failure_number"], sanction["sanction"]) == (
        "2026-03-04", 1, "7 päivän korvaukseton määräaika")


def test_the_three_authorities_end_the_service_on_2_8_2026_and_the_customer_is_back_with_an_employment_plan(journey):
    """At the review of 2.8.2026 the three authorities find that coordinated services are no longer needed: the
    employment authority draws up an employment plan (4 applications a month) that goes to the customer and the
    follow-up, which from the next review period (5.8.) follows 4 a month; the service case ends."""
    follow_up, case = journey
    assessed(case)
    case.on("2026-02-02T10:00:00+02:00")
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    case.on("2026-08-02T09:00:00+03:00")
    act(case, "review_plan", CASEWORKER, {"coordinated_services_still_needed": False, "kela_took_part": True,
                                          "review_notes": "Kuntoutus päättynyt, työkyky palautunut"})
    assert case.open_tasks() == ["draw_up_employment_plan"]  # the obligation review waiting too was ended
    act(case, "draw_up_employment_plan", CASEWORKER, EMPLOYMENT_PLAN)
    assert case.instance()["status"] == "completed"
    assert outbox(case.service, type="handover_to_employment_plan") == [
        ("2026-08-02", "handover_to_employment_plan", "asiakas")]
    (back,) = payloads(case.service, type="handover_to_employment_plan")
    assert back["plan_type"] == "employment_plan" and back["multiprofessional_plan_date"] == "2026-02-02"
    assert back["services_in_multiprofessional_plan"] == ["työkokeilu", "kuntouttava työtoiminta", "ammatillinen kuntoutus"]
    assert follow_up.set_by("record_service_plan", "service_plan")[-1] == {
        "plan_type": "employment_plan", "plan_name": "työllistymissuunnitelma", "date": "2026-08-02"}
    case.on("2026-08-06T09:00:00+03:00")
    assert period_obligations(follow_up)[-2:] == [("2026-07-05", 2), ("2026-08-05", 4)]
    assert follow_up.instance()["status"] == "running"


def test_the_customer_employed_on_4_5_2026_ends_the_job_search_and_with_it_the_service(journey):
    """Plan in force since 2.2.2026; the customer starts full-time work on Mon 4.5.2026: the follow-up ends the
    job search (a statement to Kela) and tells the service, which ends that day — no review of 2.5.'s
    obligation part or of 2.8.2026's plan is left waiting, no timer stays behind."""
    follow_up, case = journey
    assessed(case)
    case.on("2026-02-02T10:00:00+02:00")
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    case.on("2026-05-04T09:00:00+03:00")
    act(case, "review_obligation_part", CASEWORKER, {"work_situation": "unemployed", "obligation_lowered": True,
                                                     "lowered_obligation": 2, "obligation_lowered_reason": "Kuntoutus"})
    case.service.send_message(SYSTEM, "employed", CUSTOMER, {"employment_start": "2026-05-04", "full_time": True})
    assert follow_up.instance()["status"] == "completed"
    assert outbox(case.service, type="job_search_closed") == [
        ("2026-05-04", "job_search_closed", "multiprofessional_service")]
    (closed,) = payloads(case.service, type="job_search_closed")
    assert (closed["job_search_end_reason"], closed["job_search_closed_on"]) == ("employed", "2026-05-04")
    ended = case.instance()
    assert (ended["status"], ended["ended_at"]) == ("completed", "2026-05-04T09:00:00+03:00")
    assert ended["open_tasks"] == [] and ended["pending_timers"] == [] and ended["message_subscriptions"] == []
    assert [h["element_id"] for h in case.history("end_event")][-1] == "ended_with_job_search"


@pytest.mark.parametrize("stage, waiting, end", [
    ("assessment", ["assess_employment", "assess_rehabilitation", "assess_social_and_health"], "ended_in_assessment"),
    ("plan", ["draw_up_plan"], "ended_before_plan")])
def test_a_job_search_the_customer_ends_on_23_1_2026_ends_the_service_where_it_stands(journey, stage, waiting, end):
    """The customer ends the job search on Fri 23.1.2026 (studies start) while the three authorities still
    assess (or the plan is still being drawn up): the service ends; the county's and Kela's open parts are
    withdrawn from their lists."""
    follow_up, case = journey
    case.on("2026-01-12T10:00:00+02:00")
    act(case, "give_consent", CUSTOMER, {"consent_given": True})
    if stage == "plan":
        for element, user, data in (("assess_employment", CASEWORKER, EMPLOYMENT),
                                    ("assess_social_and_health", SOCIAL_WORKER, SOCIAL),
                                    ("assess_rehabilitation", KELA_EXPERT, REHABILITATION),
                                    ("record_joint_finding", CASEWORKER, NEEDED)):
            act(case, element, user, data)
    assert case.open_tasks() == waiting
    case.on("2026-01-23T12:00:00+02:00")
    case.service.send_message(SYSTEM, "job_search_ended", CUSTOMER, {"reason": "opiskelu alkaa"})
    (closed,) = payloads(case.service, type="job_search_closed")
    assert (closed["job_search_end_reason"], closed["job_search_closed_on"]) == ("customer_ended", "2026-01-23")
    ended = case.instance()
    assert (ended["status"], ended["open_tasks"], ended["pending_timers"]) == ("completed", [], [])
    assert [h["element_id"] for h in case.history("end_event")][-1] == end
    for who, group in GROUPS.items():
        assert every(case.service.list_tasks, caseworker(who, groups=(group,)), business_key=CUSTOMER) == []


def test_without_consent_the_customer_goes_back_to_an_employment_plan_at_once(journey):
    """The customer does not consent to sharing information between the three authorities (12.1.2026): no
    joint assessment; the employment authority draws up an employment plan and the follow-up takes it."""
    follow_up, case = journey
    case.on("2026-01-12T10:00:00+02:00")
    act(case, "give_consent", CUSTOMER, {"consent_given": False})
    assert case.open_tasks() == ["draw_up_employment_plan"]
    act(case, "draw_up_employment_plan", CASEWORKER, EMPLOYMENT_PLAN)
    (back,) = payloads(case.service, type="handover_to_employment_plan")
    assert (back["consent_given"], back["plan_date"], back["services_in_multiprofessional_plan"]) == (
        False, "2026-01-12", [])
    assert case.instance()["status"] == "completed"
    case.on("2026-02-06T09:00:00+02:00")
    assert period_obligations(follow_up) == [("2026-01-05", 0), ("2026-02-05", 4)]


def test_a_service_starting_and_ending_is_stated_to_the_benefit_payer_with_a_discussion_a_month_before_its_end(
        journey):
    """Rehabilitative work activity from Mon 2.3.2026 to Fri 29.5.2026 (the county's system tells): a labour
    policy statement goes to Kela on each day, and on Wed 29.4.2026 (a month before the end) the caseworker
    gets the discussion of what comes after it, due by 29.5. A start without its service or planned end is
    refused and changes nothing."""
    follow_up, case = journey
    assessed(case)
    act(case, "draw_up_plan", CASEWORKER, PLAN)
    for incomplete in ({"service_start": "2026-03-02", "service_end": "2026-05-29"},
                       {"service": "kuntouttava työtoiminta", "service_start": "2026-03-02"}):
        with pytest.raises(ProcessFailed):
            case.service.send_message(COUNTY_SYSTEM, "service_started", CUSTOMER, incomplete)
    assert outbox(case.service, type="labour_policy_statement")[-1][0] == "2026-01-05"  # only the registration's
    case.on("2026-03-02T09:00:00+02:00")
    case.service.send_message(COUNTY_SYSTEM, "service_started", CUSTOMER, {
        "service": "kuntouttava työtoiminta", "service_start": "2026-03-02", "service_end": "2026-05-29"})
    assert timers(case)["service_ending_soon"] == "2026-04-29T00:00:00+03:00"
    # (the plan of 5.1. had its obligation part due for review on 5.4. on the way)
    assert fired_in(case, "2026-04-29T09:00:00+03:00") == ["obligation_review_due", "service_ending_soon"]
    discussion = case.task("service_ending_discussion")
    assert (discussion["candidate_group"], discussion["due_date"]) == ("asiantuntija", "2026-05-29")
    act(case, "service_ending_discussion", CASEWORKER, {"next_steps": "Työkokeilu kesäkuusta"})
    case.on("2026-05-29T09:00:00+03:00")
    case.service.send_message(COUNTY_SYSTEM, "service_ended", CUSTOMER,
                              {"service": "kuntouttava työtoiminta", "service_end": "2026-05-29"})
    statements = [(o, p) for o, p in zip(outbox(case.service, type="labour_policy_statement"),
                                         payloads(case.service, type="labour_policy_statement"))
                  if p.get("plan_type") == "multiprofessional_plan"]
    assert [(o[0], o[2], p["statement_type"], p["service"]) for o, p in statements] == [
        ("2026-03-02", "kela", "service_started", "kuntouttava työtoiminta"),
        ("2026-05-29", "kela", "service_ended", "kuntouttava työtoiminta")]
    assert statements[0][1]["planned_end"] == "2026-05-29"


def test_the_activation_plan_is_suspended_a_month_after_work_starts_on_4_5_2026(journey):
    """The joint finding: no coordinated services needed, but the activation condition is met (Act 189/2001):
    an activation plan is drawn up with the county (20.1.2026) and sent; renewed after 6 months if nothing
    happens; work starting on Mon 4.5.2026 suspends it a month later, on Thu 4.6.2026."""
    follow_up, case = journey
    assessed(case, {**NEEDED, "coordinated_services_needed": False, "activation_condition_met": True})
    case.on("2026-01-20T10:00:00+02:00")
    act(case, "draw_up_activation_plan", CASEWORKER, {"activation_measures": ["kuntouttava työtoiminta"],
                                                      "rehabilitative_work_activity_decided": True})
    assert outbox(case.service, type="activation_plan") == [("2026-01-20", "activation_plan", "asiakas")]
    assert timers(case) == {"activation_review_due": "2026-07-20T00:00:00+03:00"}
    case.on("2026-05-04T09:00:00+03:00")
    case.service.send_message(SYSTEM, "activation_suspension_ground", CUSTOMER,
                              {"ground": "employment", "started_on": "2026-05-04"})
    assert timers(case) == {"suspension_due": "2026-06-04T00:00:00+03:00"}
    case.on("2026-06-04T09:00:00+03:00")
    assert outbox(case.service, type="activation_plan_suspended") == [
        ("2026-06-04", "activation_plan_suspended", "asiakas")]
    assert case.instance()["status"] == "completed"


def test_an_activation_plan_ends_with_the_job_search_on_4_5_2026(journey):
    """Activation plan of 20.1.2026; the customer is employed full time from Mon 4.5.2026: the job search ends
    and so does the activation plan — no renewal on 20.7. and no suspension a month later."""
    follow_up, case = journey
    assessed(case, {**NEEDED, "coordinated_services_needed": False, "activation_condition_met": True})
    case.on("2026-01-20T10:00:00+02:00")
    act(case, "draw_up_activation_plan", CASEWORKER, {"activation_measures": ["kuntouttava työtoiminta"],
                                                      "rehabilitative_work_activity_decided": True})
    case.on("2026-05-04T09:00:00+03:00")
    case.service.send_message(SYSTEM, "employed", CUSTOMER, {"employment_start": "2026-05-04", "full_time": True})
    ended = case.instance()
    assert (ended["status"], ended["pending_timers"]) == ("completed", [])
    assert [h["element_id"] for h in case.history("end_event")][-1] == "activation_ended"
    assert outbox(case.service, type="activation_plan_suspended") == []


def test_a_referral_from_the_county_is_assessed_by_the_caseworker_and_answered_when_not_taken(service):
    """The wellbeing services county refers two customers on 5.1.2026. The first (30 years old, 8 months
    unemployed, no need of coordinated services found) is not assessed and the county is told; for the
    second the caseworker finds coordinated services needed, so the assessment starts with the consent."""
    county = COUNTY_SYSTEM
    answer = service.send_message(county, "multiprofessional_referral", "020290-234B",
                                  {"referring_authority": "hyvinvointialue", "municipality": "091"})
    assert answer["started"] is True
    case = Journey(service, "multiprofessional_service", "020290-234B")
    case.instance_id = answer["instance_id"]
    act(case, "assess_referral", CASEWORKER, {"labour_market_subsidy_days": 0, "age": 30,
                                              "continuous_unemployment_months": 8,
                                              "coordinated_services_needed": False})
    (sent,) = [p for p in every(service.list_outbox, SYSTEM, business_key="020290-234B")]
    assert sent["payload"]["recipient"] == "hyvinvointialue" and sent["payload"]["assess"] is False
    assert case.instance()["status"] == "completed"

    answer = service.send_message(county, "multiprofessional_referral", "030390-345C",
                                  {"referring_authority": "hyvinvointialue", "municipality": "091"})
    case = Journey(service, "multiprofessional_service", "030390-345C")
    case.instance_id = answer["instance_id"]
    act(case, "assess_referral", CASEWORKER, {"labour_market_subsidy_days": 120, "age": 45,
                                              "continuous_unemployment_months": 20,
                                              "coordinated_services_needed": True})
    assert case.open_tasks() == ["give_consent"]


def test_the_follow_ups_activation_hand_over_of_wed_7_1_2026_gets_an_activation_plan_renewed_on_7_7(service):
    """The initial interview of Wed 7.1.2026 finds the activation condition met (Act 189/2001): the hand-over
    starts this process at the activation plan, drawn up on 7.1.; with nothing else happening it is to be
    renewed on Tue 7.7.2026 (the plan's 6-month review interval); the work condition met on 15.7. ends it."""
    follow_up = Journey(service, "job_seeker_followup", CUSTOMER)
    follow_up.start({"applies_for_benefit": True}, user=CUSTOMER)
    follow_up.on("2026-01-07T10:00:00+02:00")
    follow_up.do("initial_interview", CASEWORKER, {**INTERVIEW, "multiprofessional_support_needed": False,
                                                   "activation_condition_met": True})
    assert outbox(service, type="activation_plan_handover") == [
        ("2026-01-07", "activation_plan_handover", "activation_plan")]
    case = case_of(service)
    assert case.open_tasks() == ["draw_up_activation_plan"]
    act(case, "draw_up_activation_plan", CASEWORKER, {"activation_measures": ["kuntouttava työtoiminta"],
                                                      "rehabilitative_work_activity_decided": False})
    assert timers(case) == {"activation_review_due": "2026-07-07T00:00:00+03:00"}
    assert fired_in(case, "2026-07-07T09:00:00+03:00") == ["activation_review_due"]
    act(case, "draw_up_activation_plan", CASEWORKER, {"activation_measures": ["työkokeilu"],
                                                      "rehabilitative_work_activity_decided": False})
    assert [o[0] for o in outbox(service, type="activation_plan")] == ["2026-01-07", "2026-07-07"]
    case.on("2026-07-15T09:00:00+03:00")
    service.send_message(COUNTY_SYSTEM, "work_condition_met", CUSTOMER, {"met_on": "2026-07-15"})
    assert case.instance()["status"] == "completed"
