"""The task page: the form from the task's JSON Schema and UI schema, the case beside it; refused data comes
back with each error next to its field; a completed task returns the caseworker to her inbox."""
from __future__ import annotations

import json
import re
from html import unescape

from tests.identities import SYSTEM
from tests.journeys.test_startup_grant import ALL_CONDITIONS_MET, APPLICANT, APPLICATION
from tests.web.conftest import signed_in, text_of
from tests.web.test_inbox import JOB_SEEKER, registered_job_seeker

YES_NO = {key: "true" if value else "false" for key, value in ALL_CONDITIONS_MET.items()}


def field_block(html: str, name: str) -> str:
    """The HTML of one field's wrapper."""
    match = re.search(rf'<div class="field[^"]*" id="field-{name}-wrap".*?(?=<div class="field|</form>)', html, re.S)
    assert match, name
    return match[0]


def test_the_assessment_form_has_labelled_yes_no_questions_and_the_case_beside_it(anna, assessment):
    page = anna.page(f"/tasks/{assessment['id']}")
    html = page.get_data(as_text=True)
    skills = field_block(html, "sufficient_skills")
    assert "<legend>Hakijalla on riittävät valmiudet yritystoimintaan" in skills
    assert re.search(r'<input type="radio" id="field-sufficient_skills" name="sufficient_skills" value="true"[^>]*required',
                     skills)
    assert '<label for="field-sufficient_skills">Kyllä</label>' in skills
    assert '<label for="field-sufficient_skills-1">Ei</label>' in skills
    help_id = re.search(r'<span class="help" id="(field-sufficient_skills-help)">', skills)[1]
    assert help_id in re.search(r'<fieldset aria-describedby="([^"]+)"', skills)[1].split()
    notes = field_block(html, "assessment_notes")
    assert '<label for="field-assessment_notes">' in notes and "<textarea" in notes
    text = text_of(page)
    assert f"Asiakas {APPLICANT}" in text and "Prosessi Starttiraha" in text and "Työllisyysalue helsinki" in text
    assert "Tähdellä (*) merkityt kentät ovat pakollisia." in text


