"""Process owners deploy definitions: versions by content, refusals that name the problem."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DEFINITION_DIRS, FIXTURES
from tva_flow.engine.definitions import read_dirs
from tva_flow.errors import Invalid
from tva_flow.validation import validate_files
from tests.pages import every
from tests.identities import SYSTEM

DUE = {"review_due": "2026-01-08T16:00:00+02:00", "divisor": 4}


def fixture_files() -> dict[str, bytes]:
    return read_dirs([FIXTURES])


def renamed_task(files, new_name: str) -> dict[str, bytes]:
    changed = dict(files)
    changed["fixture_review.bpmn"] = files["fixture_review.bpmn"].replace(
        b'name="K\xc3\xa4sittely"', f'name="{new_name}"'.encode())
    return changed


def test_redeploying_the_same_files_makes_no_new_version(make_service, sqlite_url):
    service = make_service(sqlite_url)
    first = service.deploy(SYSTEM, fixture_files())
    again = service.deploy(SYSTEM, fixture_files())
    assert first["processes"][0]["version"] == 1 and first["processes"][0]["created"]
    assert again["processes"][0]["version"] == 1 and not again["processes"][0]["created"]


def test_a_changed_file_is_a_new_version_and_running_instances_stay_on_theirs(make_service, sqlite_url):
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, fixture_files())
    old = service.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)

    result = service.deploy(SYSTEM, {"fixture_review.bpmn": renamed_task(fixture_files(), "Uusi käsittely")["fixture_review.bpmn"]})
    assert result["processes"][0]["version"] == 2

    new = service.start_instance(SYSTEM, "fixture_review", "020290-123A", DUE)
    assert (old["version"], old["open_tasks"][0]["name"]) == (1, "Käsittely")
    assert (new["version"], new["open_tasks"][0]["name"]) == (2, "Uusi käsittely")
    # the old instance still runs on version 1 to its end
    service.complete_task(SYSTEM, old["open_tasks"][0]["id"], {"approved": True, "divisor": 2})
    service.send_message(SYSTEM, "employed", "010190-123A", {})
    assert service.get_instance(SYSTEM, old["id"])["status"] == "completed"
    assert every(service.list_definitions, SYSTEM)[0]["versions"] == [1, 2]


def test_a_changed_form_alone_makes_a_new_version(make_service, sqlite_url):
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, fixture_files())
    schema = fixture_files()["fixture_review.schema.json"].replace(b'"Jakaja"', b'"Jakaja (kpl)"')
    assert service.deploy(SYSTEM, {"fixture_review.schema.json": schema})["processes"][0]["version"] == 2


def test_an_invalid_diagram_is_refused_naming_file_element_and_line_and_the_old_version_keeps_running(
        make_service, sqlite_url):
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, fixture_files())
    broken = fixture_files()["fixture_review.bpmn"].replace(b'targetRef="compute"', b'targetRef="no_such_step"')
    with pytest.raises(Invalid) as refused:
        service.deploy(SYSTEM, {"fixture_review.bpmn": broken})
    detail = refused.value.fields["fixture_review.bpmn"]
    assert detail["file"] == "fixture_review.bpmn"
    assert detail["element_id"] == "f5" and detail["line"] == 45  # the sequenceFlow f5
    assert every(service.list_definitions, SYSTEM)[0]["versions"] == [1]
    assert service.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)["version"] == 1


def test_malformed_xml_is_refused_with_its_line(make_service, sqlite_url):
    service = make_service(sqlite_url)
    with pytest.raises(Invalid) as refused:
        service.deploy(SYSTEM, {"broken.bpmn": b"<bpmn:definitions>\n<oops>\n"})
    assert refused.value.fields["broken.bpmn"]["line"] == 1
    assert "broken.bpmn" in refused.value.message


def test_a_task_naming_a_missing_decision_is_refused(make_service, sqlite_url):
    service = make_service(sqlite_url)
    bpmn = fixture_files()["fixture_review.bpmn"].replace(
        b'<bpmn:scriptTask id="compute" name="Laskenta"><bpmn:script>result = 100 / divisor</bpmn:script></bpmn:scriptTask>',
        b'<bpmn:businessRuleTask id="compute" name="Laskenta"><bpmn:extensionElements>'
        b'<spiffworkflow:calledDecisionId>no_such_table</spiffworkflow:calledDecisionId>'
        b'</bpmn:extensionElements></bpmn:businessRuleTask>')
    with pytest.raises(Invalid) as refused:
        service.deploy(SYSTEM, {**fixture_files(), "fixture_review.bpmn": bpmn})
    assert refused.value.fields["fixture_review.bpmn"]["element_id"] == "compute"
    assert "no_such_table" in refused.value.message


def test_validate_reports_missing_forms_lane_less_tasks_and_broken_schemas():
    files = fixture_files()
    files["fixture_review.bpmn"] = files["fixture_review.bpmn"].replace(
        b'<spiffworkflow:property name="formJsonSchemaFilename" value="fixture_review.schema.json"/>', b"").replace(
        b"<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", b"")
    files["other.schema.json"] = b'{"type": "no-such-type"}'
    problems = validate_files(files)
    assert any("user task 'review': has no form" in p for p in problems)
    assert any("user task 'review': is in no lane" in p for p in problems)
    assert any(p.startswith("other.schema.json: not a valid JSON Schema") for p in problems)


def test_validate_accepts_the_fixture():
    assert validate_files(fixture_files()) == []


def test_a_task_inside_a_subprocess_keeps_the_lane_it_is_drawn_in(make_service, sqlite_url):
    """Modellers list a subprocess in a lane too; its caseworker tasks must still go to caseworkers."""
    from tests.conftest import DEFINITION_DIRS
    files = read_dirs(DEFINITION_DIRS)
    files["startup_grant.bpmn"] = files["startup_grant.bpmn"].replace(
        b'name="hakija">', b'name="hakija">\n        <bpmn:flowNodeRef>payment_period_payout</bpmn:flowNodeRef>', 1)
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, files)
    instance = service.start_instance(SYSTEM, "startup_grant", "010190-123A", {})
    task = instance["open_tasks"][0]
    service.complete_task(SYSTEM, task["id"], {
        "business_name": "Kahvila", "business_start_date": "2026-02-01", "full_time": True,
        "experience_or_training": "alan koulutus", "business_plan_summary": "kahvila",
        "expected_monthly_income_eur": 500})
    (assessment,) = every(service.list_tasks, SYSTEM, candidate_group="asiantuntija")
    service.complete_task(SYSTEM, assessment["id"], {
        "sufficient_skills": True, "full_time_entrepreneur": True, "profitable_prospects": True,
        "grant_needed_for_livelihood": True, "reasonable_living_at_once": False, "distorts_competition": False,
        "neglected_taxes_or_contributions": False, "livelihood_otherwise_secured": False})
    service.advance_clock(SYSTEM, to="2026-03-02T09:00:00+02:00")
    (application,) = [t for t in every(service.list_tasks, SYSTEM, instance_id=instance["id"]) if t["element_id"] == "apply_payment"]
    assert application["candidate_group"] == "hakija"
    service.complete_task(SYSTEM, application["id"], {"business_active_full_time": True,
                                                             "other_income_eur": 0})
    (check,) = [t for t in every(service.list_tasks, SYSTEM, instance_id=instance["id"]) if t["element_id"] == "check_payment"]
    assert check["candidate_group"] == "asiantuntija"


def test_a_decision_table_deployed_alone_is_checked_and_cannot_shadow_another(make_service, sqlite_url):
    from tests.conftest import DEFINITION_DIRS
    service = make_service(sqlite_url, DEFINITION_DIRS)
    with pytest.raises(Invalid) as not_dmn:
        service.deploy(SYSTEM, {"draft.dmn": b"<foo/>"})
    assert "draft.dmn" in not_dmn.value.message
    terms = read_dirs(DEFINITION_DIRS)["startup_grant_terms.dmn"]
    with pytest.raises(Invalid) as shadow:
        service.deploy(SYSTEM, {"zz_draft_terms.dmn": terms.replace(b">6<", b">99<")})
    assert "already defined in startup_grant_terms.dmn" in shadow.value.message
    assert every(service.list_definitions, SYSTEM)[0]["versions"] == [1]


def test_a_name_longer_than_the_store_keeps_is_refused_at_deploy_naming_the_element(make_service, sqlite_url):
    files = {path.name: path.read_bytes() for path in FIXTURES.iterdir()}
    files["fixture_review.bpmn"] = files["fixture_review.bpmn"].replace(
        'name="Käsittely"'.encode(), ('name="' + "K" * 300 + '"').encode())
    service = make_service(sqlite_url)
    with pytest.raises(Invalid) as refused:
        service.deploy(SYSTEM, files)
    (detail,) = refused.value.fields.values()
    assert detail["element_id"] == "review" and "300 characters long; at most 255" in detail["message"]


def test_a_loop_input_no_element_declares_is_refused_because_a_modeller_would_drop_it(tmp_path):
    """bpmn-js drops a loopDataInputRef it cannot resolve when it saves, and the process then no longer
    parses; the startup grant declares its `payment_periods` as a bpmn:property for that reason."""
    files = read_dirs(DEFINITION_DIRS)
    files["startup_grant.bpmn"] = files["startup_grant.bpmn"].replace(
        b'<bpmn:property id="payment_periods" name="payment_periods"/>', b"")
    (problem,) = validate_files(files)
    assert "element 'payment_period_payout': loopDataInputRef 'payment_periods' names no element" in problem


def test_a_call_activity_calls_a_process_deployed_in_another_file_and_a_missing_one_is_refused(make_service,
                                                                                              sqlite_url):
    """A shared subprocess (e.g. the hearing) lives in its own diagram; each caller's version includes it."""
    from tests.identities import AREA
    calls = Path(__file__).parent / "fixtures" / "calls"
    service = make_service(sqlite_url, [calls])
    caller = [p for p in service.deploy_paths(SYSTEM, [calls])["processes"] if p["process_key"] == "fixture_caller"]
    assert set(caller[0]["files"]) == {"fixture_caller.bpmn", "fixture_callee.bpmn"}
    started = service.start_instance(SYSTEM, "fixture_caller", "010190-123A", {}, area=AREA)
    [task] = started["open_tasks"]
    assert (task["element_id"], task["candidate_group"]) == ("check", "asiantuntija")
    assert service.complete_task(SYSTEM, task["id"], {})["status"] == "completed"
    alone = {"fixture_caller.bpmn": (calls / "fixture_caller.bpmn").read_bytes()}
    (problem,) = validate_files(alone)
    assert "calls process 'fixture_callee', which is not deployed" in problem


