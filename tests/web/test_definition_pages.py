"""The process owner's pages: what is deployed, each version's diagram and decision tables, the files as
deployed, and trying a decision with the rule that decided and its legal source.

The process owner reads the desk in English here (the texts of these pages are English msgids)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.identities import SYSTEM
from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import PASSWORD, TESSA, signed_in, text_of
from tva_flow.auth.directory import Directory

PAULA = "paula.prosessi"


def in_english(client):
    assert client.send("/language", {"language": "en", "next": "/"}).status_code == 302
    client.page("/")  # the next page's CSRF token
    return client


@pytest.fixture
def paula(app, service):
    """A process owner of the employment authority."""
    Directory(service.db).add(PAULA, ["process_owner"], password=PASSWORD)
    return in_english(signed_in(app, PAULA))


def rows(response, cls: str) -> list[str]:
    html = response.get_data(as_text=True)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(rf'<tr class="{cls}".*?</tr>', html, flags=re.S)]


def field_ids(response) -> dict[str, str]:
    """The try form's fields: variable name -> the field's name in the form."""
    html = response.get_data(as_text=True)
    return dict(re.findall(r'data-variable="([^"]+)">.*?<label for="([^"]+)"', html, flags=re.S))


def test_the_definitions_list_the_start_up_grant_and_the_decisions_to_try(paula):
    page = paula.page("/definitions")
    (grant,) = [row for row in rows(page, "process-row") if "startup_grant" in row]
    assert grant == "Starttiraha startup_grant 1 1 Jan 5, 2026 9:00 AM test"  # deployed by "test" on Mon 5.1.
    html = page.get_data(as_text=True)
    assert 'href="/definitions/startup_grant/1"' in html
    assert 'href="/decisions/job_seeker_obligation"' in html
    assert any(row.startswith("Työnhakuvelvollisuus job_seeker_obligation") for row in rows(page, "decision-row"))
    assert 'aria-current="page">Definitions' in html  # the menu says where she is


def test_the_processes_are_paged_with_the_services_cursor(paula, service, monkeypatch):
    """Three to a page: following "Next page" to the end lists every deployed process once, in key order."""
    from tva_flow.web import definition_pages
    monkeypatch.setattr(definition_pages, "PAGE_SIZE", 3)
    deployed = [d["process_key"] for d in service.list_definitions(SYSTEM, limit=100)["items"]]
    page, seen = paula.page("/definitions"), []
    while True:
        found = rows(page, "process-row")
        assert 1 <= len(found) <= 3
        seen += found
        following = re.search(r'href="([^"]*cursor=[^"]+)">Next page', page.get_data(as_text=True))
        if following is None:
            break
        page = paula.page(following[1].replace("&amp;", "&"))
        assert "First page" in text_of(page)
    assert len(seen) == len(deployed) > 3
    assert [next(k for k in deployed if f" {k} " in f" {row} ") for row in seen] == deployed


def test_the_process_owner_opens_the_start_up_grant_and_sees_version_1_with_its_diagram_and_eligibility_table(paula):
    page = paula.page("/definitions/startup_grant/1")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "<h1>Starttiraha, version 1</h1>" in html and html.count("<h1") == 1
    assert re.search(r'<div id="diagram" data-tva-diagram\s+data-bpmn-url="/definitions/startup_grant/1/files/'
                     r'startup_grant\.bpmn"', html)
    assert "data-active" not in html and "data-completed" not in html  # a definition, not a case
    assert 'data-dmn-url="/definitions/startup_grant/1/files/startup_grant_eligibility.dmn"' in html
    assert "Starttirahan myöntämisedellytykset" in text
    assert 'href="/decisions/startup_grant_eligibility"' in html
    for asset in ("vendor/bpmn-js/assets/bpmn-js.css", "vendor/dmn-js/assets/dmn-js-decision-table.css",
                  "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js",
                  "vendor/dmn-js/dmn-viewer.production.min.js",
                  "js/diagram.js", "js/decision.js"):
        assert f"/assets/{asset}" in html, asset
    assert "startup_grant_application.schema.json" in text  # the bundle's files are listed


def test_a_new_version_is_offered_beside_the_first(service, paula):
    bpmn = (ROOT / "bpmn" / "startup_grant.bpmn").read_bytes()
    service.deploy(SYSTEM, {"startup_grant.bpmn": bpmn.replace(b'name="Starttiraha"', b'name="Starttiraha 2"')})
    (grant,) = [row for row in rows(paula.page("/definitions"), "process-row") if "startup_grant" in row]
    assert " startup_grant 2 1 2 " in grant  # the latest version and both versions' links
    first = paula.page("/definitions/startup_grant/1").get_data(as_text=True)
    assert "<h1>Starttiraha, version 1</h1>" in first
    assert re.search(r'href="/definitions/startup_grant/1"\s+aria-current="page">1<', first)


def test_the_raw_file_is_served_as_application_xml_with_nosniff(paula):
    response = paula.get("/definitions/startup_grant/1/files/startup_grant_eligibility.dmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline; filename=startup_grant_eligibility.dmn"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data == (ROOT / "dmn" / "startup_grant_eligibility.dmn").read_bytes()
    form = paula.get("/definitions/startup_grant/1/files/startup_grant_application.schema.json")
    assert form.status_code == 200 and form.mimetype == "application/json"


def test_a_file_not_in_the_bundle_is_404(paula):
    # deployed, but the start-up grant does not use it
    assert paula.get("/definitions/startup_grant/1/files/job_seeker_obligation.dmn").status_code == 404
    assert paula.get("/definitions/startup_grant/1/files/nothing.html").status_code == 404
    assert paula.get("/definitions/startup_grant/7").status_code == 404
    assert paula.get("/definitions/no_such_process/1").status_code == 404
    assert paula.get("/decisions/no_such_decision").status_code == 404
    assert paula.get("/definitions?cursor=not-a-cursor").status_code == 400


def test_trying_job_seeker_obligation_for_one_laid_off_since_2_3_2026_on_19_3_2026_gives_0_applications_rule_3(paula):
    form = paula.page("/decisions/job_seeker_obligation")
    ids = field_ids(form)
    assert list(ids) == ["obligation_date", "work_situation", "laid_off_since", "obligation_lowered",
                         "lowered_obligation"]
    html = form.get_data(as_text=True)
    assert re.search(rf'<input type="date" id="{ids["obligation_date"]}"', html)
    assert re.search(rf'<input type="date" id="{ids["laid_off_since"]}"', html)  # what date() reads is a date
    assert re.search(rf'<select id="{ids["work_situation"]}"', html) and '<option value="laid_off"' in html
    assert re.search(rf'<input type="number" step="any" id="{ids["lowered_obligation"]}"', html)
    answer = paula.send("/decisions/job_seeker_obligation", {
        ids["obligation_date"]: "2026-03-19", ids["work_situation"]: "laid_off", ids["laid_off_since"]: "2026-03-02"})
    assert answer.status_code == 200
    text = text_of(answer)
    assert "Haettavia työmahdollisuuksia tarkastelujaksossa job_search_obligation 0" in text
    assert re.search(r"Rule 3 : Laki työvoimapalvelujen järjestämisestä 380/2023 4 luku: lomautetulla ei ole", text)
    assert "Jakson alkamispäivä Mar 19, 2026" in text  # the inputs as the table saw them
    assert "Lomautusta kulunut jakson alkaessa P0M" in text  # 17 days: no whole month of lay-off yet
    assert 'value="2026-03-02"' in answer.get_data(as_text=True)  # what she typed stays in the form


def test_a_value_that_is_not_a_date_is_refused_with_what_was_typed_kept(paula):
    ids = field_ids(paula.page("/decisions/job_seeker_obligation"))
    refused = paula.send("/decisions/job_seeker_obligation", {ids["obligation_date"]: "ensi maanantaina",
                                                             ids["lowered_obligation"]: "kolme"})
    assert refused.status_code == 422
    text = text_of(refused)
    assert "The decision was not evaluated" in text and "Enter a date." in text and "Enter a number." in text
    assert 'value="kolme"' in refused.get_data(as_text=True)
    assert "Result" not in text


def test_a_date_typed_the_finnish_way_is_read_as_that_day(paula):
    ids = field_ids(paula.page("/decisions/job_seeker_obligation"))
    answer = paula.send("/decisions/job_seeker_obligation", {
        ids["obligation_date"]: "19.3.2026", ids["work_situation"]: "laid_off", ids["laid_off_since"]: "2.3.2026"})
    assert answer.status_code == 200 and "Rule 3" in text_of(answer)


def test_variables_the_model_gives_no_type_are_read_as_numbers_when_they_are_numbers(paula):
    """Start-up grant granted for 10 of the 12 months at most: a continuation of 6 months is cut to 2."""
    form = paula.page("/decisions/startup_grant_continuation")
    ids = field_ids(form)
    assert list(ids) == ["max_total_months", "months_granted_total", "period_months"]
    assert "The model gives no type" in text_of(form)
    answer = paula.send("/decisions/startup_grant_continuation", {
        ids["max_total_months"]: "12", ids["months_granted_total"]: "10", ids["period_months"]: "6"})
    assert answer.status_code == 200
    text = text_of(answer)
    assert "Rule 2 : Laki työvoimapalvelujen järjestämisestä 380/2023: jatkoa myönnetään enintään 6 kk" in text
    assert "Jatko mahdollinen continuation_allowed true Jatkokuukaudet continuation_months 2 " in text
    refused = paula.send("/decisions/startup_grant_continuation", {ids["period_months"]: "[6,"})
    assert refused.status_code == 422 and "Enter valid JSON or plain text." in text_of(refused)


def test_a_collect_table_lists_every_hit_with_its_rule(paula):
    """A job seeker studying full-time and running a business: both must be looked into before the labour
    policy statement."""
    ids = field_ids(paula.page("/decisions/job_seeker_statement_clarification"))
    answer = paula.send("/decisions/job_seeker_statement_clarification", {
        ids["full_time_studies"]: "true", ids["own_business"]: "true", ids["left_job_voluntarily"]: "false"})
    text = text_of(answer)
    assert "Selvitettävä asia clarification_reasons päätoimiset opinnot; yritystoiminta tai oma työ" in text
    assert "Rule 1 :" in text and "Rule 2 :" in text


def test_a_decision_that_gives_no_answer_says_why_with_422(paula, service, monkeypatch):
    from tva_flow.errors import Invalid

    def no_answer(actor, decision, inputs):
        raise Invalid("the decision gives no answer: rules 1 and 2 both match (hit policy UNIQUE)")

    monkeypatch.setattr(service, "evaluate_decision", no_answer)
    ids = field_ids(paula.page("/decisions/job_seeker_obligation"))
    refused = paula.send("/decisions/job_seeker_obligation", {ids["work_situation"]: "part_time"})
    assert refused.status_code == 422
    assert "rules 1 and 2 both match" in text_of(refused)
    assert re.search(r'<option value="part_time" selected>', refused.get_data(as_text=True))


def test_a_form_without_its_csrf_token_evaluates_nothing(paula):
    response = paula.post("/decisions/job_seeker_obligation", data={"variable-1": "2026-03-19"})
    assert response.status_code == 400


def test_a_customer_cannot_open_definitions_403(app):
    applicant = signed_in(app, APPLICANT)
    for url in ("/definitions", "/definitions/startup_grant/1", "/definitions/startup_grant/1/files/startup_grant.bpmn",
                "/decisions/job_seeker_obligation"):
        assert applicant.get(url).status_code == 403, url
    assert applicant.send("/decisions/job_seeker_obligation").status_code == 403


def test_a_tester_sees_the_same_pages_and_an_auditor_reads_without_trying(app, service):
    tessa = signed_in(app, TESSA)
    assert tessa.page("/definitions") and tessa.page("/decisions/startup_grant_terms")
    Directory(service.db).add("aino.auditoija", ["auditor"], areas=["*"], password=PASSWORD)
    aino = in_english(signed_in(app, "aino.auditoija"))
    page = aino.page("/definitions")
    assert "startup_grant" in text_of(page) and "/decisions/" not in page.get_data(as_text=True)
    assert 'href="/decisions/' not in aino.page("/definitions/startup_grant/1").get_data(as_text=True)
    assert aino.get("/decisions/startup_grant_terms").status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(app):
    response = app.test_client().get("/definitions/startup_grant/1")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_version_no_store_can_hold_is_a_404_not_a_server_error(paula):
    for url in ("/definitions/startup_grant/99999999999999999999999",
                "/definitions/startup_grant/99999999999999999999999/files/startup_grant.bpmn",
                "/definitions/startup_grant/0"):
        assert paula.get(url).status_code == 404, url
