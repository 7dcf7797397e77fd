"""The tester's clock page (/clock): the simulated date, advancing it by a duration or to a date with the
timers that fired on the way, and starting an instance. Only testers, only with a simulated clock.

The service of these tests runs on the server's simulated clock (a StoredClock, as ``tva-flow serve
--simulated-clock``) at Mon 5.1.2026 9:00 Finnish time, while the wall clock runs on: a FrozenClock would
move freezegun's time too, and with it every session past its 8 hours. The tester reads the page in
English (the catalogs may not have its texts yet)."""
from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from flask import Blueprint

from tests.conftest import DEFINITION_DIRS
from tests.identities import SYSTEM, customer
from tests.journeys.test_startup_grant import APPLICANT
from tests.web.conftest import ANNA, PASSWORD, TESSA, Browser, signed_in, text_of
from tva_flow.api import create_app
from tva_flow.auth.directory import Directory
from tva_flow.engine.clock import HELSINKI, SystemClock
from tva_flow.service import TvaFlow
from tva_flow.store.clock import StoredClock
from tva_flow.store.db import Database

JOB_SEEKER, OTHER_JOB_SEEKER = "020202-222B", "030303-333C"
MONDAY = "2026-01-05T09:00:00+02:00"


@pytest.fixture
def service(sqlite_url):
    """The real definitions on a fresh SQLite database with a simulated clock at Mon 5.1.2026 9:00."""
    db = Database(sqlite_url)
    simulated = TvaFlow(db, StoredClock(db, datetime(2026, 1, 5, 9, 0, tzinfo=HELSINKI)))
    simulated.deploy_paths(SYSTEM, DEFINITION_DIRS)
    yield simulated
    db.engine.dispose()


def as_tester(app) -> Browser:
    client = signed_in(app, TESSA)
    client.send("/language", {"language": "en", "next": "/clock"})
    return client


@pytest.fixture
def tessa(app, service) -> Browser:
    assert service.clock.simulated and service.clock.movable
    return as_tester(app)


def now(service) -> str:
    return service.clock_status(SYSTEM)["now"]


def register(service, who: str = JOB_SEEKER) -> None:
    """A job seeker registered on Mon 5.1.2026: the initial interview is overdue at 0:00 on Wed 21.1.2026."""
    service.start_instance(customer(who), "job_seeker_followup", who, {"applies_for_benefit": True}, area="helsinki")


def error_of(response, field: str) -> str:
    """The error message shown next to a field, tied to its input with aria-describedby."""
    html = response.get_data(as_text=True)
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field}"[^>]*>', html, flags=re.S)[0]
    assert f"{field}-error" in control and 'aria-invalid="true"' in control, control
    message = re.search(rf'id="{field}-error">(.*?)</span>\s*\n', html, flags=re.S)[1]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", message))).removeprefix("Error: ").strip()