@pytest.mark.parametrize("label, group", [
    ("Työnhakija", "tyonhakija"), ("tyonhakija", "tyonhakija"), ("Asiantuntija", "asiantuntija"),
    ("Työnantaja", "tyonantaja"), ("Koulutuksen järjestäjä", "koulutuksen_jarjestaja"), ("Kela", "kela")])
def test_a_lane_spelled_in_finnish_gives_a_plain_candidate_group(label, group):
    """Process owners write lane labels in Finnish with ä and ö; people are given the plain machine name."""
    from tva_flow.engine.definitions import candidate_group
    assert candidate_group(label) == group


RESULT_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="fixture_terms_definitions" name="Ehdot"
             namespace="http://tva-flow/test">
  <decision id="fixture_terms" name="Ehdot">
    <decisionTable id="fixture_terms_table" hitPolicy="UNIQUE">
      <input id="fixture_terms_input" label="Laji">
        <inputExpression id="fixture_terms_input_expression" typeRef="string"><text>kind</text></inputExpression>
      </input>
      <output id="fixture_terms_output_1" name="percent" typeRef="number"/>
      <output id="fixture_terms_output_2" name="max_months" typeRef="number"/>
      <rule id="fixture_terms_rule_1">
        <description>Testisääntö</description>
        <inputEntry id="fixture_terms_rule_1_in"><text>"a"</text></inputEntry>
        <outputEntry id="fixture_terms_rule_1_out_1"><text>50</text></outputEntry>
        <outputEntry id="fixture_terms_rule_1_out_2"><text>5</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
