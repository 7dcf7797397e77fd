"""The instructions for a rectification request or an appeal (dmn/appeal_instructions.dmn) that every decision and
statement of the employment authority carries, evaluated as `tva-flow decide` does, and the step that attaches them
in a process.

Since 1.1.2025 the employment authority is the municipality (or the responsible municipality of an employment
area). Its decisions under Act 380/2023 — pay subsidy, start-up grant, their payments, stops and recoveries — are
first taken to the authority that decided by a rectification request (oikaisuvaatimus) within 30 days of service
(hallintolaki 434/2003 49 b–49 d §); service by letter counts from the 7th day after sending (59 §), an electronic
message from the 3rd (13/2003 19 §). The decision on the request is appealed to the administrative court
(808/2019). A labour-policy statement binds the benefit payer and has no appeal of its own: the customer appeals
the payer's decision (Kela or the unemployment fund) to the Social Security Appeal Board. A decision type the table
does not know gets no answer, and a process then stops instead of sending a decision without instructions.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.identities import SYSTEM
from tests.pages import every
from tva_flow.cli import main
from tva_flow.engine.definitions import read_dirs
from tva_flow.errors import ProcessFailed
from tva_flow.service import evaluate_in_files

TABLES = read_dirs([ROOT / "dmn"])
AUTHORITY_DECISIONS = ["pay_subsidy_decision", "pay_subsidy_payment_decision", "pay_subsidy_recovery_decision",
                       "startup_grant_decision", "startup_grant_payment_decision", "startup_grant_stop_decision",
                       "startup_grant_recovery_decision"]


def instructions(decision_type: str, decision_date: str) -> dict:
    return evaluate_in_files(TABLES, "appeal_instructions",
                             {"decision_type": decision_type, "decision_date": decision_date})


def test_a_pay_subsidy_decision_of_10_3_2026_is_taken_to_the_employment_authority_within_30_days():
    answer = instructions("pay_subsidy_decision", "2026-03-10")
    result = answer["result"]
    assert result["remedy"] == "oikaisuvaatimus"
    assert result["addressed_to"] == "Päätöksen tehnyt työvoimaviranomainen (kunta tai työllisyysalueen vastuukunta)"
    assert result["time_limit_days"] == 30
    # what the employer reads: the time limit and how it is counted
    text = result["instructions"]
    assert "kirjallisesti päätöksen tehneelle työvoimaviranomaiselle 30 päivän kuluessa päätöksen tiedoksisaannista" \
        in text
    assert "tiedoksisaantipäivää ei lasketa määräaikaan" in text
    assert "seitsemäntenä päivänä sen lähettämisestä" in text and "sähköisesti lähetetyn kolmantena päivänä" in text
    assert "lauantai, sunnuntai tai arkipyhä" in text
    assert "valittamalla hallinto-oikeuteen" in text
    for source in ("380/2023", "434/2003", "49 b–49 d §", "59 §", "13/2003 19 §", "808/2019"):
        assert source in result["legal_basis"]
    (rule,) = answer["matched_rules"]
    for source in ("49 c §", "49 d §", "hallintolaki 59 §", "13/2003 19 §", "150/1930 5 §", "HE 207/2022"):
        assert source in rule["annotation"]
    assert "verify" in rule["annotation"]  # the section of 380/2023 is named as not yet verified


@pytest.mark.parametrize("decision_type", AUTHORITY_DECISIONS)
def test_every_decision_of_the_employment_authority_under_380_2023_gets_a_rectification_request_first(
        decision_type):
    result = instructions(decision_type, "2026-03-10")["result"]
    assert (result["remedy"], result["time_limit_days"]) == ("oikaisuvaatimus", 30)
    assert result["addressed_to"].startswith("Päätöksen tehnyt työvoimaviranomainen")


def test_the_decision_on_a_rectification_request_is_appealed_to_the_administrative_court_within_30_days():
    answer = instructions("rectification_decision", "2026-04-20")
    result = answer["result"]
    assert (result["remedy"], result["time_limit_days"]) == ("valitus", 30)
    assert "hallinto-oikeus" in result["addressed_to"]
    assert "30 päivän kuluessa päätöksen tiedoksisaannista" in result["instructions"]
    assert "808/2019" in result["legal_basis"] and "49 b § 3 mom" in answer["matched_rules"][0]["annotation"]


@pytest.mark.parametrize("decision_type", ["labour_policy_statement", "sanction_notice"])
def test_a_labour_policy_statement_has_no_appeal_of_its_own_the_payers_decision_is_appealed(decision_type):
    answer = instructions(decision_type, "2026-03-10")
    result = answer["result"]
    assert result["remedy"] == "ei erillistä muutoksenhakua"
    assert result["time_limit_days"] is None
    assert result["addressed_to"].startswith("Sosiaaliturva-asioiden muutoksenhakulautakunta")
    assert "valitus Kelan tai työttömyyskassan päätöksestä" in result["addressed_to"]
    assert "ei voi hakea erikseen muutosta" in result["instructions"]
    assert "sosiaaliturva-asioiden muutoksenhakulautakuntaan" in result["instructions"]
    assert "1290/2002" in result["legal_basis"]
    assert "te-palvelut.fi" in answer["matched_rules"][0]["annotation"]


@pytest.mark.parametrize("decision_type, told", [
    ("employment_plan", "voit pyytää työvoimaviranomaista tarkistamaan sen"),
    ("payment_application_return", "Palautus ei ole päätös"),
    ("payment_lapse_notice", "Ilmoitus ei ole päätös"),
])
def test_what_is_not_a_decision_says_there_is_no_appeal_and_what_to_do_instead(decision_type, told):
    result = instructions(decision_type, "2026-03-10")["result"]
    assert (result["remedy"], result["time_limit_days"]) == ("ei erillistä muutoksenhakua", None)
    assert told in result["instructions"]


def test_every_rule_names_its_source_and_applies_from_1_1_2025():
    table = TABLES["appeal_instructions.dmn"].decode()
    rules = re.findall(r"<rule id=\"(appeal_instructions_rule_\d+)\">\s*<description>([^<]+)</description>", table)
    assert len(rules) == table.count("<rule ")
    for rule_id, annotation in rules:
        assert "1.1.2025" in annotation and re.search(r"\d+/\d{4}", annotation), rule_id
    assert table.count('&gt;= date("2025-01-01")') == len(rules)


def test_an_unknown_decision_type_gets_no_answer_rather_than_no_appeal():
    """No catch-all row: telling a customer 'no appeal' for a decision the table does not know could take away a
    remedy the law gives. The evaluation answers null and names no rule."""
    answer = instructions("unemployment_benefit_decision", "2026-03-10")
    assert answer["result"] is None and answer["matched_rules"] == []
    # the same for a decision made before the municipalities took over (1.1.2025): no row covers it
    assert instructions("pay_subsidy_decision", "2024-12-31")["result"] is None


def test_the_instructions_are_a_decision_of_their_own_from_the_command_line(capsys):
    assert main(["decide", "appeal_instructions", "--dir", str(ROOT / "dmn"), "--inputs",
                 json.dumps({"decision_type": "pay_subsidy_decision", "decision_date": "2026-03-10"})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["remedy"], result["time_limit_days"]) == ("oikaisuvaatimus", 30)
    assert main(["decide", "appeal_instructions", "--dir", str(ROOT / "dmn"), "--inputs",
                 json.dumps({"decision_type": "no_such_type", "decision_date": "2026-03-10"})]) == 0
    assert json.loads(capsys.readouterr().out) is None


# ---------------------------------------------------------------- the step that attaches them, in a process
def _appeal_step(element_id: str) -> str:
    """The extension elements of one of pay_subsidy's appeal steps, as the process owner drew them."""
    diagram = (ROOT / "bpmn" / "pay_subsidy.bpmn").read_text(encoding="utf-8")
    step = re.search(rf'<bpmn:businessRuleTask id="{element_id}".*?</bpmn:businessRuleTask>', diagram, re.DOTALL).group(0)
    return re.search(r"<bpmn:extensionElements>.*?</bpmn:extensionElements>", step, re.DOTALL).group(0)


