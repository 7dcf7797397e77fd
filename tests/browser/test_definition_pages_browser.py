"""The process owner's pages in a real browser: the definitions, the start-up grant's diagram and decision
tables drawn by bpmn-js and dmn-js, and trying the job-search obligation for a laid-off person.

Assertions read the page's structure and the models' own (Finnish) texts, not the desk's texts, so they
hold in whichever language the page is in."""
from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, describe, screenshot, wait_for, wait_for_css

PAULA, PASSWORD = "paula.prosessi", "a long passphrase for the browser"
KNOWN_NOISE = ("development build of Inferno",)  # dmn-js 17's bundle warns about its own Inferno build


@pytest.fixture(scope="module")
def owner(live_server):
    live_server.add_user(PAULA, ["process_owner"], password=PASSWORD)
    return PAULA


@pytest.fixture
def paula(browser, live_server, owner):
    """Paula, signed in through the sign-in form, on the page she was going to: the definitions."""
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/sign-in?next=/definitions")
    browser.find_element(By.ID, "username").send_keys(owner)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form:has(#password) button[type=submit]").click()
    wait_for(browser, lambda d: d.current_url.endswith("/definitions"), message="not back at /definitions")
    wait_for_css(browser, "tr[data-process-key]")  # the URL changes before the page has loaded
    return browser


def all_rendered(driver, selector: str) -> bool:
    return driver.execute_script(
        "const boxes = [...document.querySelectorAll(arguments[0])];"
        "return boxes.length > 0 && boxes.every((b) => b.dataset.state === 'rendered');", selector)


def no_serious_violations(driver):
    violations = axe_violations(driver)
    assert not violations, describe(violations)


def test_the_process_owner_opens_the_start_up_grant_and_sees_its_diagram_and_decision_tables(paula, live_server):
    from selenium.webdriver.common.by import By

    assert paula.find_element(By.CSS_SELECTOR, 'tr[data-process-key="startup_grant"]')
    no_serious_violations(paula)

    paula.find_element(By.CSS_SELECTOR, 'tr[data-process-key="startup_grant"] th a').click()
    wait_for_css(paula, '#diagram[data-state="rendered"]')
    wait_for(paula, lambda d: all_rendered(d, "[data-tva-diagram]") and all_rendered(d, "[data-tva-decision]"),
             message="a diagram or decision table was not rendered")
    assert paula.current_url == f"{live_server.url}/definitions/startup_grant/1"
    drawn = paula.execute_script("""
        const ids = (box) => [...box.querySelectorAll('.djs-element')].map((e) => e.dataset.elementId);
        return {steps: ids(document.getElementById('diagram')),
                label: document.querySelector('#diagram svg').getAttribute('aria-label'),
                tables: [...document.querySelectorAll('[data-tva-decision]')].map((b) => b.dataset.decision)};""")
    assert {"submit_application", "assess_application"} <= set(drawn["steps"])
    assert "Starttiraha" in drawn["label"]
    assert "startup_grant_eligibility" in drawn["tables"]
    eligibility = paula.find_element(By.CSS_SELECTOR, '[data-decision="startup_grant_eligibility"]')
    assert eligibility.find_elements(By.CSS_SELECTOR, "table.tjs-table tbody tr")  # its rules, each a row
    no_serious_violations(paula)
    paula.execute_script("window.scrollTo(0, 0)")
    screenshot(paula, "definition")


def test_trying_the_job_search_obligation_shows_the_rule_that_decided(paula, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    paula.find_element(By.CSS_SELECTOR, 'tr[data-decision-id="job_seeker_obligation"] th a').click()
    wait_for_css(paula, '#decision-table[data-state="rendered"]')
    no_serious_violations(paula)

    def field(variable: str):
        return paula.find_element(By.CSS_SELECTOR, f'[data-variable="{variable}"] input, '
                                                   f'[data-variable="{variable}"] select')

    # a laid-off person's review period starting 19.3.2026, laid off since 2.3.2026 (date inputs take ISO
    # values whatever the browser's language shows)
    for variable, value in (("obligation_date", "2026-03-19"), ("laid_off_since", "2026-03-02")):
        paula.execute_script("arguments[0].value = arguments[1];", field(variable), value)
    Select(field("work_situation")).select_by_value("laid_off")
    paula.find_element(By.CSS_SELECTOR, "#decision-form button[type=submit]").click()

    rule = wait_for_css(paula, '.matched-rules li[data-rule-id="job_seeker_obligation_rule_3"]')
    assert "380/2023" in rule.text
    values = [cell.text for cell in paula.find_elements(By.CSS_SELECTOR, ".decision-outputs td.decision-value")]
    assert values == ["0", "1"]  # no applications in a one-month review period
    assert field("laid_off_since").get_attribute("value") == "2026-03-02"
    wait_for_css(paula, '#decision-table[data-state="rendered"]')
    no_serious_violations(paula)
    paula.find_element(By.ID, "result").location_once_scrolled_into_view  # noqa: B018 - scrolls to the result
    screenshot(paula, "decision_try")


def test_the_pages_log_no_errors(paula, live_server):
    from tests.browser.helpers import console_errors

    for path in ("/definitions", "/definitions/startup_grant/1", "/decisions/job_seeker_obligation"):
        paula.get(live_server.url + path)
        wait_for(paula, lambda d: d.execute_script(
            "return [...document.querySelectorAll('[data-tva-diagram], [data-tva-decision]')]"
            ".every((b) => ['rendered', 'error'].includes(b.dataset.state));"), message=path)
        errors = [e for e in console_errors(paula) if not any(noise in e for noise in KNOWN_NOISE)]
        assert errors == [], path
