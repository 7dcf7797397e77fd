"""Who is acting, over HTTP: tokens (401), roles (403), areas and customers (404), the history naming the
real subject, and the audit trail of personal data.

The people: Anna, caseworker of Helsinki (area A); Bertta, caseworker of Vantaa (area B); the applicant
010190-123A; another customer 020202-222B; Pekka the process owner; Tessa the tester; Aino the auditor
of Helsinki; Kela as an integration client of every area.
"""
from __future__ import annotations

import jwt
import pytest
from sqlalchemy import text

from tva_flow.api import create_app
from tests.identities import AREA, OTHER_AREA, sign_in
from tests.journeys.http import API, ok
from tests.journeys.test_startup_grant import ALL_CONDITIONS_MET, APPLICANT, APPLICATION
from tests.pages import every_page

OTHER_CUSTOMER = "020202-222B"


@pytest.fixture
def app(service):
    return create_app(service)


@pytest.fixture
def people(app):
    return {
        "applicant": sign_in(app, APPLICANT),
        "other": sign_in(app, OTHER_CUSTOMER),
        "anna": sign_in(app, "anna", roles=["caseworker"], areas=[AREA]),
        "bertta": sign_in(app, "bertta", roles=["caseworker"], areas=[OTHER_AREA]),
        "pekka": sign_in(app, "pekka", roles=["process_owner"], groups=[], areas=[]),
        "tessa": sign_in(app, "tessa", roles=["tester"], groups=[], areas=[AREA]),
        "aino": sign_in(app, "aino", roles=["auditor"], groups=[], areas=[AREA]),
        "kela": sign_in(app, "kela", roles=["integration"], groups=[], areas=["*"]),
    }


