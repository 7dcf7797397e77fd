"""Change security (muutosturva) journeys with frozen time: an employer's change negotiations and the cases of
the people it dismisses.

Legal values (statutory-rules.md §4, in dmn/): the Co-operation Act's change negotiations apply from 1.7.2025
to employers of 50 or more (20–49 only with 20 or more reductions) with a minimum of 21 days when 10 or more
reductions are considered, else 7; before 1.7.2025 from 20 employees, 42 days / 14 days. The service needs are
mapped by the end of the minimum period (14 days after a plain dismissal notice: practice). 10 or more
dismissals → an employment action plan, fewer → principles. A person dismissed on economic grounds, 55 or
older on the notice day, with 5 years' service, who registers as a job seeker within 60 days of the notice
has the 55+ change security: training worth 2 months' pay for up to 6 months, billed to the Employment Fund.
Everything sent outside is asserted in the outbox, with its date.
"""
from __future__ import annotations

import pytest

from tests.identities import SYSTEM, caseworker
from tests.identities import tester as a_tester
from tests.journeys.journey import Journey
from tests.pages import every
from tva_flow.errors import Conflict, ProcessFailed

EMPLOYER, CASEWORKER = "1234567-8", "anna.asiantuntija"
EEVA, PEKKA = "150368-123A", "010567-2345"  # 57 and 58 on the notice day 1.10.2025
NOTICE = {"business_id": EMPLOYER, "employer_name": "Konepaja Oy", "municipality": "091", "employees": 60,
          "planned_reductions": 12, "planned_dismissals": 12, "negotiation_start": "2025-09-02",
          "reduction_types": ["irtisanominen"], "sites": ["091"], "home_municipalities": ["091"]}
MAPPING = {"services": ["työnhakuvalmennus", "muutosturvakoulutus"], "resourcing": "Kaksi asiantuntijaa"}
PLAN = {"plan_summary": "Valmennus ja koulutus irtisanomisaikana", "services_agreed": ["työnhakuvalmennus"]}
PRINCIPLES = {"principles_summary": "Työnhakua tuetaan valmennuksella", "presented_on": "2025-09-08"}


def dismissed(person_id: str, age: int, years: int, grounds: str = "economic_or_production") -> dict:
    return {"person_id": person_id, "notice_date": "2025-10-01", "notice_period_months": 4,
            "employment_end_date": "2026-01-31", "age_on_notice_day": age, "years_with_employer": years,
            "grounds": grounds, "monthly_pay_eur": 3500}


def notify(service, notice: dict | None = None, message: str = "change_negotiation_notice") -> Journey:
    """The employer's notice reaches the authority (through the employer's e-service integration)."""
    journey = Journey(service, "change_security", EMPLOYER)
    answer = service.send_message(a_tester(), message, EMPLOYER, notice or NOTICE)
    assert answer["started"] is True
    journey.instance_id = answer["instance_id"]
    return journey


def case_of(service, person_id: str) -> Journey:
    (case,) = service.list_instances(SYSTEM, process_key="change_security_employee", business_key=person_id)["items"]
    journey = Journey(service, "change_security_employee", person_id)
    journey.instance_id = case["id"]
    return journey


def outbox(service, business_key: str, **filters) -> list[tuple]:
    return [(o["date"], o["type"], o["recipient"])
            for o in every(service.list_outbox, SYSTEM, business_key=business_key, **filters)]


def payloads(service, business_key: str, **filters) -> list[dict]:
    return [o["payload"] for o in every(service.list_outbox, SYSTEM, business_key=business_key, **filters)]


def change_security_statements(service, person_id: str) -> list[dict]:
    """The labour-policy statements on the change-security allowance sent to the person's unemployment fund."""
    return [p for p in payloads(service, person_id, type="labour_policy_statement",
                                recipient="Teollisuuden työttömyyskassa") if p["statement_type"] == "change_security"]


@pytest.fixture
def employer(service, frozen):
    """The notice arrives on Tue 2.9.2025 at 9:00, the day the negotiations start."""
    frozen.move_to("2025-09-02T09:00:00+03:00")
    return notify(service)


