"""Applying ("Hae"): a customer starts a case of their own — the processes whose start is drawn in a customer's
lane (an application, a registration) — in the area of the municipality they give, answering the start
form the process names (a job seeker's registration), and goes straight to their first task in it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import areas
from ..errors import Forbidden, Invalid, NotFound
from . import form_data, form_model
from .session import service, signed_in

bp = Blueprint("apply_page", __name__)
MUNICIPALITIES = sorted(((code, name) for area in areas.AREAS.values() for code, name in area.municipalities),
                        key=lambda pair: pair[1].casefold())
_FIELD_OF = {"business_key": "customer", "area": "municipality", "municipality": "municipality"}  # service → page


@bp.get("/apply")
@signed_in
def index(actor):
    return render_template("apply.html", services=service().customer_services(actor), chosen=None)


def _offered(actor, process_key: str) -> dict:
    found = next((s for s in service().customer_services(actor) if s["process_key"] == process_key), None)
    if found is None:
        abort(404)
    return found


def _form(offered: dict, data: dict | None = None) -> form_model.Form | None:
    form = offered.get("form")
    return form_model.build(form["schema"], form.get("ui_schema"), data or {}) if form else None


def _render(actor, offered: dict, form, status: int = 200, errors: dict | None = None, chosen: dict | None = None,
            summary=None):
    return render_template("apply.html", services=None, chosen=offered, form=form, keys=sorted(actor.customers),
                           municipalities=MUNICIPALITIES, errors=errors or {}, picked=chosen or {},
                           first_errors=[(f"apply-{name}", message) for name, message in (errors or {}).items()],
                           summary=summary or [], PRESENT=form_data.PRESENT), status


@bp.get("/apply/<process_key>")
@signed_in
def form(actor, process_key: str):
    offered = _offered(actor, process_key)
    return _render(actor, offered, _form(offered))


@bp.post("/apply/<process_key>")
@signed_in
def start(actor, process_key: str):
    offered = _offered(actor, process_key)
    picked = {name: request.form.get(name, "").strip() for name in ("customer", "municipality")}
    errors = {}
    if picked["customer"] not in actor.customers:
        errors["customer"] = _("Choose on whose behalf you apply.")
    if picked["municipality"] not in dict(MUNICIPALITIES):
        errors["municipality"] = _("Choose your municipality.")
    answers_form = _form(offered)
    answers, own = form_data.parse(answers_form, request.form) if answers_form else ({}, {})
    if errors or own:
        return _refused(actor, offered, answers_form, answers, {}, own, errors, picked)
    try:
        case = service().start_instance(actor, process_key, picked["customer"], answers,
                                        municipality=picked["municipality"])
    except Invalid as exc:
        fields = exc.fields if isinstance(exc.fields, dict) else {}
        page_fields = {_FIELD_OF[k]: v for k, v in fields.items() if k in _FIELD_OF}
        if page_fields or not answers_form or not fields:
            errors.update(page_fields or {"process": exc.message})
            return _refused(actor, offered, answers_form, answers, {}, {}, errors, picked)
        return _refused(actor, offered, answers_form, answers, fields, {}, errors, picked)
    except (Forbidden, NotFound) as exc:
        errors["process"] = exc.message
        return _refused(actor, offered, answers_form, answers, {}, {}, errors, picked)
    flash(_("Your case “%(process)s” has started.", process=offered["name"]), "success")
    mine = service().list_tasks(actor, instance_id=case["id"], limit=1)["items"]
    if mine:
        return redirect(url_for("task_page.show", task_id=mine[0]["id"]))
    return redirect(url_for("case_pages.show", instance_id=case["id"]))


def _refused(actor, offered, answers_form, answers, fields, own, errors, picked):
    summary = []
    if answers_form is not None:
        by_field, summary = form_data.field_errors(answers_form, fields, own)
        form_data.refill(answers_form, answers, request.form)
        for field in answers_form.fields:
            field.error = by_field.get(field.name)
    return _render(actor, offered, answers_form, 422, errors, picked, summary)