def _fixture(element_id: str) -> bytes:
    """start → pay_subsidy's own appeal step → the refusal to the employer (payload as in pay_subsidy)."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="fixture_appeal_definitions" targetNamespace="http://tva-flow/test">
  <bpmn:message id="payment_refused_message" name="payment_refused"/>
  <bpmn:process id="fixture_appeal" name="Muutoksenhakuohje" isExecutable="true">
    <bpmn:startEvent id="start" name="Alku"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="attach"/>
    <bpmn:businessRuleTask id="attach" name="Muutoksenhakuohjeen liittäminen">
      {_appeal_step(element_id)}
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="attach" targetRef="sent"/>
    <bpmn:endEvent id="sent" name="Hylkäys työnantajalle">
      <bpmn:messageEventDefinition messageRef="payment_refused_message">
        <bpmn:extensionElements>
          <spiffworkflow:messagePayload>dict(payment_refusal, recipient=business_id)</spiffworkflow:messagePayload>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
'''.encode()


@pytest.fixture
def appeal_process(make_service, sqlite_url):
    service = make_service(sqlite_url)
    service.deploy(SYSTEM, {"fixture_appeal.bpmn": _fixture("attach_appeal_to_payment_refusal"),
                            "appeal_instructions.dmn": TABLES["appeal_instructions.dmn"]})
    return service


def refusal(decision_date: str) -> dict:
    return {"business_id": "1234567-8", "payment_refusal": {
        "kind": "refused", "period_start": "2026-02-01", "period_end": "2026-02-28", "decision_date": decision_date,
        "reasons": ["Maksamisen edellytykset eivät täyty maksukaudella"]}}


def test_the_appeal_step_puts_the_instructions_into_the_decision_it_sends(appeal_process):
    done = appeal_process.start_instance(SYSTEM, "fixture_appeal", "1234567-8", refusal("2026-03-10"))
    assert done["status"] == "completed"
    (sent,) = every(appeal_process.list_outbox, SYSTEM, business_key="1234567-8")
    assert sent["type"] == "payment_refused"
    assert sent["payload"]["reasons"] == ["Maksamisen edellytykset eivät täyty maksukaudella"]
    assert sent["payload"]["appeal"] == instructions("pay_subsidy_payment_decision", "2026-03-10")["result"]


def test_a_decision_the_table_has_no_row_for_stops_the_step_and_nothing_is_sent(appeal_process):
    """A refusal dated before 1.1.2025 (the table's rows start then): the step fails, the whole step is rolled
    back, and no decision without instructions reaches the outbox."""
    with pytest.raises(ProcessFailed, match="appeal_instructions has no rule for pay_subsidy_payment_decision"):
        appeal_process.start_instance(SYSTEM, "fixture_appeal", "1234567-8", refusal("2024-12-31"))
    assert every(appeal_process.list_outbox, SYSTEM, business_key="1234567-8") == []
