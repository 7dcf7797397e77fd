"""What a process owner reads of the deployment: a process version with the files of its bundle, each file
as deployed, and the decisions deployed now with the variables a person must give to try one."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.identities import SYSTEM, caseworker, customer
from tva_flow.auth.actor import actor
from tva_flow.errors import Forbidden, NotFound
from tva_flow.service import definitions as definitions_module

OWNER = actor("paula.prosessi", roles=["process_owner"])
AUDITOR = actor("aino.auditoija", roles=["auditor"], areas=["*"])


def test_the_start_up_grant_is_version_1_with_its_diagram_and_decision_tables(service):
    grant = service.get_definition(OWNER, "startup_grant")
    assert (grant["name"], grant["version"], grant["versions"], grant["bpmn_file"]) == \
        ("Starttiraha", 1, [1], "startup_grant.bpmn")
    assert service.get_definition(OWNER, "startup_grant", 1) == grant
    kinds = {f["filename"]: f["kind"] for f in grant["bundle_files"]}
    assert kinds["startup_grant.bpmn"] == "bpmn" and kinds["hearing.bpmn"] == "bpmn"  # the hearing it calls
    assert kinds["startup_grant_eligibility.dmn"] == "dmn"
    assert kinds["startup_grant_application.schema.json"] == "form"
    assert set(kinds) == set(grant["files"])
    eligibility = next(f for f in grant["bundle_files"] if f["filename"] == "startup_grant_eligibility.dmn")
    assert eligibility["decisions"] == [{"id": "startup_grant_eligibility",
                                         "name": "Starttirahan myöntämisedellytykset"}]


def test_a_new_version_is_listed_beside_the_first_and_each_keeps_its_own_files(service):
    bpmn = (ROOT / "bpmn" / "startup_grant.bpmn").read_bytes()
    changed = bpmn.replace(b'name="Starttiraha"', b'name="Starttiraha (uusi)"', 1)
    assert changed != bpmn
    service.deploy(SYSTEM, {"startup_grant.bpmn": changed})
    latest = service.get_definition(OWNER, "startup_grant")
    assert (latest["version"], latest["versions"]) == (2, [1, 2])
    assert service.definition_file(OWNER, "startup_grant", 1, "startup_grant.bpmn")["content"] == bpmn
    assert service.definition_file(OWNER, "startup_grant", 2, "startup_grant.bpmn")["content"] == changed


def test_a_file_of_the_bundle_is_served_as_deployed_and_one_outside_it_is_not_found(service):
    table = service.definition_file(OWNER, "startup_grant", 1, "startup_grant_eligibility.dmn")
    assert table == {"filename": "startup_grant_eligibility.dmn", "kind": "dmn",
                     "content": (ROOT / "dmn" / "startup_grant_eligibility.dmn").read_bytes()}
    with pytest.raises(NotFound):  # deployed, but the start-up grant does not use it
        service.definition_file(OWNER, "startup_grant", 1, "job_seeker_obligation.dmn")
    with pytest.raises(NotFound):
        service.definition_file(OWNER, "startup_grant", 1, "../startup_grant.bpmn")


@pytest.mark.parametrize("key, version", [("no_such_process", None), ("startup_grant", 9), ("start\x00up", 1)])
def test_an_unknown_process_or_version_is_not_found(service, key, version):
    with pytest.raises(NotFound):
        service.get_definition(OWNER, key, version)


def test_caseworkers_and_auditors_read_definitions_but_customers_do_not(service):
    assert service.get_definition(caseworker("anna"), "startup_grant")["version"] == 1
    assert service.get_definition(AUDITOR, "startup_grant")["version"] == 1
    with pytest.raises(Forbidden):
        service.get_definition(customer("010190-123A"), "startup_grant")
    with pytest.raises(Forbidden):
        service.definition_file(customer("010190-123A"), "startup_grant", 1, "startup_grant.bpmn")
    with pytest.raises(Forbidden):  # an auditor reads definitions but does not try decisions
        service.list_decisions(AUDITOR)


def test_the_deployed_decisions_by_name_with_the_variables_their_inputs_read(service):
    listing = service.list_decisions(OWNER)
    assert not listing["truncated"]
    names = [d["name"] for d in listing["items"]]
    assert names == sorted(names, key=str.casefold) and len(names) == len(list((ROOT / "dmn").glob("*.dmn")))
    obligation = next(d for d in listing["items"] if d["decision_id"] == "job_seeker_obligation")
    assert obligation["name"] == "Työnhakuvelvollisuus" and obligation["file"] == "job_seeker_obligation.dmn"
    # a bare name reads itself; years and months duration(date(a), date(b)) reads a and b, not its functions
    assert obligation["variables"] == ["obligation_date", "work_situation", "laid_off_since", "obligation_lowered"]
    assert obligation["also_read"] == ["lowered_obligation"]  # an output entry reads it
    assert obligation["types"] == {"obligation_date": "date", "work_situation": "string", "laid_off_since": "date",
                                   "obligation_lowered": "boolean", "lowered_obligation": "number"}
    situation = obligation["inputs"][1]
    assert situation == {"label": "Työtilanne", "expression": "work_situation", "type_ref": "string",
                         "allowed": ["unemployed", "laid_off", "part_time"],
                         "allowed_text": '"unemployed","laid_off","part_time"', "reads": ["work_situation"]}
    assert obligation["inputs"][2]["reads"] == ["laid_off_since", "obligation_date"]
    assert [o["name"] for o in obligation["outputs"]] == ["job_search_obligation", "review_period_months"]


def test_a_path_reads_the_record_it_starts_from(service):
    check = service.get_decision(OWNER, "pay_subsidy_payment_application")
    assert "payment_window" in check["variables"] and "start" not in check["variables"]
    assert check["types"]["payment_window"] is None and check["types"]["period_end"] == "date"


def test_one_decision_comes_with_its_file_for_the_viewer(service):
    found = service.get_decision(OWNER, "Työnhakuvelvollisuus")  # by name, as evaluate_decision finds it
    assert found["decision_id"] == "job_seeker_obligation"
    assert found["content"] == (ROOT / "dmn" / "job_seeker_obligation.dmn").read_text(encoding="utf-8")
    with pytest.raises(NotFound):
        service.get_decision(OWNER, "no_such_decision")
    with pytest.raises(Forbidden):
        service.get_decision(customer("010190-123A"), "job_seeker_obligation")


def test_a_person_laid_off_since_2_3_2026_need_not_apply_for_jobs_in_the_period_from_19_3_2026(service):
    answer = service.evaluate_decision(OWNER, "job_seeker_obligation", {
        "obligation_date": "2026-03-19", "work_situation": "laid_off", "laid_off_since": "2026-03-02"})
    assert answer["result"] == {"job_search_obligation": 0, "review_period_months": 1}
    (rule,) = answer["matched_rules"]
    assert rule["row"] == 3 and "380/2023" in rule["annotation"]


def test_a_huge_deployment_is_listed_truncated(service, monkeypatch):
    monkeypatch.setattr(definitions_module, "MAX_DECISIONS", 5)
    listing = service.list_decisions(OWNER)
    assert listing["truncated"] and len(listing["items"]) == 5
