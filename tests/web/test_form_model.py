"""Every form in forms/ can be shown and filled in on the task page: each field of its schema has an input of
the right kind, and what a browser posts is read back as the data the schema expects."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from tests.journeys.test_startup_grant import APPLICATION
from tva_flow import forms as form_rules
from tva_flow.api import create_app
from tva_flow.web import form_data, form_model

FORMS = Path(__file__).resolve().parents[2] / "forms"
SCHEMAS = sorted(FORMS.glob("*.schema.json"))
KINDS = {"text", "textarea", "number", "integer", "date", "radio", "select", "checkboxes", "hidden", "readonly"}


@pytest.fixture
def in_finnish(service):
    app = create_app(service)
    with app.test_request_context("/", headers={"Accept-Language": "fi"}):
        yield


def load(schema_path: Path) -> tuple[dict, dict]:
    ui_path = schema_path.with_name(schema_path.name.replace(".schema.json", ".uischema.json"))
    return json.loads(schema_path.read_text()), json.loads(ui_path.read_text()) if ui_path.exists() else {}


@pytest.mark.parametrize("schema_path", SCHEMAS, ids=lambda p: p.name.replace(".schema.json", ""))
def test_every_form_shows_every_field_in_the_ui_schemas_order_with_a_finnish_label(schema_path, in_finnish):
    schema, ui = load(schema_path)
    form = form_model.build(schema, ui)
    names = [f.name for f in form.fields]
    assert sorted(names) == sorted(schema["properties"])
    order = [n for n in ui.get("ui:order", []) if n in schema["properties"]]
    assert names[:len(order)] == order
    for field in form.fields:
        assert field.kind in KINDS, (field.name, field.kind)
        assert field.label and field.label != field.name, field.name
        if field.kind in ("radio", "select", "checkboxes"):
            assert field.options, field.name
    required = set(schema.get("required", []))
    assert {f.name for f in form.fields if f.required} == {n for n in required
                                                           if not schema["properties"][n].get("readOnly")}
    assert form.submit_text == ui.get("ui:submitButtonOptions", {}).get("submitText")


def test_a_number_with_a_decimal_comma_a_date_and_yes_no_are_read_as_the_schema_expects(in_finnish):
    schema, ui = load(FORMS / "startup_grant_application.schema.json")
    form = form_model.build(schema, ui)
    posted = MultiDict({**{k: v for k, v in APPLICATION.items() if isinstance(v, str)}, "full_time": "true",
                        "expected_monthly_income_eur": "900", "csrf_token": "x", "unknown": "ignored"})
    data, problems = form_data.parse(form, posted)
    assert problems == {}
    assert data == APPLICATION
    assert form_rules.field_errors(schema, data) == {}
    data, _ = form_data.parse(form, MultiDict({**posted, "expected_monthly_income_eur": "1 234,5"}))
    assert data["expected_monthly_income_eur"] == 1234.5


def test_text_in_a_number_field_is_said_in_finnish_before_anything_is_sent(in_finnish):
    schema, ui = load(FORMS / "startup_grant_application.schema.json")
    form = form_model.build(schema, ui)
    _, problems = form_data.parse(form, MultiDict({"expected_monthly_income_eur": "paljon"}))
    assert problems == {"expected_monthly_income_eur": "Kirjoita luku."}


def test_services_agreed_in_a_discussion_are_a_list_and_none_ticked_is_an_empty_list(in_finnish):
    schema, ui = load(FORMS / "job_seeker_job_search_discussion.schema.json")
    form = form_model.build(schema, ui)
    services = next(f for f in form.fields if f.name == "agreed_services")
    assert services.kind == "checkboxes" and services.options[0].label == "työnhakuvalmennus"
    ticked = MultiDict([("agreed_services", "työkokeilu"), ("agreed_services", "uravalmennus"),
                        (f"{form_data.PRESENT}agreed_services", "1")])
    assert form_data.parse(form, ticked)[0]["agreed_services"] == ["työkokeilu", "uravalmennus"]
    none = MultiDict([(f"{form_data.PRESENT}agreed_services", "1")])
    assert form_data.parse(form, none)[0]["agreed_services"] == []
    assert "agreed_services" not in form_data.parse(form, MultiDict())[0]  # hidden by its condition: not sent
    lowered = next(f for f in form.fields if f.name == "lowered_obligation")
    assert lowered.kind == "integer" and lowered.attrs["min"] == 0 and lowered.attrs["max"] == 3


def test_what_the_process_wrote_is_shown_read_only_and_never_taken_from_the_browser(in_finnish):
    schema, ui = load(FORMS / "hearing_assessment.schema.json")
    form = form_model.build(schema, ui, {"answered": False, "explanation": "Olin sairaana"})
    answered = next(f for f in form.fields if f.name == "answered")
    assert answered.kind == "readonly" and answered.shown_value == "Ei"
    explanation = next(f for f in form.fields if f.name == "explanation")
    assert explanation.kind == "readonly" and explanation.shown_value == "Olin sairaana"
    data, _ = form_data.parse(form, MultiDict({"answered": "true", "explanation": "muutettu",
                                               "acceptable_reason": "true", "assessment": "Hyväksytty"}))
    assert data == {"acceptable_reason": True, "assessment": "Hyväksytty"}


def test_a_business_id_field_carries_its_pattern_for_the_browser_to_check(in_finnish):
    schema, ui = load(FORMS / "pay_subsidy_application.schema.json")
    field = next(f for f in form_model.build(schema, ui).fields if f.attrs.get("pattern"))
    assert field.attrs["pattern"] == "^[0-9]{7}-[0-9]$"
