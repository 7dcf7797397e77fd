"""The diagram and decision-table viewers (js/diagram.js, js/decision.js) in a real browser.

On a test page of their own (tests/browser/fixtures/viewers.html, not one of the desk's pages): the start-up
grant application has been submitted and waits for the caseworker's assessment; below it, the start-up grant
eligibility table with the legal source of each rule.
"""
from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.browser.helpers import axe_violations, console_errors, describe, wait_for_css
from tests.browser.live import DEFINITION_DIRS

PAGE = "/_test/pages/viewers.html"
BPMN = DEFINITION_DIRS["bpmn"] / "startup_grant.bpmn"
DMN = DEFINITION_DIRS["dmn"] / "startup_grant_eligibility.dmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
ACTIVE, COMPLETED = ["assess_application"], ["application_started", "submit_application"]
KNOWN_NOISE = ("development build of Inferno",)  # dmn-js 17's bundle warns about its own Inferno build


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def bpmn_names() -> dict[str, str]:
    root = etree.parse(str(BPMN)).getroot()
    return {e.get("id"): words(e.get("name")) for e in root.iter() if e.get("id") and e.get("name")}


def bpmn_flows() -> list[tuple[str, str, str]]:
    root = etree.parse(str(BPMN)).getroot()
    return [(f.get("id"), f.get("sourceRef"), f.get("targetRef")) for f in root.iterfind(".//bpmn:sequenceFlow", NS)]


def classes(driver, element_id: str) -> set[str]:
    return set(driver.execute_script(
        "const e = document.querySelector(`#diagram .djs-element[data-element-id='${arguments[0]}']`);"
        "return e ? [...e.classList] : null;", element_id) or ["<not drawn>"])


@pytest.fixture
def viewers(browser, live_server):
    browser.get(live_server.url + PAGE)
    wait_for_css(browser, '#diagram[data-state="rendered"]')
    wait_for_css(browser, '#decision[data-state="rendered"]')
    return browser


def test_the_waiting_assessment_is_marked_active_and_the_steps_before_it_completed(viewers):
    assert "active" in classes(viewers, "assess_application")
    assert "completed" not in classes(viewers, "assess_application")
    for done in COMPLETED:
        assert "completed" in classes(viewers, done), done
    for later in ("decide_eligibility", "apply_payment"):
        assert not {"active", "completed"} & classes(viewers, later), later
    badge = viewers.execute_script(
        "const b = document.querySelector(\"#diagram .djs-overlays[data-container-id='assess_application'] "
        ".tva-diagram__badge\"); return b && b.textContent;")
    assert badge == "Käynnissä"  # not by colour alone


def test_the_flows_between_completed_steps_are_marked_taken(viewers):
    reached = set(COMPLETED) | set(ACTIVE)
    expected = {flow for flow, source, target in bpmn_flows() if source in COMPLETED and target in reached}
    marked = set(viewers.execute_script(
        "return [...document.querySelectorAll('#diagram .djs-connection.completed')]"
        ".map((e) => e.getAttribute('data-element-id'));"))
    assert expected, "the start of the application should be joined to the application by a flow"
    assert marked == expected


def test_a_screen_reader_gets_the_steps_in_text(viewers):
    names = bpmn_names()
    described = viewers.execute_script("""
        const svg = document.querySelector('#diagram svg');
        const text = document.getElementById(svg.getAttribute('aria-describedby'));
        const items = (list) => [...text.querySelectorAll(list + ' li')].map((li) => li.textContent);
        return {role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
                active: items('.tva-diagram__active'), completed: items('.tva-diagram__completed'),
                missing: JSON.parse(document.getElementById('diagram').dataset.missing)};""")
    assert described == {"role": "img", "label": "Prosessikaavio: Starttiraha",
                         "active": ["Hakemuksen arviointi"], "completed": [names[i] for i in COMPLETED],
                         "missing": ["not_in_this_diagram"]}


