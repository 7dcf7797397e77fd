"""A start-up grant through the desk in a real browser, as the people who use it would go through it.

On Mon 5.1.2026 (the live server's simulated clock) the applicant from Helsinki signs in, applies for a
start-up grant and fills her application (her business started that day); the Helsinki caseworker finds it in her inbox, claims it,
sends the assessment with an answer missing and sees the error next to the question, then completes it; the
case page shows the grant waiting for the first month to end. The tester moves the clock a month and the
applicant's first payment application appears. The Vantaa caseworker sees none of it. axe-core finds no
serious or critical accessibility violation on any page. Screenshots of the inbox, a task form and the case
page go to docs/screenshots/ for the README.

The tests of this module are steps of one journey on one server: they run in order and each needs the one
before it.
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.helpers import axe_violations, describe, screenshot, wait_for, wait_for_css
from tests.identities import AREA, OTHER_AREA, customer
from tests.journeys.test_startup_grant import ALL_CONDITIONS_MET, APPLICANT

PASSWORD = "a long passphrase for the browser"
ANNA, VILLE, TESSA = "anna.asiantuntija", "ville.vantaa", "tessa.testaaja"
STATE: dict = {}


@pytest.fixture(scope="module")
def desk(live_server):
    live_server.add_user(APPLICANT, ["customer"], password=PASSWORD, customers=[APPLICANT])
    live_server.add_user(ANNA, ["caseworker"], password=PASSWORD, groups=["asiantuntija"], areas=[AREA])
    live_server.add_user(VILLE, ["caseworker"], password=PASSWORD, groups=["asiantuntija"], areas=[OTHER_AREA])
    live_server.add_user(TESSA, ["tester"], password=PASSWORD, areas=[AREA])
    return live_server


def sign_in(browser, server, name: str) -> None:
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(server.url + "/sign-in")
    browser.find_element(By.ID, "username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form[action$='/sign-in'] button[type=submit]").click()
    wait_for(browser, lambda d: "/sign-in" not in d.current_url, message=f"{name} could not sign in")


def no_serious_violations(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def choose(browser, name: str, value) -> None:
    browser.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{str(value).lower()}"]').click()


def task_rows(browser) -> list[str]:
    return [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.task-row")]


def test_the_applicant_applies_and_fills_her_application(browser, desk):
    sign_in(browser, desk, APPLICANT)
    browser.find_element(By.CSS_SELECTOR, "nav.site-nav a[href='/apply']").click()
    wait_for_css(browser, "ul.services")
    no_serious_violations(browser)
    browser.find_element(By.LINK_TEXT, "Starttiraha").click()
    Select(wait_for_css(browser, "#apply-municipality")).select_by_visible_text("Helsinki")
    browser.find_element(By.CSS_SELECTOR, "#apply-form button[type=submit]").click()
    wait_for_css(browser, "#task-form")
    assert "Starttirahan hakeminen" in browser.find_element(By.TAG_NAME, "h1").text
    (case,) = desk.service.list_instances(customer(APPLICANT))["items"]
    assert (case["process_key"], case["area"]) == ("startup_grant", AREA)
    STATE["case"] = case["id"]
    browser.find_element(By.ID, "field-business_name").send_keys("Kahvila Kaakko")
    browser.execute_script("document.getElementById('field-business_start_date').value = '2026-01-05'")
    choose(browser, "full_time", True)
    browser.find_element(By.ID, "field-experience_or_training").send_keys("Restonomi, kahdeksan vuotta alalla")
    browser.find_element(By.ID, "field-expected_monthly_income_eur").send_keys("900")
    no_serious_violations(browser)
    browser.find_element(By.CSS_SELECTOR, "#task-form button[type=submit]").click()
    flash = wait_for_css(browser, ".flash--success")
    assert "Starttirahan hakeminen" in flash.text
    assert not any("Starttirahan hakeminen" in row for row in task_rows(browser))


def test_the_caseworker_claims_the_assessment_sees_an_error_next_to_its_question_and_completes_it(browser, desk):
    sign_in(browser, desk, ANNA)
    rows = task_rows(browser)
    assert any("Hakemuksen arviointi" in row and APPLICANT in row for row in rows), rows
    screenshot(browser, "inbox")
    no_serious_violations(browser)
    browser.find_element(By.CSS_SELECTOR, "tr.task-row form[action$='/claim'] button").click()
    wait_for_css(browser, ".flash--success")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Hakemuksen arviointi").click()
    wait_for_css(browser, "#task-form")
    for name, value in ALL_CONDITIONS_MET.items():
        if name != "profitable_prospects":
            choose(browser, name, value)
    # the browser would stop a missing answer itself; sent without its checks, the server says the same
    browser.execute_script("document.getElementById('task-form').noValidate = true")
    browser.find_element(By.CSS_SELECTOR, "#task-form button[type=submit]").click()
    error = wait_for_css(browser, "#field-profitable_prospects-error")
    wrap = browser.find_element(By.ID, "field-profitable_prospects-wrap")
    assert "field--error" in wrap.get_attribute("class") and error.text
    assert wrap.find_element(By.CSS_SELECTOR, ".error-message").text == error.text  # next to its question
    assert browser.find_element(By.CSS_SELECTOR, ".error-summary").is_displayed()
    screenshot(browser, "task_form")
    no_serious_violations(browser)
    choose(browser, "profitable_prospects", True)
    browser.find_element(By.CSS_SELECTOR, "#task-form button[type=submit]").click()
    assert "Hakemuksen arviointi" in wait_for_css(browser, ".flash--success").text


def test_the_case_page_highlights_the_applicant_s_next_task_once_the_grant_is_decided(browser, desk):
    sign_in(browser, desk, ANNA)
    browser.get(f"{desk.url}/cases/{STATE['case']}")
    wait_for_css(browser, '#diagram-1[data-state="rendered"]')
    active = browser.execute_script(
        "return [...document.querySelectorAll('#diagram-1 .djs-element.active')].map(e => e.dataset.elementId)")
    completed = browser.execute_script(
        "return [...document.querySelectorAll('#diagram-1 .djs-element.completed')].map(e => e.dataset.elementId)")
    assert "assess_application" in completed and "submit_application" in completed
    # granted: the applicant's next task (a continuation may be asked for) and the monthly payments are under way
    assert "apply_continuation" in active and "assess_application" not in active, active
    assert "Jatkon hakeminen" in browser.find_element(By.CSS_SELECTOR, ".open-tasks").text
    assert "startup_grant_decision" in browser.find_element(By.ID, "sent-heading").find_element(
        By.XPATH, "..").text  # the decision went to the applicant
    screenshot(browser, "case")
    no_serious_violations(browser)


def test_a_month_later_the_first_payment_application_is_highlighted(browser, desk):
    sign_in(browser, desk, TESSA)
    browser.find_element(By.CSS_SELECTOR, "nav.site-nav a[href='/clock']").click()
    amount = wait_for_css(browser, "#advance-by #amount")
    amount.clear()
    amount.send_keys("1")
    Select(browser.find_element(By.CSS_SELECTOR, "#advance-by #unit")).select_by_value("months")
    browser.find_element(By.CSS_SELECTOR, "#advance-by button[type=submit]").click()
    # read in the page (no element reference to go stale while the page after the advance loads)
    wait_for(browser, lambda d: "5.2.2026" in d.execute_script(
        "const e = document.querySelector('.simulated-date'); return e ? e.textContent : '';"),
             message="the simulated date did not move to 5.2.2026")
    sign_in(browser, desk, APPLICANT)
    assert any("Maksatuksen hakeminen" in row for row in task_rows(browser)), task_rows(browser)
    browser.get(f"{desk.url}/cases/{STATE['case']}")
    wait_for_css(browser, '#diagram-1[data-state="rendered"]')
    active = browser.execute_script(
        "return [...document.querySelectorAll('#diagram-1 .djs-element.active')].map(e => e.dataset.elementId)")
    assert "apply_payment" in active, active
    no_serious_violations(browser)


def test_the_vantaa_caseworker_sees_neither_the_task_nor_the_case(browser, desk):
    sign_in(browser, desk, VILLE)
    assert not any(APPLICANT in row for row in task_rows(browser))
    browser.get(f"{desk.url}/cases")
    assert APPLICANT not in browser.find_element(By.ID, "main").text
    browser.get(f"{desk.url}/cases/{STATE['case']}")
    assert browser.title.startswith("Sivua ei löydy") and APPLICANT not in browser.find_element(By.ID, "main").text
    no_serious_violations(browser)
