"""Applying ("Hae"): a customer starts a case of their own — the processes whose start is drawn in a customer's
lane (an application, a registration) — in the area of the municipality they give, and goes straight to
their first task in it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import areas
from ..errors import Forbidden, Invalid, NotFound
from .session import service, signed_in

bp = Blueprint("apply_page", __name__)
MUNICIPALITIES = sorted(((code, name) for area in areas.AREAS.values() for code, name in area.municipalities),
                        key=lambda pair: pair[1].casefold())
_FIELD_OF = {"business_key": "customer", "area": "municipality", "municipality": "municipality"}  # service → form


def _render(actor, status: int = 200, errors: dict | None = None, chosen: dict | None = None):
    return render_template("apply.html", services=service().customer_services(actor), keys=sorted(actor.customers),
                           municipalities=MUNICIPALITIES, errors=errors or {}, chosen=chosen or {}), status


@bp.get("/apply")
@signed_in
def index(actor):
    return _render(actor)


@bp.post("/apply")
@signed_in
def start(actor):
    chosen = {name: request.form.get(name, "").strip() for name in ("process", "customer", "municipality")}
    offered = {s["process_key"]: s["name"] for s in service().customer_services(actor)}
    errors = {}
    if chosen["process"] not in offered:
        errors["process"] = _("Choose what you apply for.")
    if chosen["customer"] not in actor.customers:
        errors["customer"] = _("Choose on whose behalf you apply.")
    if chosen["municipality"] not in dict(MUNICIPALITIES):
        errors["municipality"] = _("Choose your municipality.")
    if errors:
        return _render(actor, 422, errors, chosen)
    try:
        case = service().start_instance(actor, chosen["process"], chosen["customer"],
                                        municipality=chosen["municipality"])
    except (Invalid, Forbidden, NotFound) as exc:
        asked = next(iter(exc.fields), "") if isinstance(exc.fields, dict) and exc.fields else ""
        errors[_FIELD_OF.get(asked, "process")] = exc.message
        return _render(actor, 422, errors, chosen)
    flash(_("Your case “%(process)s” has started.", process=offered[chosen["process"]]), "success")
    mine = service().list_tasks(actor, instance_id=case["id"], limit=1)["items"]
    if mine:
        return redirect(url_for("task_page.show", task_id=mine[0]["id"]))
    return redirect(url_for("case_pages.show", instance_id=case["id"]))