def test_12_dismissals_at_a_60_employee_employer_on_2_9_2025_mean_an_action_plan_mapped_by_tue_23_9(employer):
    """From 1.7.2025 the Act applies to 60 employees; 12 reductions → at least 21 days of negotiations, so the
    service needs are mapped by Tue 23.9.2025; 12 dismissals → an employment action plan, sent to the employer."""
    (scope,) = employer.history("decision_evaluated", "determine_scope")
    assert scope["data"]["outputs"] == {"act_applies": True, "min_negotiation_days": 21}
    (track,) = employer.history("decision_evaluated", "determine_track")
    assert track["data"]["outputs"] == {"track": "action_plan"}
    mapping = employer.task("map_service_needs")
    assert (mapping["candidate_group"], mapping["due_date"]) == ("asiantuntija", "2025-09-23")
    employer.do("map_service_needs", CASEWORKER, MAPPING)
    assert employer.open_tasks() == ["draft_action_plan"]
    employer.on("2025-09-10T10:00:00+03:00")
    employer.do("draft_action_plan", CASEWORKER, PLAN)
    assert outbox(employer.service, EMPLOYER) == [("2025-09-10", "action_plan", "tyonantaja")]
    # the staff representative's view is awaited until the negotiation period ends (their e-service sends it)
    assert {"element_id": "negotiation_period_over", "name": "Neuvotteluaika päättyi",
            "due_at": "2025-09-24T00:00:00+03:00"} in employer.instance()["pending_timers"]


def test_8_dismissals_mean_principles_mapped_within_the_7_day_minimum(service, frozen):
    frozen.move_to("2025-09-02T09:00:00+03:00")
    employer = notify(service, {**NOTICE, "planned_reductions": 8, "planned_dismissals": 8})
    assert employer.task("map_service_needs")["due_date"] == "2025-09-09"
    employer.do("map_service_needs", CASEWORKER, MAPPING)
    employer.do("present_principles", CASEWORKER, PRINCIPLES)
    assert outbox(service, EMPLOYER) == [("2025-09-02", "change_security_principles", "henkiloston_edustaja")]


def test_a_notice_before_1_7_2025_follows_the_old_scope_and_the_42_day_minimum(service, frozen):
    """30 employees, 12 reductions: on Mon 2.6.2025 the old Act applies (20 or more employees) with 6 weeks,
    mapping due Mon 14.7.2025; on 2.9.2025 the amended Act does not apply to 30 employees: a plain dismissal
    duty, mapped within 14 days (practice), by Tue 16.9.2025."""
    frozen.move_to("2025-06-02T09:00:00+03:00")
    before = notify(service, {**NOTICE, "employees": 30, "negotiation_start": "2025-06-02"})
    assert before.history("decision_evaluated", "determine_scope")[0]["data"]["outputs"] == {
        "act_applies": True, "min_negotiation_days": 42}
    assert before.task("map_service_needs")["due_date"] == "2025-07-14"


def test_after_1_7_2025_a_30_employee_employer_is_outside_the_act(service, frozen):
    frozen.move_to("2025-09-02T09:00:00+03:00")
    after = notify(service, {**NOTICE, "employees": 30})
    assert after.history("decision_evaluated", "determine_scope")[0]["data"]["outputs"] == {
        "act_applies": False, "min_negotiation_days": 0}
    assert after.task("map_service_needs")["due_date"] == "2025-09-16"


def test_a_dismissal_notice_without_negotiations_starts_the_same_case_mapped_within_14_days(service, frozen):
    """A 30-employee employer outside the amended Act gives notice of 12 dismissals on Mon 15.9.2025 (Employment
    Contracts Act 55/2001: 10 or more): the same case starts, the services are mapped within 14 days (practice:
    the law says "without delay"), by Mon 29.9.2025, and 12 dismissals still mean an action plan."""
    frozen.move_to("2025-09-15T09:00:00+03:00")
    notice = {k: v for k, v in NOTICE.items() if k not in ("negotiation_start", "planned_reductions")}
    employer = notify(service, {**notice, "employees": 30}, message="dismissal_notice")
    assert employer.history("message_received")[0]["element_id"] == "dismissal_notice_received"
    assert employer.task("map_service_needs")["due_date"] == "2025-09-29"
    assert employer.history("decision_evaluated", "determine_track")[0]["data"]["outputs"] == {"track": "action_plan"}