def test_a_missing_answer_comes_back_next_to_its_question_with_the_answers_given_kept(service, anna, assessment):
    answers = {**YES_NO, "assessment_notes": "Hyvä suunnitelma"}
    del answers["profitable_prospects"]
    response = anna.send(f"/tasks/{assessment['id']}", answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    assert '<a href="#field-profitable_prospects">Yritystoiminnalla on edellytykset jatkuvaan kannattavaan toimintaan: ' \
           'Tämä tieto on pakollinen.</a>' in summary
    field = field_block(html, "profitable_prospects")
    assert "field--error" in field
    assert '<span class="error-message" id="field-profitable_prospects-error">' in field
    assert 'aria-describedby="field-profitable_prospects-error field-profitable_prospects-help"' in field
    assert 'aria-invalid="true"' in field
    # what was entered is kept
    assert re.search(r'name="sufficient_skills" value="true"\s+checked', field_block(html, "sufficient_skills"))
    assert ">Hyvä suunnitelma</textarea>" in field_block(html, "assessment_notes")
    assert "Virhe" in re.search(r"<title>(.*?)</title>", html)[1]
    assert service.get_task(SYSTEM, assessment["id"])["status"] == "open"


def test_completing_the_assessment_returns_to_the_inbox_and_the_grant_is_decided(service, anna, assessment):
    response = anna.send(f"/tasks/{assessment['id']}", {**YES_NO, "assessment_notes": "Edellytykset täyttyvät"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Tehtävä ”Hakemuksen arviointi” on tehty." in text_of(anna.page("/"))
    task = service.get_task(SYSTEM, assessment["id"])
    assert task["status"] == "completed" and task["data"]["sufficient_skills"] is True
    instance = service.get_instance(SYSTEM, assessment["instance_id"])
    assert instance["variables"]["assessment_notes"] == "Edellytykset täyttyvät"


def test_the_applicant_fills_in_her_application_with_a_date_and_a_number(app, service):
    service.start_instance(__import__("tests.identities", fromlist=["customer"]).customer(APPLICANT), "startup_grant",
                           APPLICANT, municipality="091")
    applicant = signed_in(app, APPLICANT)
    (task,) = service.list_tasks(SYSTEM, business_key=APPLICANT)["items"]
    html = applicant.page(f"/tasks/{task['id']}").get_data(as_text=True)
    assert re.search(r'<input type="date" id="field-business_start_date"\s+name="business_start_date"', html)
    assert re.search(r'<input type="number" id="field-expected_monthly_income_eur"[^>]*step="any"[^>]*min="0"', html)
    posted = {**{k: v for k, v in APPLICATION.items() if isinstance(v, str)}, "full_time": "true",
              "expected_monthly_income_eur": "900,50"}
    response = applicant.send(f"/tasks/{task['id']}", posted)
    assert response.status_code == 302, text_of(response)
    data = service.get_task(SYSTEM, task["id"])["data"]
    assert data["expected_monthly_income_eur"] == 900.5 and data["full_time"] is True
    assert data["business_start_date"] == "2026-02-01"


def test_the_applicant_cannot_open_the_caseworkers_assessment(app, assessment):
    applicant = signed_in(app, APPLICANT)
    assert applicant.get(f"/tasks/{assessment['id']}").status_code == 404
    assert applicant.send(f"/tasks/{assessment['id']}", YES_NO).status_code == 404


def test_an_unknown_task_is_a_404_page(anna):
    response = anna.get("/tasks/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and "Sivua ei löydy" in text_of(response)


def test_the_interview_shows_its_conditional_fields_to_the_script_and_everything_without_it(service, anna):
    interview = registered_job_seeker(service)
    html = anna.page(f"/tasks/{interview['id']}").get_data(as_text=True)
    excused = field_block(html, "absence_excused")
    condition = json.loads(unescape(re.search(r'data-show-when="([^"]+)"', excused)[1]))
    assert condition == [{"all": [{"field": "customer_attended", "in": ["false"]}], "negate": False}]
    assert "data-required-when-shown" in excused and " hidden" not in excused  # visible until the script runs
    assessment = json.loads(unescape(re.search(r'data-show-when="([^"]+)"', field_block(html, "service_need_assessment"))[1]))
    assert assessment == [{"all": [{"field": "customer_attended", "in": ["false"]}], "negate": True}]
    assert "data-show-when" not in field_block(html, "booked_by")
    assert re.search(r'name="customer_attended" value="true"\s+checked', html)  # its default
    assert "form-conditions.js" in html
    # the schema's if/then is the server's rule too: "yes, ends within 3 months" needs the end date
    answers = {"customer_attended": "true", "service_need_assessment": "Valmis työnhakuun",
               "integration_plan_needed": "false", "multiprofessional_support_needed": "false",
               "activation_condition_met": "false", "unemployment_ends_within_3_months": "true"}
    refused = anna.send(f"/tasks/{interview['id']}", answers)
    assert refused.status_code == 422
    assert '<span class="error-message" id="field-unemployment_end_date-error">' in \
        field_block(refused.get_data(as_text=True), "unemployment_end_date")
    done = anna.send(f"/tasks/{interview['id']}", {**answers, "unemployment_end_date": "2026-03-01"})
    assert done.status_code == 302
    assert service.list_tasks(SYSTEM, business_key=JOB_SEEKER)["items"][0]["element_id"] == "draw_up_employment_plan"


def test_decisions_made_so_far_are_shown_with_their_rules_and_sources(service, anna):
    interview = registered_job_seeker(service)
    text = text_of(anna.page(f"/tasks/{interview['id']}"))
    decisions = text.split("Tähänastiset ratkaisut")[1]
    assert "working_days = 10" in decisions
    assert "Sääntö" in decisions and "380/2023" in decisions
    assert "Määräajat" in text and "21.1.2026" in text  # the overdue flag's timer