def test_the_eligibility_table_shows_every_rule_with_its_legal_source(viewers):
    root = etree.parse(str(DMN)).getroot()
    decision = root.find("dmn:decision", NS)
    rules = decision.findall(".//dmn:rule", NS)
    table = viewers.execute_script("""
        const box = document.getElementById('decision');
        return {shown: box.dataset.decision,
                name: box.querySelector('.decision-table-name').textContent,
                rows: [...box.querySelectorAll('table.tjs-table tbody tr')].map(
                    (tr) => (tr.querySelector('td.annotation') || {}).textContent || ''),
                when: box.querySelector('th.input-cell .clause').textContent};""")
    assert table["shown"] == decision.get("id")
    assert words(table["name"]) == words(decision.get("name"))
    assert [words(a) for a in table["rows"]] == [words(r.findtext("dmn:description", "", NS)) for r in rules]
    assert table["when"] == "Kun"  # dmn-js's own texts in the page's language


def test_the_page_has_no_serious_or_critical_accessibility_violations(viewers):
    violations = axe_violations(viewers)
    assert not violations, describe(violations)


def test_the_viewers_log_no_errors(viewers):
    errors = [e for e in console_errors(viewers) if not any(noise in e for noise in KNOWN_NOISE)]
    assert errors == []


def test_inline_xml_is_rendered_with_the_active_step_readable(browser, live_server):
    browser.get(live_server.url + PAGE)
    wait_for_css(browser, '#diagram[data-state="rendered"]')
    shown = browser.execute_async_script("""
        const [xml, done] = arguments;
        const box = document.createElement('div');
        box.setAttribute('data-active', '["apply_payment"]');
        box.setAttribute('data-focus-scale', '1');
        const inline = document.createElement('script');
        inline.type = 'application/json';
        inline.textContent = JSON.stringify(xml);
        box.appendChild(inline);
        document.querySelector('main').appendChild(box);
        window.tvaDiagram.render(box).then((result) => {
          const canvas = result.viewer.get('canvas'), element = result.viewer.get('elementRegistry').get('apply_payment');
          const view = canvas.viewbox();
          done({active: result.active, scale: view.scale,
                inside: element.x >= view.x && element.x + element.width <= view.x + view.width &&
                        element.y >= view.y && element.y + element.height <= view.y + view.height,
                marked: canvas.hasMarker('apply_payment', 'active')});
        }, (error) => done({error: String(error)}));""", BPMN.read_text(encoding="utf-8"))
    assert shown == {"active": ["apply_payment"], "scale": pytest.approx(1), "inside": True, "marked": True}


def add_viewer(driver, box_id: str, viewer: str, **attributes) -> None:
    """Another viewer box on the page, rendered by ``window[viewer]`` (tvaDiagram or tvaDecision)."""
    driver.execute_script("""
        const [id, viewer, attributes] = arguments;
        const box = document.createElement('div');
        box.id = id;
        Object.entries(attributes).forEach(([name, value]) => box.setAttribute(name, value));
        document.querySelector('main').appendChild(box);
        window[viewer].render(box).catch(() => {});""", box_id, viewer, attributes)


def test_a_diagram_that_cannot_be_loaded_says_so(viewers):
    browser = viewers
    add_viewer(browser, "broken", "tvaDiagram", **{"data-bpmn-url": "/_test/defs/bpmn/no_such_process.bpmn",
                                                   "data-label-error": "Kaaviota ei voitu näyttää"})
    alert = wait_for_css(browser, '#broken[data-state="error"] [role="alert"]')
    assert alert.text == "Kaaviota ei voitu näyttää"


def test_a_file_of_several_decisions_offers_a_switch_between_them(viewers):
    browser = viewers
    add_viewer(browser, "two", "tvaDecision", **{"data-dmn-url": "/_test/pages/two_decisions.dmn"})
    wait_for_css(browser, '#two[data-state="rendered"]')

    def state():
        return browser.execute_script("""
            const box = document.getElementById('two');
            return {shown: box.dataset.decision,
                    buttons: [...box.querySelectorAll('.tva-decision__views button')].map(
                        (b) => [b.textContent, b.getAttribute('aria-pressed')]),
                    rows: box.querySelectorAll('table.tjs-table tbody tr').length};""")

    assert state() == {"shown": "first_decision", "rows": 2,
                       "buttons": [["Ensimmäinen päätös", "true"], ["Toinen päätös", "false"]]}
    browser.find_element("css selector", '#two button[data-decision="second_decision"]').click()
    wait_for_css(browser, '#two[data-decision="second_decision"]')
    assert state() == {"shown": "second_decision", "rows": 1,
                       "buttons": [["Ensimmäinen päätös", "false"], ["Toinen päätös", "true"]]}
