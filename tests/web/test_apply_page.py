"""Applying: on Mon 5.1.2026 the applicant from Helsinki starts her own start-up grant case and lands on her
application form; a dismissed person registers as a job seeker through the registration's start form, saying
they are in change security. What a customer may start is what is drawn to start in a customer's lane."""
from __future__ import annotations

from tests.identities import customer
from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import PASSWORD, signed_in, text_of
from tva_flow.auth.directory import Directory

JOB_SEEKER = "150368-123A"


def cases_of(service, key: str) -> list[dict]:
    return service.list_instances(customer(key))["items"]


def test_the_applicant_starts_a_start_up_grant_in_helsinki_and_gets_her_application_form(app, service):
    applicant = signed_in(app, APPLICANT)
    text = text_of(applicant.page("/apply"))
    assert "Starttiraha" in text and "Palkkatuki" in text and "Asiakkaan kuuleminen" not in text
    assert "Muutosturva" not in text  # started by the employer's notice, not by a customer
    applicant.page("/apply/startup_grant")
    response = applicant.send("/apply/startup_grant", {"customer": APPLICANT, "municipality": "091"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/tasks/")
    form = applicant.page(response.headers["Location"])
    assert "Asiasi ”Starttiraha” on alkanut." in text_of(form) and "Starttirahan hakeminen" in text_of(form)
    (case,) = cases_of(service, APPLICANT)
    assert (case["process_key"], case["business_key"], case["area"]) == ("startup_grant", APPLICANT, "helsinki")


def test_nothing_starts_without_a_municipality_for_someone_else_or_of_a_called_process(app, service):
    applicant = signed_in(app, APPLICANT)
    applicant.page("/apply/startup_grant")
    missing = applicant.send("/apply/startup_grant", {"customer": APPLICANT, "municipality": ""})
    assert missing.status_code == 422 and "Valitse kotikuntasi." in text_of(missing)
    other = applicant.send("/apply/startup_grant", {"customer": "020202-222B", "municipality": "091"})
    assert other.status_code == 422
    assert applicant.get("/apply/hearing").status_code == 404
    assert cases_of(service, APPLICANT) == []


def test_a_dismissed_person_registers_as_a_job_seeker_on_the_registration_form(app, service):
    Directory(service.db).add(JOB_SEEKER, ["customer"], customers=[JOB_SEEKER], password=PASSWORD)
    person = signed_in(app, JOB_SEEKER)
    page = person.page("/apply/job_seeker_followup")
    assert "Haen työttömyysetuutta" in text_of(page) and "Minut on irtisanottu" in text_of(page)
    response = person.send("/apply/job_seeker_followup", {
        "customer": JOB_SEEKER, "municipality": "091", "applies_for_benefit": "true",
        "benefit_payer": "Teollisuuden työttömyyskassa", "change_security": "true"})
    assert response.status_code == 302, text_of(response)
    (case,) = cases_of(service, JOB_SEEKER)
    variables = service.get_instance(customer(JOB_SEEKER), case["id"])["variables"]
    assert (variables["applies_for_benefit"], variables["benefit_payer"], variables["change_security"]) == (
        True, "Teollisuuden työttömyyskassa", True)


def test_an_answer_the_start_form_refuses_comes_back_beside_its_field(app, service):
    Directory(service.db).add(JOB_SEEKER, ["customer"], customers=[JOB_SEEKER], password=PASSWORD)
    person = signed_in(app, JOB_SEEKER)
    person.page("/apply/job_seeker_followup")
    refused = person.send("/apply/job_seeker_followup", {"customer": JOB_SEEKER, "municipality": "091",
                                                          "job_search_start": "5.13.2026"})
    assert refused.status_code == 422
    assert 'id="field-job_search_start-error"' in refused.get_data(as_text=True)
    assert cases_of(service, JOB_SEEKER) == []


def test_a_customer_s_start_over_the_service_is_checked_against_the_start_form(service):
    import pytest
    from tva_flow.errors import Invalid
    with pytest.raises(Invalid) as refused:
        service.start_instance(customer(JOB_SEEKER), "job_seeker_followup", JOB_SEEKER,
                               {"applies_for_benefit": "yes"}, municipality="091")
    assert "applies_for_benefit" in refused.value.fields


def test_a_caseworker_has_no_apply_page_in_her_menu(anna):
    assert 'href="/apply"' not in anna.page("/").get_data(as_text=True)


def test_a_customer_starts_only_what_is_drawn_to_start_in_a_customer_s_lane_with_only_its_questions(service):
    """Over the API too: the employer's change-security case is started by the notice, not by a customer; a
    registration carries the registration's answers and nothing the process would read besides them."""
    import pytest
    from tva_flow.errors import Forbidden, Invalid
    with pytest.raises(Forbidden):
        service.start_instance(customer("1234567-8"), "change_security", "1234567-8", {}, municipality="091")
    with pytest.raises(Invalid) as extra:
        service.start_instance(customer(JOB_SEEKER), "job_seeker_followup", JOB_SEEKER,
                               {"applies_for_benefit": True, "missed_appointments": -5}, municipality="091")
    assert extra.value.fields == {"missed_appointments": "not a question of the start form"}
    with pytest.raises(Invalid):
        service.start_instance(customer(APPLICANT), "startup_grant", APPLICANT, {"months_granted_total": 0},
                               municipality="091")
    assert cases_of(service, JOB_SEEKER) == [] and cases_of(service, APPLICANT) == []