""".encode()


def result_bpmn(variable: str) -> bytes:
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="fixture_result_definitions" targetNamespace="http://tva-flow/test">
  <bpmn:process id="fixture_result" name="Tulos yhtenä muuttujana" isExecutable="true">
    <bpmn:startEvent id="start" name="Alku"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" name="Ehdot">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>fixture_terms</spiffworkflow:calledDecisionId>
        <spiffworkflow:properties><spiffworkflow:property name="decisionResultVariable" value="{variable}"/></spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="ended"/>
    <bpmn:endEvent id="ended" name="Loppu"/>
  </bpmn:process>
</bpmn:definitions>
'''.encode()


def test_a_business_rule_task_can_take_the_outputs_as_one_dict_none_when_no_rule_matches(make_service, sqlite_url):
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, {"fixture_result.bpmn": result_bpmn("terms"), "fixture_terms.dmn": RESULT_DMN})
    matched = service.start_instance(SYSTEM, "fixture_result", "010190-123A", {"kind": "a"})
    assert matched["status"] == "completed"
    assert matched["variables"]["terms"] == {"percent": 50, "max_months": 5}
    assert "percent" not in matched["variables"] and "max_months" not in matched["variables"]
    unmatched = service.start_instance(SYSTEM, "fixture_result", "020290-123A", {"kind": "b"})
    assert unmatched["variables"]["terms"] is None
    # the history's trace is the same as without the property: the outputs column by column
    (evaluated,) = [h for h in every(service.history, SYSTEM, matched["id"]) if h["type"] == "decision_evaluated"]
    assert evaluated["data"]["outputs"] == {"percent": 50, "max_months": 5}
    assert [r["rule_id"] for r in evaluated["data"]["matched_rules"]] == ["fixture_terms_rule_1"]
    (problem,) = validate_files({"fixture_result.bpmn": result_bpmn("not a name"), "fixture_terms.dmn": RESULT_DMN})
    assert "decisionResultVariable 'not a name' is not a variable name" in problem
