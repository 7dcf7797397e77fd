"""Where a case stands, drawn: the diagrams of a job seeker's case while a reported failure is being heard.

Plan Mon 19.1.2026, 4 applications reported for 19.1.–18.2.; on Tue 3.3.2026 the payer reports a binding job offer not applied for. The case is then in
three processes at once: the follow-up (waiting at its call of the failure's handling), the handling
(waiting at its call of the hearing) and the hearing (the customer's explanation asked for by Tue 10.3.).
"""
from __future__ import annotations

import pytest

from tests.identities import OTHER_AREA, SYSTEM, caseworker
from tests.journeys.journey import Journey
from tests.journeys.test_job_seeker_followup import CASEWORKER, CUSTOMER, FOUR_APPLICATIONS, interview_and_plan
from tva_flow.errors import NotFound


@pytest.fixture
def journey(service):
    journey = Journey(service, "job_seeker_followup", CUSTOMER)
    journey.start({"applies_for_benefit": True}, user=CUSTOMER)
    journey.on("2026-01-19T10:00:00+02:00")
    interview_and_plan(journey)
    journey.on("2026-02-10T09:00:00+02:00")
    journey.do("report_job_applications", CUSTOMER, FOUR_APPLICATIONS)
    journey.on("2026-03-03T09:00:00+02:00")
    journey.service.send_message(SYSTEM, "job_search_failure_reported", CUSTOMER,
                                 {"failure": "job_offer_not_applied", "failure_date": "2026-03-03"})
    return journey


def test_a_heard_failure_is_active_in_all_three_diagrams_each_at_its_own_element(journey):
    diagrams = journey.service.case_diagrams(caseworker(CASEWORKER), journey.instance()["id"])
    by_file = {d["filename"]: d for d in diagrams["files"]}
    assert list(by_file) == ["job_seeker_followup.bpmn", "hearing.bpmn", "job_search_failure.bpmn"]
    main, handling, hearing = (by_file[f] for f in ("job_seeker_followup.bpmn", "job_search_failure.bpmn",
                                                     "hearing.bpmn"))
    assert main["main"] and main["name"] == "Työllistymisen tukeminen ja seuranta"
    assert "handle_reported_failure" in main["active"]
    assert "hear_customer" not in main["active"]  # the follow-up's own hearing (of a review period) is not running
    assert "report_job_applications" in main["active"] and "initial_interview" in main["completed"]
    assert "hear_customer" in handling["active"] and hearing["name"] == "Asiakkaan kuuleminen"
    assert "give_explanation" in hearing["active"] and "send_explanation_request" in hearing["completed"]


def test_the_diagram_file_is_the_case_s_own_version_and_only_a_bpmn_of_it(journey):
    instance_id = journey.instance()["id"]
    content = journey.service.case_diagram_file(caseworker(CASEWORKER), instance_id, "hearing.bpmn")
    assert b'<bpmn:process id="hearing"' in content
    for name in ("job_seeker_employment_plan.schema.json", "startup_grant.bpmn", "../hearing.bpmn"):
        with pytest.raises(NotFound):
            journey.service.case_diagram_file(caseworker(CASEWORKER), instance_id, name)


def test_a_caseworker_of_another_area_does_not_reach_the_diagrams(journey):
    other = caseworker("ville.vantaa", area=OTHER_AREA)
    with pytest.raises(NotFound):
        journey.service.case_diagrams(other, journey.instance()["id"])