def test_sites_or_home_towns_in_other_areas_open_a_case_for_each_of_those_areas_caseworkers(service, frozen):
    """The employer (Helsinki) has a site in Espoo and staff living in Vantaa and Tampere: each of those areas'
    authorities is asked to co-operate and gets a case of its own, due by the mapping's deadline 23.9.2025."""
    frozen.move_to("2025-09-02T09:00:00+03:00")
    notify(service, {**NOTICE, "sites": ["091", "049"], "home_municipalities": ["091", "092", "837"]})
    requests = payloads(service, EMPLOYER, type="authority_cooperation_request")
    assert sorted(r["recipient"] for r in requests) == ["espoo_kauniainen", "tampereen_seutu", "vantaa"]
    assert {r["lead_area"] for r in requests} == {"helsinki"}
    # each of those areas has a case of its own, which its caseworkers see and Helsinki's do not
    cases = every(service.list_instances, SYSTEM, process_key="change_security_cooperation", business_key=EMPLOYER)
    assert sorted(c["area"] for c in cases) == ["espoo_kauniainen", "tampereen_seutu", "vantaa"]
    vantaa = caseworker("ville.vantaa", area="vantaa")
    (task,) = every(service.list_tasks, vantaa, business_key=EMPLOYER)
    assert (task["element_id"], task["due_date"]) == ("agree_cooperation", "2025-09-23")
    assert [t["element_id"] for t in every(service.list_tasks, caseworker(CASEWORKER), business_key=EMPLOYER)] == [
        "map_service_needs"]
    service.claim_task(vantaa, task["id"])
    service.complete_task(vantaa, task["id"], {"contact_person": "Ville Vantaa", "services_offered": ["työnhakuvalmennus"]})
    answer = [(o["date"], o["type"], o["recipient"]) for o in every(service.list_outbox, SYSTEM, business_key=EMPLOYER,
                                                                     type="cooperation_agreed")]
    assert answer == [("2025-09-02", "cooperation_agreed", "helsinki")]


def dismiss_two(employer: Journey) -> None:
    """Mapping, plan and the staff representative's view in September; the employer sends the list of the
    dismissed on Wed 1.10.2025, their notice day."""
    employer.do("map_service_needs", CASEWORKER, MAPPING)
    employer.do("draft_action_plan", CASEWORKER, PLAN)
    employer.service.send_message(a_tester(), "staff_representative_view", EMPLOYER,  # the representative's e-service
                                  {"staff_view": "Hyvä suunnitelma", "agrees_with_plan": True})
    employer.on("2025-10-01T09:00:00+03:00")
    employer.service.send_message(a_tester(), "dismissal_list", EMPLOYER,
                                  {"dismissed": [dismissed(EEVA, 57, 6), dismissed(PEKKA, 58, 10)]})


def registers(service, person_id: str) -> None:
    """The dismissed person registers as a job seeker, saying they are in change security."""
    Journey(service, "job_seeker_followup", person_id).start(
        {"applies_for_benefit": True, "change_security": True, "benefit_payer": "Teollisuuden työttömyyskassa"},
        user=person_id)


def test_registered_on_day_60_a_57_year_old_has_the_55_plus_change_security_and_on_day_61_not(employer):
    """Notice Wed 1.10.2025 for Eeva (57, 6 years, economic grounds) and Pekka (58, 10 years). Each is told of
    15 days' employment leave (4 months' notice, 55+) and gets a case of their own. Eeva registers on Sun
    30.11.2025, day 60: the 55+ change security, training worth 2 months' pay (7 000 €) for up to 6 months, and
    the fund gets the labour-policy statement. Pekka registers on Mon 1.12.2025, day 61: not eligible."""
    dismiss_two(employer)
    assert employer.instance()["status"] == "completed"
    infos = payloads(employer.service, EMPLOYER, type="change_security_info")
    assert [(i["person_id"], i["employment_leave_days"], i["register_by"]) for i in infos] == [
        (EEVA, 15, "2025-11-30"), (PEKKA, 15, "2025-11-30")]

    employer.on("2025-11-30T10:00:00+02:00")
    registers(employer.service, EEVA)
    eeva = case_of(employer.service, EEVA)
    (senior,) = eeva.history("decision_evaluated", "determine_senior")
    assert senior["data"]["outputs"]["eligible"] is True
    assert (senior["data"]["outputs"]["training_value_months"], senior["data"]["outputs"]["training_max_months"]) == (2, 6)
    (statement,) = change_security_statements(employer.service, EEVA)
    assert (statement["statement_type"], statement["senior_change_security"]) == ("change_security", True)
    assert statement["appeal"]["remedy"] and statement["allowance_application_by"] == "2026-04-30"
    assert eeva.open_tasks() == ["apply_training"]

    employer.on("2025-12-01T10:00:00+02:00")
    registers(employer.service, PEKKA)
    pekka = case_of(employer.service, PEKKA)
    (late,) = pekka.history("decision_evaluated", "determine_senior")
    assert 61 in late["data"]["inputs"].values()
    assert late["data"]["outputs"]["eligible"] is False
    assert pekka.instance()["status"] == "completed"
    (pekka_statement,) = change_security_statements(employer.service, PEKKA)
    assert pekka_statement["senior_change_security"] is False


