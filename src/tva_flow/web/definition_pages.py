"""The process owner's pages: the deployed processes and their versions, one version's diagram and decision
tables in the bpmn-js/dmn-js viewers with the files of its bundle, the raw files for the viewers, and
"try the decision": a form of the variables a decision reads, evaluated by the service with the rules
that matched and their legal sources."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..auth import policy
from ..errors import Invalid
from ..text import day
from .layout import format_day
from .session import service, signed_in

bp = Blueprint("definition_pages", __name__)
PAGE_SIZE = 50
MAX_CURSOR = 255
MAX_NUMBER = Decimal("1e15")  # a number typed in the try form (no amount or count of the decisions is near)
MEDIA_TYPES = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@bp.get("/definitions")
@signed_in
def index(actor):
    cursor = request.args.get("cursor") or None
    if cursor and len(cursor) > MAX_CURSOR:
        abort(400)
    page = service().list_definitions(actor, limit=PAGE_SIZE, cursor=cursor)
    decisions = service().list_decisions(actor) if policy.permits(actor, "evaluate_decision") else None
    return render_template("definitions.html", processes=page["items"], decisions=decisions,
                           next_url=url_for(".index", cursor=page["next_cursor"]) if page["next_cursor"] else None,
                           first_url=url_for(".index") if cursor else None)


@bp.get("/definitions/<process_key>/<int:version>")
@signed_in
def show(actor, process_key: str, version: int):
    definition = service().get_definition(actor, process_key, version)
    return render_template("definition.html", definition=definition,
                           title=definition["name"] or definition["process_key"],
                           may_try=policy.permits(actor, "evaluate_decision"))


@bp.get("/definitions/<process_key>/<int:version>/files/<filename>")
@signed_in
def file(actor, process_key: str, version: int, filename: str):
    """The file as it was deployed, for the viewers to fetch: never HTML, never sniffed, never run."""
    found = service().definition_file(actor, process_key, version, filename)
    response = send_file(BytesIO(found["content"]), mimetype=MEDIA_TYPES.get(found["kind"], "application/octet-stream"),
                         as_attachment=False, download_name=_UNSAFE.sub("_", filename).strip("._") or "file",
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# -- try the decision ---------------------------------------------------------------------------------
@dataclass
class Field:
    """One variable of the try form: ``kind`` is date, number, boolean, choice or text."""

    name: str
    id: str
    kind: str
    label: str | None = None  # the input's label when the variable is its whole expression
    options: list[str] = field(default_factory=list)
    read_by: list[str] = field(default_factory=list)  # the labels of the other inputs that read it
    allowed: str | None = None  # the input's allowed values as FEEL text (">= 1"), when not a list
    typed: bool = True  # False: the model gives no type; the text is read as JSON where it is JSON
    in_rules: bool = False  # read by the rules' cells only, not by an input of the table
    value: str = ""
    error: str | None = None


def fields_of(decision: dict) -> list[Field]:
    """A field per variable the decision reads; typed by the model where it says (see the service)."""
    whole = {i["expression"].strip(): i for i in decision["inputs"]}
    fields = []
    for index, name in enumerate([*decision["variables"], *decision["also_read"]]):
        in_rules = index >= len(decision["variables"])
        type_, clause = decision["types"].get(name), whole.get(name) or {}
        options = clause.get("allowed") or []
        kind = ("choice" if options and type_ in ("string", None) else
                type_ if type_ in ("date", "number", "boolean") else "text")
        fields.append(Field(name, f"variable-{index + 1}", kind, clause.get("label"),
                            options if kind == "choice" else [],
                            [i["label"] for i in decision["inputs"] if name in i["reads"] and i is not clause],
                            None if options else clause.get("allowed_text"), typed=type_ is not None,
                            in_rules=in_rules))
    return fields


def parse(fields: list[Field], form) -> dict:
    """The inputs to evaluate with: each given field typed by its kind (an empty field is not given);
    a field that cannot be read gets its error."""
    inputs = {}
    for f in fields:
        f.value = form.get(f.id, "").strip()
        if not f.value:
            continue
        try:
            inputs[f.name] = _typed(f)
        except ValueError:
            f.error = {"date": _("Enter a date."), "number": _("Enter a number."),
                       "boolean": _("Choose true or false."), "choice": _("Choose one of the values.")
                       }.get(f.kind, _("Enter valid JSON or plain text."))
    return inputs


def _typed(f: Field):
    if f.kind == "date":  # ISO from a date input; 19.3.2026 typed by hand
        return day(f.value).isoformat()
    if f.kind == "number":
        try:
            number = Decimal(f.value.replace(",", ".").replace("\u2212", "-"))
        except InvalidOperation:
            raise ValueError(f.value) from None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise ValueError(f.value)
        return int(number) if number == number.to_integral_value() else float(number)
    if f.kind in ("boolean", "choice"):
        allowed = {"true": True, "false": False} if f.kind == "boolean" else {o: o for o in f.options}
        if f.value not in allowed:
            raise ValueError(f.value)
        return allowed[f.value]
    if not f.typed and (f.value[0] in "[{-0123456789" or f.value in ("true", "false", "null")):
        try:
            return json.loads(f.value)
        except (ValueError, RecursionError):
            if f.value[0] in "[{":  # meant as a list or a record, but not one
                raise ValueError(f.value) from None
    return f.value


def shown(value) -> str:
    """A FEEL value as a person reads it: a date in the user's language, other text as is, a list of such
    values separated by semicolons, other lists and records as JSON, null as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and value and not any(isinstance(item, (dict, list)) for item in value):
        return "; ".join(shown(item) for item in value)  # a COLLECT table's hits
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return format_day(value)
    return str(value)


def outputs(decision: dict, result) -> list[dict]:
    """The result as rows of {label, name, value}: one row per output of a single hit, one block per
    hit of a multiple-hit table (``hit`` numbers them), the value itself otherwise."""
    labels = {o["name"]: o["label"] for o in decision["outputs"]}
    only = decision["outputs"][0] if len(decision["outputs"]) == 1 else {"name": None, "label": decision["name"]}
    hits = result if isinstance(result, list) and all(isinstance(r, dict) for r in result) and result else [result]
    rows = []
    for number, hit in enumerate(hits, start=1):
        if isinstance(hit, dict) and len(decision["outputs"]) > 1:
            rows += [{"hit": number if len(hits) > 1 else None, "name": name, "label": labels.get(name, name),
                      "value": shown(value)} for name, value in hit.items()]
        else:
            rows.append({"hit": None, "name": only["name"], "label": only["label"], "value": shown(hit)})
    return rows


@bp.route("/decisions/<decision_id>", methods=["GET", "POST"])
@signed_in
def decision(actor, decision_id: str):
    found = service().get_decision(actor, decision_id)
    fields = fields_of(found)
    answer, problem, status = None, None, 200
    if request.method == "POST":
        inputs = parse(fields, request.form)
        if any(f.error for f in fields):
            problem, status = _("Some values could not be read. Correct them and try again."), 422
        else:
            try:
                answer = service().evaluate_decision(actor, found["decision_id"], inputs)
            except Invalid as exc:
                problem, status = exc.message, 422
    return render_template("decision_try.html", decision=found, fields=fields, answer=answer, problem=problem,
                           outputs=outputs(found, answer["result"]) if answer else [], shown=shown), status