def fired_rows(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="fired-timer">.*?</tr>', html, flags=re.S)]


def test_the_tester_finds_the_clock_in_the_navigation_and_sees_the_simulated_date(tessa):
    page = tessa.page("/clock")
    html = page.get_data(as_text=True)
    assert '<a href="/clock" aria-current="page">Clock</a>' in html
    assert html.count("<h1>") == 1 and "<h1>Clock</h1>" in html
    assert f'Simulated date and time: <strong><time datetime="{MONDAY}">Jan 5, 2026 9:00 AM' in re.sub(r"\s+", " ", html)
    assert '<option value="startup_grant">Starttiraha (startup_grant)</option>' in html
    assert '<option value="helsinki" selected>' in html  # the tester's only area


def test_the_tester_starts_a_start_up_grant_for_010190_123A_on_monday_5_1_2026_and_sees_it(tessa, service):
    response = tessa.send("/clock/start", {"process_key": "startup_grant", "business_key": APPLICANT.lower(),
                                           "area": "helsinki", "variables": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/clock"
    page = text_of(tessa.page("/clock"))
    assert f"You started “Starttiraha” for {APPLICANT}." in page
    assert "The case was started" in page and "Go to the tasks" in page
    (started,) = service.list_instances(SYSTEM, business_key=APPLICANT)["items"]
    assert (started["process_key"], started["area"], started["started_at"]) == ("startup_grant", "helsinki", MONDAY)
    assert "The case was started" not in text_of(tessa.page("/clock"))  # said once


def test_starting_with_variables_passes_them_to_the_process(tessa, service):
    response = tessa.send("/clock/start", {"process_key": "job_seeker_followup", "business_key": JOB_SEEKER,
                                           "area": "helsinki", "variables": '{"applies_for_benefit": true}'})
    assert response.status_code == 302
    (started,) = service.list_instances(SYSTEM, business_key=JOB_SEEKER)["items"]
    assert service.get_instance(SYSTEM, started["id"])["variables"]["applies_for_benefit"] is True


@pytest.mark.parametrize("field, data, message", [
    ("variables", {"variables": "{not json"}, "The variables are not acceptable JSON"),
    ("variables", {"variables": "[1, 2]"}, "Give the variables as a JSON object"),
    ("variables", {"variables": '{"x": NaN}'}, "The variables are not acceptable JSON"),
    ("process_key", {"process_key": "no_such_process"}, "Choose a deployed process."),
    ("business_key", {"business_key": "Matti Meikäläinen"}, "Give a personal identity code (e.g. 010190-123A)"),
    ("area", {"area": "vantaa"}, "The case cannot be started there"),
    ("area", {"area": "atlantis"}, "The case cannot be started there"),
])
def test_a_start_the_service_would_refuse_shows_the_message_next_to_its_field_and_starts_nothing(
        tessa, service, field, data, message):
    form = {"process_key": "startup_grant", "business_key": APPLICANT, "area": "helsinki", "variables": "", **data}
    response = tessa.send("/clock/start", form)
    assert response.status_code == 422
    assert error_of(response, field).startswith(message)
    assert "The form has errors" in text_of(response)
    assert service.list_instances(SYSTEM)["items"] == []


def test_advancing_1_month_from_5_1_2026_9_00_moves_the_clock_to_5_2_2026_9_00_and_lists_the_timers_that_fired(
        app, tessa, service):
    register(service)
    response = tessa.send("/clock/advance", {"how": "by", "amount": "1", "unit": "months"})
    assert response.status_code == 200
    assert now(service) == "2026-02-05T09:00:00+02:00"
    html, text = response.get_data(as_text=True), text_of(response)
    assert '<time datetime="2026-02-05T09:00:00+02:00">' in html.split("</header>")[0]  # the header moved too
    assert "The clock moved to Feb 5, 2026 9:00 AM" in text
    assert "Timers that fired: 1" in text
    (row,) = fired_rows(response)
    assert row.startswith("Alkuhaastattelun määräaika ylittyi initial_interview_overdue "
                          "Jan 21, 2026 12:00 AM Työllistymisen tukeminen ja seuranta 020202-222B")
    assert "stopped early" not in text.lower()


def test_each_fired_timer_links_to_its_case_once_the_case_page_exists(app, service):
    if "case_pages.show" not in app.view_functions:  # until the case page is built: a stand-in of it
        pages = Blueprint("case_pages", __name__)
        pages.add_url_rule("/cases/<instance_id>", "show", lambda instance_id: instance_id)
        app.register_blueprint(pages)
    register(service)
    (instance,) = service.list_instances(SYSTEM)["items"]
    response = as_tester(app).send("/clock/advance", {"how": "by", "amount": "3", "unit": "weeks"})
    assert f'href="/cases/{instance["id"]}"' in response.get_data(as_text=True)
    assert fired_rows(response)[0].endswith(f"020202-222B Open the case : {JOB_SEEKER}")


def test_advancing_to_a_date_and_time_in_finnish_time(tessa, service):
    response = tessa.send("/clock/advance", {"how": "to", "date": "2026-01-12", "time": "15:30"})
    assert response.status_code == 200
    assert now(service) == "2026-01-12T15:30:00+02:00"
    assert "No timers fired." in text_of(response)
    tessa.send("/clock/advance", {"how": "to", "date": "13.1.2026", "time": ""})
    assert now(service) == "2026-01-13T00:00:00+02:00"


def test_an_advance_that_reaches_the_limit_stops_early_and_says_to_advance_again(tessa, service):
    register(service)
    register(service, OTHER_JOB_SEEKER)
    service.advance_limit = 1
    response = tessa.send("/clock/advance", {"how": "by", "amount": "1", "unit": "months"})
    assert response.status_code == 200
    assert "Stopped early: more timers are due than one advance fires. Advance again to go on." in text_of(response)
    assert len(fired_rows(response)) == 1
    assert now(service) == "2026-01-21T00:00:00+02:00"


@pytest.mark.parametrize("field, data, message", [
    ("amount", {"how": "by", "amount": "-1", "unit": "days"}, "Give a whole number from 1 to 9999."),
    ("amount", {"how": "by", "amount": "0", "unit": "days"}, "Give a whole number from 1 to 9999."),
    ("amount", {"how": "by", "amount": "a week", "unit": "days"}, "Give a whole number from 1 to 9999."),
    ("unit", {"how": "by", "amount": "2", "unit": "fortnights"}, "Choose hours, days, weeks or months."),
    ("amount", {"how": "by", "amount": "9999", "unit": "months"}, "The clock cannot be moved there"),
    ("date", {"how": "to", "date": "2026-01-01", "time": ""}, "The date is before the simulated time now."),
    ("date", {"how": "to", "date": "2026-01-05", "time": "8:59"}, "The date is before the simulated time now."),
    ("date", {"how": "to", "date": "0001-01-01", "time": ""}, "The date is before the simulated time now."),
    ("date", {"how": "to", "date": "next friday", "time": ""}, "Give the date as day.month.year"),
    ("date", {"how": "to", "date": "31.2.2026", "time": ""}, "Give the date as day.month.year"),
    ("time", {"how": "to", "date": "2026-01-06", "time": "25:00"}, "Give the time as hours and minutes"),
    ("date", {"how": "to", "date": "2301-01-01", "time": ""}, "The clock cannot be moved there"),
])
def test_an_advance_to_a_past_or_impossible_time_is_refused_next_to_its_field_and_the_clock_does_not_move(
        tessa, service, field, data, message):
    register(service)
    response = tessa.send("/clock/advance", data)
    assert response.status_code == 422
    assert error_of(response, field).startswith(message)
    assert now(service) == MONDAY
    assert fired_rows(response) == []


def test_a_caseworker_and_a_customer_get_403_and_the_clock_does_not_move(app, service):
    Directory(service.db).set_language(ANNA, "en")
    for who in (ANNA, APPLICANT):
        client = signed_in(app, who)
        assert 'href="/clock"' not in client.page("/").get_data(as_text=True)
        assert client.get("/clock").status_code == 403
        assert client.send("/clock/advance", {"how": "by", "amount": "1", "unit": "months"}).status_code == 403
        assert client.send("/clock/start", {"process_key": "startup_grant", "business_key": APPLICANT,
                                            "area": "helsinki"}).status_code == 403
    assert now(service) == MONDAY
    assert service.list_instances(SYSTEM)["items"] == []


def test_someone_not_signed_in_is_sent_to_sign_in(browser):
    response = browser.get("/clock")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_with_a_real_time_clock_the_page_says_the_clock_cannot_be_moved(tmp_path):
    service = TvaFlow(Database(f"sqlite:///{tmp_path / 'real.sqlite3'}"), SystemClock())
    try:
        app = create_app(service)
        app.test_client_class = Browser
        Directory(service.db).add(TESSA, ["tester"], areas=["helsinki"], password=PASSWORD)
        client = as_tester(app)
        page = client.get("/clock")
        assert page.status_code == 404
        assert "The clock follows real time and cannot be moved." in text_of(page)
        assert 'href="/clock"' not in client.page("/").get_data(as_text=True)
        refused = client.send("/clock/advance", {"how": "by", "amount": "1", "unit": "months"})
        assert refused.status_code == 409 and "follows real time" in text_of(refused)
        assert client.send("/clock/start", {"process_key": "startup_grant", "business_key": APPLICANT,
                                            "area": "helsinki"}).status_code == 409
    finally:
        service.db.engine.dispose()


def test_a_get_of_a_form_address_goes_back_to_the_clock_page(tessa):
    for address in ("/clock/advance", "/clock/start"):  # e.g. the language switcher of a page answering a POST
        response = tessa.get(address)
        assert response.status_code == 302 and response.headers["Location"] == "/clock"


def test_a_post_without_the_csrf_token_changes_nothing(tessa, service):
    response = tessa.post("/clock/advance", data={"how": "by", "amount": "1", "unit": "months"})
    assert response.status_code == 400
    assert now(service) == MONDAY