def apply(people, who="applicant", key=APPLICANT) -> str:
    """The customer applies for a start-up grant in Helsinki (municipality 091) and submits the form."""
    client = people[who]
    instance = ok(client.post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": key, "municipality": "091"}), 201)
    assert instance["area"] == AREA
    [task] = [t for t in every_page(client, f"{API}/tasks") if t["instance_id"] == instance["id"]]
    ok(client.post(f"{API}/tasks/{task['id']}/complete", json={"data": APPLICATION}))
    return instance["id"]


def assessment(people, instance_id: str) -> dict:
    [task] = [t for t in every_page(people["anna"], f"{API}/tasks", {"instance_id": instance_id})]
    assert task["element_id"] == "assess_application"
    return task


def audit(people, **query) -> list[dict]:
    return every_page(people["aino"], f"{API}/audit", query)


# -- 401: no identity, no answer ---------------------------------------------------------------------
def test_without_a_token_only_the_api_description_and_health_answer(app, service):
    anonymous = app.test_client()
    assert anonymous.get(f"{API}/openapi.json").status_code == 200
    assert anonymous.get("/healthz").status_code == 200
    for method, path in (("get", "/tasks"), ("get", "/process-instances"), ("post", "/deployments"),
                         ("get", "/clock"), ("get", "/customers/010190-123A"), ("get", "/audit"),
                         ("post", "/messages"), ("get", "/no-such-endpoint")):
        response = getattr(anonymous, method)(API + path)
        assert response.status_code == 401, (method, path)
        assert response.json["error"] == "unauthenticated" and response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_or_one_signed_with_another_key_or_for_another_audience_is_refused(app, people, frozen):
    from tva_flow.auth.directory import Directory
    directory = Directory(app.extensions["tva_flow"].db)
    client = app.test_client()
    good = directory.token("anna", __import__("datetime").timedelta(minutes=5))
    assert client.get(f"{API}/clock", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    claims = jwt.decode(good, options={"verify_signature": False})
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    stranger = Ed25519PrivateKey.generate()
    kid = jwt.get_unverified_header(good)["kid"]
    forged = jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": kid})
    frozen.tick(6 * 60)  # six minutes later the five-minute token has expired
    for token, why in ((good, "expired"), (forged, "signature"), ("not-a-jwt", "malformed")):
        response = client.get(f"{API}/clock", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and response.json["error"] == "unauthenticated", why
        assert why in response.json["message"]
    other_audience = jwt.encode({**claims, "aud": "another-service", "exp": claims["exp"] + 3600},
                                directory._signing_key()[1], algorithm="EdDSA", headers={"kid": kid})
    response = client.get(f"{API}/clock", headers={"Authorization": f"Bearer {other_audience}"})
    assert response.status_code == 401 and "audience" in response.json["message"]


# -- 403: roles --------------------------------------------------------------------------------------
@pytest.mark.parametrize("who, method, path, body", [
    ("applicant", "post", "/deployments", None),
    ("anna", "post", "/clock/advance", {"duration": "P1D"}),
    ("pekka", "get", "/tasks", None),
    ("pekka", "post", "/messages", {"name": "employed", "business_key": APPLICANT}),
    ("kela", "get", "/process-instances", None),
    ("aino", "get", "/tasks", None),
    ("tessa", "get", "/audit", None),
    ("applicant", "get", "/audit", None),
    ("anna", "get", "/me/audit", None),
    ("applicant", "post", "/decisions/startup_grant_duration/evaluate", {"inputs": {}}),
])
def test_a_role_that_may_not_do_something_is_refused_with_403(people, who, method, path, body):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(people[who], method)(API + path, **kwargs)
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.json["error"] == "forbidden"


def test_a_customer_starts_cases_of_their_own_only(people):
    response = people["applicant"].post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": OTHER_CUSTOMER, "area": AREA})
    assert response.status_code == 403 and response.json["fields"] == {"business_key": "not yours"}


def test_a_caseworker_starts_cases_only_in_their_own_areas(people):
    response = people["anna"].post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": APPLICANT, "area": OTHER_AREA})
    assert response.status_code == 403 and response.json["fields"] == {"area": "not yours"}


def test_the_area_comes_from_the_municipality_and_an_unknown_one_is_refused(people):
    vantaa = ok(people["kela"].post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": APPLICANT, "municipality": "092"}), 201)
    assert vantaa["area"] == "vantaa"
    response = people["kela"].post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": APPLICANT, "municipality": "999"})
    assert response.status_code == 422 and "municipality" in response.json["fields"]
    response = people["kela"].post(f"{API}/process-instances", json={
        "process_key": "startup_grant", "business_key": APPLICANT})
    assert response.status_code == 422 and "area" in response.json["fields"]


# -- 404: another area, another customer -------------------------------------------------------------
def test_another_areas_caseworker_and_another_customer_find_nothing(people):
    iid = apply(people)
    task = assessment(people, iid)
    for who in ("bertta", "other"):
        client = people[who]
        for path in (f"/process-instances/{iid}", f"/process-instances/{iid}/history", f"/tasks/{task['id']}",
                     f"/customers/{APPLICANT}"):
            response = client.get(API + path)
            assert response.status_code == 404 and response.json["error"] == "not_found", (who, path)
        assert every_page(client, f"{API}/tasks") == []
        assert every_page(client, f"{API}/outbox") == []
    assert every_page(people["bertta"], f"{API}/process-instances") == []
    for action in ("claim", "complete", "unclaim"):
        response = people["bertta"].post(f"{API}/tasks/{task['id']}/{action}",
                                         json={"data": ALL_CONDITIONS_MET} if action == "complete" else {})
        assert response.status_code == 404, action
    # the cancel of another area's case is a 404 too, and nothing changed
    response = people["bertta"].post(f"{API}/process-instances/{iid}/cancel", json={})
    assert response.status_code == 404
    assert ok(people["anna"].get(f"{API}/process-instances/{iid}"))["status"] == "running"


def test_a_customer_sees_only_the_customer_lanes_of_their_own_case(people):
    iid = apply(people)
    assert every_page(people["applicant"], f"{API}/tasks") == []  # the assessment is the caseworker's
    task = assessment(people, iid)
    response = people["applicant"].post(f"{API}/tasks/{task['id']}/complete", json={"data": ALL_CONDITIONS_MET})
    assert response.status_code == 404  # a customer cannot grant their own start-up grant
    assert ok(people["applicant"].get(f"{API}/process-instances/{iid}"))["status"] == "running"


def test_a_message_reaches_only_cases_in_the_senders_areas(app, people):
    sign_in(app, "te_vantaa", roles=["integration"], groups=[], areas=[OTHER_AREA])
    iid = apply(people)
    response = sign_in(app, "te_vantaa").post(f"{API}/messages", json={"name": "employed", "business_key": APPLICANT})
    assert response.status_code == 409
    assert ok(people["anna"].get(f"{API}/process-instances/{iid}"))["status"] == "running"


# -- claims with real identities ---------------------------------------------------------------------
def test_only_the_assignee_releases_and_a_reassign_right_takes_over_in_the_history(app, people):
    iid = apply(people)
    task = assessment(people, iid)
    colleague = sign_in(app, "cecilia", roles=["caseworker"], areas=[AREA])
    lead = sign_in(app, "leena", roles=["caseworker"], areas=[AREA], rights=["reassign"])
    ok(people["anna"].post(f"{API}/tasks/{task['id']}/claim", json={}))
    assert colleague.post(f"{API}/tasks/{task['id']}/unclaim", json={}).status_code == 409
    assert colleague.post(f"{API}/tasks/{task['id']}/claim", json={"take_over": True}).status_code == 409
    taken = ok(lead.post(f"{API}/tasks/{task['id']}/claim", json={"take_over": True}))
    assert taken["assignee"] == "leena"
    ok(lead.post(f"{API}/tasks/{task['id']}/complete", json={"data": ALL_CONDITIONS_MET}))
    history = every_page(people["anna"], f"{API}/process-instances/{iid}/history")
    who = [(h["type"], h["user"], h["role"]) for h in history if h["type"].startswith("task_")]
    assert ("task_claimed", "anna", "caseworker") in who
    assert ("task_reassigned", "leena", "caseworker") in who
    [reassigned] = [h for h in history if h["type"] == "task_reassigned"]
    assert reassigned["data"]["previous"] == "anna"
    assert [(h["user"], h["role"]) for h in history if h["type"] == "started"] == [(APPLICANT, "customer")]


# -- the journey with four identities ----------------------------------------------------------------
def test_four_people_one_application_and_the_auditor_sees_who_read_it(people):
    """Mon 5.1.2026 the applicant applies in Helsinki; Vantaa's caseworker cannot see it; Helsinki's Anna
    assesses and grants it; the applicant reads the decision; the auditor sees who read the application."""
    iid = apply(people)
    assert people["bertta"].get(f"{API}/process-instances/{iid}").status_code == 404
    task = assessment(people, iid)
    application = ok(people["anna"].get(f"{API}/tasks/{task['id']}"))
    assert application["data"]["business_name"] == APPLICATION["business_name"]
    granted = ok(people["anna"].post(f"{API}/tasks/{task['id']}/complete", json={"data": ALL_CONDITIONS_MET}))
    assert granted["variables"]["decision"]["outcome"] == "granted"
    mine = ok(people["applicant"].get(f"{API}/customers/{APPLICANT}"))
    [decision] = [o for o in mine["outbox"] if o["type"] == "startup_grant_decision"]
    assert decision["payload"]["outcome"] == "granted" and decision["date"] == "2026-01-05"

    rows = audit(people, customer=APPLICANT)
    readers = {(r["subject"], r["role"], r["action"], r["result"]) for r in rows}
    assert ("anna", "caseworker", "read_task", "ok") in readers
    assert ("anna", "caseworker", "complete_task", "ok") in readers
    assert ("applicant", "customer", "start_instance", "ok") not in readers  # the subject is the person
    assert (APPLICANT, "customer", "start_instance", "ok") in readers
    assert (APPLICANT, "customer", "read_customer", "ok") in readers
    assert ("bertta", "caseworker", "read_instances", "out_of_reach") in readers  # the attempt is recorded
    assert all(r["area"] == AREA and r["instance_id"] in (iid, None) for r in rows if r["result"] == "ok")
    # the applicant reads who has handled their data, and nobody else's
    own = every_page(people["applicant"], f"{API}/me/audit")
    assert {r["customer"] for r in own} == {APPLICANT}
    assert {"anna", APPLICANT} <= {r["subject"] for r in own}
    # the audit trail of one subject, and a time window
    assert {r["subject"] for r in audit(people, subject="anna")} == {"anna"}
    assert audit(people, **{"from": "2026-01-06T00:00:00+02:00"}) == []


def test_every_read_of_a_customers_data_leaves_an_audit_row(people):
    iid = apply(people)
    task = assessment(people, iid)
    before = len(audit(people, subject="anna"))
    for path in (f"/process-instances/{iid}", f"/process-instances/{iid}/history", f"/tasks/{task['id']}",
                 f"/customers/{APPLICANT}", f"/outbox?business_key={APPLICANT}", "/tasks", "/process-instances"):
        ok(people["anna"].get(API + path))
    actions = [r["action"] for r in audit(people, subject="anna")[before:]]
    assert actions == ["read_instance", "read_history", "read_task", "read_customer", "list_outbox", "list_tasks",
                       "list_instances"]


def test_the_audit_trail_cannot_be_changed_or_deleted(service, people):
    apply(people)
    with service.db.engine.connect() as conn:
        for statement in ("UPDATE audit_log SET subject = 'nobody'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text(statement))
            conn.rollback()


def test_an_auditor_sees_only_their_own_areas(app, people):
    apply(people)
    assert audit(people)  # Aino audits Helsinki
    vantaa_auditor = sign_in(app, "ville", roles=["auditor"], groups=[], areas=[OTHER_AREA])
    assert every_page(vantaa_auditor, f"{API}/audit", {"customer": APPLICANT}) == []


def test_the_caller_can_ask_who_they_are(people):
    assert ok(people["anna"].get(f"{API}/me")) == {
        "subject": "anna", "roles": ["caseworker"], "groups": ["asiantuntija"], "areas": [AREA],
        "customers": [], "rights": []}


# -- areas at the service level ----------------------------------------------------------------------
def test_a_hand_over_starts_the_receiving_process_in_the_senders_area(make_service, sqlite_url):
    from pathlib import Path

    from tests.identities import caseworker, tester
    from tests.pages import every

    service = make_service(sqlite_url, [Path(__file__).parent / "fixtures" / "messaging"])
    sender = service.start_instance(tester(area=OTHER_AREA), "fixture_sender", "010190-123A", {"days": 7})
    assert sender["area"] == OTHER_AREA
    received = [i for i in every(service.list_instances, caseworker("bertta", area=OTHER_AREA))
                if i["process_key"] == "fixture_receiver"]
    assert [i["area"] for i in received] == [OTHER_AREA]
    assert every(service.list_instances, caseworker("anna", area=AREA)) == []
    sent = every(service.list_outbox, caseworker("bertta", area=OTHER_AREA))
    assert sent and {o["area"] for o in sent} == {OTHER_AREA}


def test_migrate_areas_gives_cases_from_before_areas_one_so_none_becomes_unreachable(make_service, sqlite_url):
    from sqlalchemy import update

    from tva_flow.store.areas import assign_default_area
    from tva_flow.store.models import ProcessInstance, UserTask
    from tests.identities import SYSTEM, caseworker
    from tests.pages import every
    from tests.conftest import FIXTURES

    service = make_service(sqlite_url, [FIXTURES])
    started = service.start_instance(SYSTEM, "fixture_review", "010190-123A", {"review_due": "2026-01-08T16:00:00+02:00"})
    with service.db.unit_of_work() as s:  # as a database from before migration 0004 has it
        s.execute(update(ProcessInstance).values(area=None))
        s.execute(update(UserTask).values(area=None))
    anna = caseworker("anna")
    assert every(service.list_tasks, anna) == []
    counts = assign_default_area(service.db, AREA)
    assert counts["process_instances"] == 1 and counts["user_tasks"] == 1
    assert [t["instance_id"] for t in every(service.list_tasks, anna)] == [started["id"]]


# -- an OpenID Connect provider ----------------------------------------------------------------------
def test_a_caseworker_signed_in_at_the_municipalitys_provider_works_in_her_area_only(service, tmp_path):
    """Keycloak-style tokens (roles under realm_access, groups and areas as lists), keys minted here."""
    import json
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    from tva_flow.auth.tokens import Authenticator

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [
        {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "use": "sig"}]}))
    issuer = "https://tunnistus.helsinki.example/realms/tva"
    app = create_app(service, authenticator=Authenticator.from_env(service.db, {
        "TVA_FLOW_OIDC_ISSUER": issuer, "TVA_FLOW_OIDC_AUDIENCE": "tva-flow-api",
        "TVA_FLOW_OIDC_JWKS_FILE": str(tmp_path / "jwks.json"), "TVA_FLOW_OIDC_ROLES_CLAIM": "realm_access.roles",
        "TVA_FLOW_EMBEDDED_AUTH": "0"}))

    def bearer(**claims) -> dict:
        now = datetime.now(UTC)
        token = jwt.encode({"iss": issuer, "aud": "tva-flow-api", "iat": now, "exp": now + timedelta(minutes=5),
                            **claims}, key, algorithm="RS256", headers={"kid": "k1"})
        return {"Authorization": f"Bearer {token}"}

    client = app.test_client()
    applicant = bearer(sub="suomi.fi:abc", realm_access={"roles": ["customer"]}, hetu=APPLICANT)
    anna = bearer(sub="anna.virtanen@hel.fi", realm_access={"roles": ["caseworker", "system"]},
                  groups=["asiantuntija"], areas=[AREA])
    bertta = bearer(sub="bertta@vantaa.fi", realm_access={"roles": ["caseworker"]}, groups=["asiantuntija"],
                    areas=[OTHER_AREA])
    assert ok(client.get(f"{API}/me", headers=anna))["roles"] == ["caseworker"]  # "system" is never granted
    instance = ok(client.post(f"{API}/process-instances", headers=applicant, json={
        "process_key": "startup_grant", "business_key": APPLICANT, "municipality": "Helsinki"}), 201)
    [task] = every_page(client, f"{API}/tasks", headers=applicant)
    ok(client.post(f"{API}/tasks/{task['id']}/complete", headers=applicant, json={"data": APPLICATION}))
    assert every_page(client, f"{API}/tasks", headers=bertta) == []
    [assess] = every_page(client, f"{API}/tasks", headers=anna)
    assert assess["instance_id"] == instance["id"]
    ok(client.post(f"{API}/tasks/{assess['id']}/complete", headers=anna, json={"data": ALL_CONDITIONS_MET}))
    history = every_page(client, f"{API}/process-instances/{instance['id']}/history", headers=anna)
    assert ("suomi.fi:abc", "customer") in {(h["user"], h["role"]) for h in history}
    assert ("anna.virtanen@hel.fi", "caseworker") in {(h["user"], h["role"]) for h in history}
    # the embedded directory is switched off here: its tokens are strangers
    from tva_flow.auth.directory import Directory
    directory = Directory(service.db)
    directory.add("local", ["caseworker"], groups=["asiantuntija"], areas=[AREA])
    local = {"Authorization": f"Bearer {directory.token('local', timedelta(minutes=5))}"}
    assert client.get(f"{API}/me", headers=local).status_code == 401

