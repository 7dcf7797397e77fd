"""Cases ("Asiat"): the start-up grant application of the applicant from Helsinki, submitted on Mon 5.1.2026
and waiting for the Helsinki caseworkers' assessment, as its case page shows it."""
from __future__ import annotations

import json
import re
from html import unescape

from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import VILLE, signed_in, text_of


def diagram_marks(response) -> list[tuple[str, list, list]]:
    """(BPMN url, active ids, completed ids) of each diagram on the page."""
    html = response.get_data(as_text=True)
    found = re.findall(r'data-bpmn-url="([^"]+)"\s+data-active=\'([^\']*)\'\s+data-completed=\'([^\']*)\'', html)
    return [(url, json.loads(unescape(a)), json.loads(unescape(c))) for url, a, c in found]


def test_the_case_page_marks_the_assessment_active_and_the_submitted_application_done(anna, assessment):
    page = anna.page(f"/cases/{assessment['instance_id']}")
    ((url, active, completed),) = diagram_marks(page)
    assert url == f"/cases/{assessment['instance_id']}/diagrams/startup_grant.bpmn"
    assert active == ["assess_application"]
    assert {"application_started", "submit_application"} <= set(completed)
    text = text_of(page)
    assert f"Starttiraha – {APPLICANT}" in text and "Käynnissä" in text
    assert "Hakemuksen arviointi" in text  # the open task, linked for the caseworker
    assert f'href="/tasks/{assessment["id"]}"' in page.get_data(as_text=True)
    assert "Tehtävä valmis: Starttirahan hakeminen" in text  # the timeline: the applicant's submitted application
    assert "Asian tiedot" in text


def test_the_diagram_file_is_served_as_xml_and_nothing_else_of_the_bundle(anna, assessment):
    response = anna.page(f"/cases/{assessment['instance_id']}/diagrams/startup_grant.bpmn")
    assert response.mimetype == "application/xml" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert b'<bpmn:process id="startup_grant"' in response.data
    for other in ("startup_grant_application.schema.json", "startup_grant_eligibility.dmn", "pay_subsidy.bpmn"):
        assert anna.get(f"/cases/{assessment['instance_id']}/diagrams/{other}").status_code == 404


def test_the_vantaa_caseworker_neither_lists_nor_opens_the_helsinki_case(app, anna, assessment):
    assert APPLICANT in text_of(anna.page("/cases"))
    ville = signed_in(app, VILLE)
    assert APPLICANT not in text_of(ville.page("/cases"))
    assert ville.get(f"/cases/{assessment['instance_id']}").status_code == 404
    assert ville.get(f"/cases/{assessment['instance_id']}/diagrams/startup_grant.bpmn").status_code == 404
    assert f"Asiakkaalla {APPLICANT} ei ole asioita, joita voit nähdä." in text_of(ville.page(f"/cases?customer={APPLICANT}"))


def test_one_customer_s_cases_together_with_their_open_tasks(anna, assessment):
    text = text_of(anna.page(f"/cases?customer={APPLICANT}"))
    assert f"Asiakkaan {APPLICANT} asiat" in text
    assert "Starttiraha" in text and "Hakemuksen arviointi" in text


def test_the_applicant_sees_her_own_case_without_the_case_data(app, assessment):
    applicant = signed_in(app, APPLICANT)
    assert "Starttiraha" in text_of(applicant.page("/cases"))
    page = applicant.page(f"/cases/{assessment['instance_id']}")
    ((_, active, _),) = diagram_marks(page)
    assert active == ["assess_application"]
    text = text_of(page)
    assert "Asian tiedot" not in text
    assert f'href="/tasks/{assessment["id"]}"' not in page.get_data(as_text=True)  # the caseworker's task


def test_an_unknown_status_filter_or_case_is_refused_plainly(anna):
    assert anna.get("/cases?status=nonsense").status_code == 400
    assert anna.get("/cases/no-such-case").status_code == 404
    assert anna.get("/cases?customer=" + "x" * 300).status_code == 400
