"""Applying: the applicant from Helsinki starts her own start-up grant case on Mon 5.1.2026 and lands on her
application form; what she may start is what is drawn to start in a customer's lane."""
from __future__ import annotations

from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import signed_in, text_of


def test_the_applicant_starts_a_start_up_grant_in_helsinki_and_gets_her_application_form(app, service):
    applicant = signed_in(app, APPLICANT)
    page = applicant.page("/apply")
    text = text_of(page)
    assert "Starttiraha" in text and "Palkkatuki" in text and "Asiakkaan kuuleminen" not in text
    response = applicant.send("/apply", {"process": "startup_grant", "customer": APPLICANT, "municipality": "091"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/tasks/")
    form = applicant.page(response.headers["Location"])
    assert "Asiasi ”Starttiraha” on alkanut." in text_of(form) and "Starttirahan hakeminen" in text_of(form)
    (case,) = service.list_instances(applicant_actor())["items"]
    assert (case["process_key"], case["business_key"], case["area"]) == ("startup_grant", APPLICANT, "helsinki")


def test_nothing_starts_without_a_municipality_or_for_someone_else(app, service):
    applicant = signed_in(app, APPLICANT)
    applicant.page("/apply")
    missing = applicant.send("/apply", {"process": "startup_grant", "customer": APPLICANT, "municipality": ""})
    assert missing.status_code == 422 and "Valitse kotikuntasi." in text_of(missing)
    other = applicant.send("/apply", {"process": "startup_grant", "customer": "020202-222B", "municipality": "091"})
    assert other.status_code == 422
    called = applicant.send("/apply", {"process": "hearing", "customer": APPLICANT, "municipality": "091"})
    assert called.status_code == 422
    assert service.list_instances(applicant_actor())["items"] == []


def test_a_caseworker_has_no_apply_page_in_her_menu(anna):
    assert 'href="/apply"' not in anna.page("/").get_data(as_text=True)


def applicant_actor():
    from tests.identities import customer
    return customer(APPLICANT)
