"""The task page: the form rendered from the task's JSON Schema and UI schema, the case beside it.
Posting completes the task through the service; refused data (422) shows the page again with what was
entered and each error next to its field; success goes back to the inbox."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth import policy
from ..errors import Conflict, Invalid, ProcessFailed
from . import case_context, form_data, form_model
from .session import service, signed_in
from .tasks import now_of, process_names, urgency

bp = Blueprint("task_page", __name__)


def _render(actor, task: dict, form: form_model.Form, status: int = 200, summary=None, problem: str | None = None):
    today = now_of(actor).date()
    return render_template("task.html", task={**task, "urgency": urgency(task, today)}, form=form,
                           summary=summary or [], problem=problem, case=case_context.context(actor, task),
                           processes=process_names(actor), PRESENT=form_data.PRESENT,
                           may_work=policy.permits(actor, "work_on_tasks")), status


def _form_of(task: dict) -> form_model.Form:
    form = task.get("form") or {}
    return form_model.build(form.get("schema"), form.get("ui_schema"), task.get("data"))


@bp.get("/tasks/<task_id>")
@signed_in
def show(actor, task_id: str):
    task = service().get_task(actor, task_id)
    return _render(actor, task, _form_of(task))


@bp.post("/tasks/<task_id>")
@signed_in
def complete(actor, task_id: str):
    task = service().get_task(actor, task_id)
    form = _form_of(task)
    data, own = form_data.parse(form, request.form)
    if own:  # text that is not of its field's type: said in the user's words, nothing is sent on
        return _refused(actor, task, form, data, {}, own)
    try:
        service().complete_task(actor, task_id, data)
    except Invalid as exc:
        return _refused(actor, task, form, data, exc.fields, own)
    except ProcessFailed as exc:
        form_data.refill(form, data, request.form)
        return _render(actor, task, form, 422, problem=exc.message)
    except Conflict as exc:
        form_data.refill(form, data, request.form)
        return _render(actor, task, form, 409, problem=exc.message)
    flash(_("The task “%(task)s” is done.", task=task["name"]), "success")
    return redirect(url_for("inbox.index"))


def _refused(actor, task, form, data, fields, own):
    by_field, summary = form_data.field_errors(form, fields, own)
    form_data.refill(form, data, request.form)
    for field in form.fields:
        field.error = by_field.get(field.name)
    return _render(actor, task, form, 422, summary=summary)