def test_eeva_s_training_is_decided_held_and_billed_to_the_employment_fund(employer):
    """Eeva applies on 2.12.2025 for a 3-month welding course (6 000 €, 2.1.–31.3.2026); the caseworker finds it
    suitable: granted within 7 000 €, with rectification instructions. When it ends on 31.3.2026 the caseworker
    records 5 800 € actually spent, which is billed to the Employment Fund on 1.4.2026."""
    dismiss_two(employer)
    employer.on("2025-11-30T10:00:00+02:00")
    registers(employer.service, EEVA)
    eeva = case_of(employer.service, EEVA)
    eeva.on("2025-12-02T10:00:00+02:00")
    eeva.do("apply_training", EEVA, {"training_name": "Hitsaajan koulutus", "provider": "Ammattiopisto",
                                     "training_start": "2026-01-02", "training_end": "2026-03-31", "cost_eur": 6000})
    eeva.do("assess_training", CASEWORKER, {"training_suitable": True, "assessment_reasoning": "Soveltuu"})
    (decision,) = payloads(employer.service, EEVA, type="training_decision")
    assert (decision["outcome"], decision["max_cost_eur"], decision["recipient"]) == ("granted", 7000, "tyontekija")
    assert decision["appeal"]["remedy"] == "oikaisuvaatimus"
    eeva.on("2026-04-01T09:00:00+03:00")
    eeva.do("record_training_costs", CASEWORKER, {"actual_cost_eur": 5800, "training_completed": True})
    (invoice,) = payloads(employer.service, EEVA, type="training_invoice")
    assert (invoice["recipient"], invoice["amount_eur"]) == ("tyollisyysrahasto", 5800)
    assert outbox(employer.service, EEVA, type="training_invoice") == [("2026-04-01", "training_invoice",
                                                                        "tyollisyysrahasto")]
    assert eeva.instance()["status"] == "completed"


def test_a_course_beyond_two_months_pay_is_refused_only_after_the_customer_is_heard(employer):
    dismiss_two(employer)
    employer.on("2025-11-30T10:00:00+02:00")
    registers(employer.service, EEVA)
    eeva = case_of(employer.service, EEVA)
    eeva.do("apply_training", EEVA, {"training_name": "MBA", "provider": "Yliopisto", "training_start": "2026-01-02",
                                     "training_end": "2026-03-31", "cost_eur": 9000})
    eeva.do("assess_training", CASEWORKER, {"training_suitable": True, "assessment_reasoning": "Liian kallis"})
    assert payloads(employer.service, EEVA, type="training_decision") == []  # heard first
    request = payloads(employer.service, EEVA, type="clarification_request")[-1]
    assert request["matter"] == "change_security_training"
    eeva.on("2025-12-20T10:00:00+02:00")
    eeva.do("assess_explanation", CASEWORKER, {"acceptable_reason": False, "assessment": "Ei selvitystä"})
    (refusal,) = payloads(employer.service, EEVA, type="training_decision")
    assert refusal["outcome"] == "refused" and refusal["appeal"]["remedy"] == "oikaisuvaatimus"


def test_a_repeated_notice_opens_no_second_case(employer):
    """The employer's e-service sends the notice again (a retry): 409, and the one case stays."""
    with pytest.raises(Conflict):
        employer.service.send_message(a_tester(), "change_negotiation_notice", EMPLOYER, NOTICE)
    with pytest.raises(Conflict):
        employer.service.send_message(a_tester(), "dismissal_notice", EMPLOYER, NOTICE)
    assert len(every(employer.service.list_instances, SYSTEM, process_key="change_security",
                     business_key=EMPLOYER)) == 1


def test_a_dismissed_person_without_a_valid_identity_code_is_refused_and_the_list_can_be_sent_again(employer):
    """A list whose person has no proper henkilötunnus would open that person's case under the employer's
    business ID: the message is refused (422), nothing is opened, and the case still waits for the list."""
    employer.do("map_service_needs", CASEWORKER, MAPPING)
    employer.do("draft_action_plan", CASEWORKER, PLAN)
    employer.on("2025-10-01T09:00:00+03:00")  # the negotiation period is over: the staff view is no longer awaited
    with pytest.raises(ProcessFailed):
        employer.service.send_message(a_tester(), "dismissal_list", EMPLOYER,
                                      {"dismissed": [dismissed(EEVA, 57, 6), dismissed("12345", 58, 10)]})
    assert every(employer.service.list_instances, SYSTEM, process_key="change_security_employee") == []
    employer.service.send_message(a_tester(), "dismissal_list", EMPLOYER, {"dismissed": [dismissed(EEVA, 57, 6)]})
    assert case_of(employer.service, EEVA).instance()["status"] == "running"
