"""The tester's clock page in a real browser, on the live server's simulated clock (Mon 5.1.2026 9:00).

The tester opens the clock from the navigation, starts a job seeker's follow-up for 020202-222B, advances
the clock by a week (nothing is due yet) and then by two more weeks, when the initial interview's deadline
(0:00 on Wed 21.1.2026) fires; a date in the past is refused next to its field. The header shows the
simulated date after each advance. axe-core finds no serious or critical violation in any of these states.

The tests of this module are steps on one server whose clock they share: they run in order.
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.helpers import axe_violations, describe, screenshot, wait_for, wait_for_css
from tests.identities import AREA, SYSTEM

PASSWORD = "a long passphrase for the clock"
TESSA, JOB_SEEKER = "tessa.testaaja", "020202-222B"


@pytest.fixture(scope="module")
def server(live_server):
    live_server.add_user(TESSA, ["tester"], password=PASSWORD, areas=[AREA])
    return live_server


@pytest.fixture
def tessa(browser, server):
    """The tester signed in, reading the desk in English, on the clock page opened from the navigation."""
    browser.get(server.url + "/sign-in")
    browser.find_element(By.ID, "username").send_keys(TESSA)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form[action$='/sign-in'] button[type=submit]").click()
    wait_for(browser, lambda d: "/sign-in" not in d.current_url, message="the tester could not sign in")
    browser.find_element(By.CSS_SELECTOR, ".language-switcher button[value=en]").click()
    wait_for_css(browser, "html[lang=en]")
    browser.find_element(By.CSS_SELECTOR, ".site-nav a[href='/clock']").click()
    wait_for_css(browser, "#advance-by")
    return browser


def header_date(browser) -> tuple[str, str]:
    shown = browser.find_element(By.CSS_SELECTOR, ".simulated-date time")
    return shown.get_attribute("datetime"), words(shown.text)


def words(text: str) -> str:
    """Text with its spaces as one space each (babel puts a narrow no-break space before AM)."""
    return " ".join(text.split())


def no_serious_violations(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def advance_by(browser, amount: int, unit: str) -> None:
    field = browser.find_element(By.ID, "amount")
    field.clear()
    field.send_keys(str(amount))
    Select(browser.find_element(By.ID, "unit")).select_by_value(unit)
    browser.find_element(By.CSS_SELECTOR, "#advance-by button[type=submit]").click()
    wait_for_css(browser, ".clock-result")


def test_the_tester_starts_a_job_seekers_follow_up_from_the_clock_page(tessa, server):
    assert header_date(tessa) == ("2026-01-05T09:00:00+02:00", "Jan 5, 2026 9:00 AM")
    assert tessa.find_element(By.TAG_NAME, "h1").text == "Clock"
    no_serious_violations(tessa)
    Select(tessa.find_element(By.ID, "process_key")).select_by_value("job_seeker_followup")
    tessa.find_element(By.ID, "business_key").send_keys(JOB_SEEKER)
    tessa.find_element(By.ID, "variables").send_keys('{"applies_for_benefit": true}')
    tessa.find_element(By.CSS_SELECTOR, "#start-instance button[type=submit]").click()
    flash = wait_for_css(tessa, ".flash--success")
    assert JOB_SEEKER in flash.text
    assert tessa.find_element(By.LINK_TEXT, "Go to the tasks")
    (started,) = server.service.list_instances(SYSTEM, business_key=JOB_SEEKER)["items"]
    assert started["area"] == AREA
    no_serious_violations(tessa)


def test_advancing_by_1_week_shows_the_new_date_in_the_header_and_that_nothing_was_due(tessa):
    advance_by(tessa, 1, "weeks")
    assert header_date(tessa) == ("2026-01-12T09:00:00+02:00", "Jan 12, 2026 9:00 AM")
    result = words(tessa.find_element(By.CSS_SELECTOR, ".clock-result").text)
    assert "The clock moved to Jan 12, 2026 9:00 AM" in result and "No timers fired." in result
    no_serious_violations(tessa)


def test_advancing_2_more_weeks_lists_the_interview_deadline_that_fired(tessa):
    advance_by(tessa, 2, "weeks")
    assert header_date(tessa)[0] == "2026-01-26T09:00:00+02:00"
    (row,) = [words(row.text) for row in tessa.find_elements(By.CSS_SELECTOR, "tr.fired-timer")]
    assert "initial_interview_overdue" in row and "Jan 21, 2026 12:00 AM" in row and JOB_SEEKER in row
    no_serious_violations(tessa)
    screenshot(tessa, "clock")


def test_a_date_in_the_past_is_refused_next_to_its_field(tessa):
    tessa.execute_script("document.getElementById('date').value = '2026-01-05'")
    tessa.find_element(By.CSS_SELECTOR, "#advance-to button[type=submit]").click()
    message = wait_for_css(tessa, "#date-error")
    assert "before the simulated time now" in message.text
    assert "date-error" in tessa.find_element(By.ID, "date").get_attribute("aria-describedby")
    assert header_date(tessa)[0] == "2026-01-26T09:00:00+02:00"
    no_serious_violations(tessa)

