"""The HTTP routes: parse the request, call ONE service use case, dump its result.

Nothing here decides anything; every rule (who may complete a task, what a form accepts, which
instance a message reaches) lives in :class:`tva_flow.service.TvaFlow`. The acting user is the
verified token's (see :mod:`.identity`), never a field of the request.
"""
from __future__ import annotations

from pathlib import PurePosixPath

import flask_smorest
from marshmallow import RAISE
from flask import current_app, g, request
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from ..auth.actor import Actor
from ..errors import BadRequest
from ..service import TvaFlow
from . import limits, schemas as s


class _Parser(FlaskParser):
    """Malformed requests are 400; 422 is kept for data the service finds invalid. JSON bodies are read
    strictly (:func:`.limits.loads`): no NaN, no out-of-range numbers, no deep nesting, no lone surrogates."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return missing
        return limits.loads(req.get_data(cache=True), current_app.extensions["tva_flow_limits"].max_json_depth)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _Parser()


def service() -> TvaFlow:
    return current_app.extensions["tva_flow"]


def actor() -> Actor:
    """The caller, from the token the request carried (checked before any route runs)."""
    return g.actor


PREFIX = "/api/v1"
health = Blueprint("health", __name__, description="Liveness of the service")
definitions = Blueprint("definitions", __name__, url_prefix=PREFIX,
                        description="Deploy BPMN, DMN and form files; list the deployed processes")
instances = Blueprint("instances", __name__, url_prefix=PREFIX,
                      description="Start, inspect and cancel process instances")
tasks = Blueprint("tasks", __name__, url_prefix=PREFIX,
                  description="User tasks: list by candidate group, claim, fill the form, complete")
messages = Blueprint("messages", __name__, url_prefix=PREFIX,
                     description="Outside events correlated to instances by name and business key")
clock = Blueprint("clock", __name__, url_prefix=PREFIX,
                  description="The engine's time; a simulated clock can be moved forward")
decisions = Blueprint("decisions", __name__, url_prefix=PREFIX,
                      description="Evaluate a deployed decision table on its own, with the rules that decided")
outbox = Blueprint("outbox", __name__, url_prefix=PREFIX,
                   description="What the processes sent outside: statements, notices, hand-overs, payments")
customers = Blueprint("customers", __name__, url_prefix=PREFIX,
                      description="One customer's view: a person's or an employer's cases, tasks and payments")
BLUEPRINTS = (health, definitions, instances, tasks, messages, clock, decisions, outbox, customers)
MALFORMED_QUERY = "A malformed query (e.g. a cursor this list did not give)"
SIGNED_IN = {"401": "No valid bearer token (missing, expired, badly signed, another audience or issuer)",
             "403": "None of the caller's roles may do this"}


def refusals(**descriptions):
    """Document error responses in the OpenAPI: ``@refusals(r404="No such task", r409="...")``.

    ``alt_response`` only annotates the function, so any of the blueprints can lend it.
    """
    def decorator(func):
        for key, description in {**{f"r{k}": v for k, v in SIGNED_IN.items()}, **descriptions}.items():
            func = health.alt_response(int(key[1:]), schema=s.ErrorSchema, description=description)(func)
        return func
    return decorator


# -- health ------------------------------------------------------------------------------------------
@health.route(PREFIX + "/healthz", endpoint="api_healthz")
@health.route("/healthz", endpoint="healthz")
@health.response(200, s.HealthSchema)
@health.doc(security=[])
def healthz():
    """Health check

    Answers when the service is up, with the database dialect it uses.
    """
    return service().health()


# -- definitions -------------------------------------------------------------------------------------
@definitions.route("/process-definitions", endpoint="process_definitions")
@definitions.arguments(s.PageQuery, location="query", unknown=RAISE)
@definitions.response(200, s.DefinitionPage)
@refusals(r400=MALFORMED_QUERY)
def list_definitions(query):
    """List deployed process definitions

    One entry per process key: its latest version, with every deployed version number; by key, paged.
    """
    return service().list_definitions(actor(), **query)


_MULTIPART_FILES = {
    "required": True,
    "description": "Definition files (.bpmn, .dmn, .schema.json, .uischema.json); any field name, "
                   "conventionally `files`, may repeat.",
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    }}},
}


@definitions.route("/deployments", methods=["POST"], endpoint="deployments")
@definitions.doc(requestBody=_MULTIPART_FILES)
@definitions.response(201, s.DeploymentSchema)
@refusals(r400="No files, a file without a name, a name that cannot be kept (over 255 characters, NUL or "
                "control characters), or an unknown kind of file",
           r413="The upload is larger than the deployment limit (default 10 MiB)",
           r415="The body is not multipart/form-data",
           r422="A definition is refused (invalid BPMN/DMN or form schema); `fields` names the file. "
                "Nothing is deployed.")
def deploy():
    """Deploy definition files

    Uploads BPMN, DMN and form files as multipart/form-data. All files are accepted or none; a changed
    process bundle becomes a new version, running instances stay on theirs.
    """
    files: dict[str, bytes] = {}
    for field, upload in request.files.items(multi=True):
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
        if not name:
            raise BadRequest("every uploaded file needs a filename", {field[:80]: "missing filename"})
        files[name] = upload.read()
    return service().deploy(actor(), files)


# -- instances ---------------------------------------------------------------------------------------
@instances.route("/process-instances", methods=["POST"], endpoint="start_instance")
@instances.arguments(s.StartInstanceRequest)
@instances.response(201, s.InstanceSchema)
@refusals(r403="The role may not start cases, the area is not the caller's, or a customer's business key "
                "is not theirs",
           r404="No process definition with that key is deployed",
           r422="`invalid`: no area (give `area` or `municipality`), an unknown area or municipality. "
                "`process_failed`: the process failed on its first steps with these variables (the failing "
                "element in `fields`); nothing is created")
def start_instance(body):
    """Start a process instance

    Starts the latest version of the process with the business key and initial variables, and runs it
    until it waits (user task, timer, message) or ends. The case belongs to an employment-authority area:
    `area`, else the area of `municipality` (or of the variable `municipality`), else the caller's only
    area. A process that fails on its first steps is refused (422 `process_failed`) and nothing is created.
    """
    return service().start_instance(actor(), body["process_key"], body["business_key"], body["variables"],
                                    area=body["area"], municipality=body["municipality"])


@instances.route("/process-instances", endpoint="list_instances")
@instances.arguments(s.InstanceQuery, location="query", unknown=RAISE)
@instances.response(200, s.InstancePage)
@refusals(r400=MALFORMED_QUERY)
def list_instances(query):
    """List process instances

    Those within the caller's reach (their areas; a customer's own), optionally filtered by process key,
    business key and status, oldest first, paged.
    """
    return service().list_instances(actor(), **query)


@instances.route("/process-instances/<instance_id>", endpoint="get_instance")
@instances.response(200, s.InstanceSchema)
@refusals(r404="No such process instance within the caller's reach")
def get_instance(instance_id):
    """Get a process instance

    Its status and variables, open user tasks, pending timers and awaited messages.
    """
    return service().get_instance(actor(), instance_id)


@instances.route("/process-instances/<instance_id>/history", endpoint="instance_history")
@instances.arguments(s.PageQuery, location="query", unknown=RAISE)
@instances.response(200, s.HistoryPage)
@refusals(r400=MALFORMED_QUERY,
           r404="No such process instance within the caller's reach")
def instance_history(query, instance_id):
    """Get the history of a process instance

    The append-only event log: steps, tasks, claims, timers, messages, failures, in order, paged.
    """
    return service().history(actor(), instance_id, **query)


@instances.route("/process-instances/<instance_id>/cancel", methods=["POST"], endpoint="cancel_instance")
@instances.arguments(s.CancelRequest, required=False)
@instances.response(200, s.InstanceSchema)
@refusals(r404="No such process instance within the caller's reach", r409="The instance is not running")
def cancel_instance(body, instance_id):
    """Cancel a process instance

    Stops a running instance: its open tasks are cancelled, its timers and subscriptions dropped.
    """
    return service().cancel_instance(actor(), instance_id)


# -- tasks -------------------------------------------------------------------------------------------
@tasks.route("/tasks", endpoint="list_tasks")
@tasks.arguments(s.TaskQuery, location="query", unknown=RAISE)
@tasks.response(200, s.TaskPage)
@refusals(r400=MALFORMED_QUERY)
def list_tasks(query):
    """List open user tasks

    Those within the caller's reach — a caseworker's groups in their areas, a customer's own tasks in the
    customer lanes — optionally filtered by candidate group (lane), assignee, process, business key or
    instance; the soonest due first (tasks without a deadline last), paged.
    """
    return service().list_tasks(actor(), **query)


@tasks.route("/tasks/<task_id>", endpoint="get_task")
@tasks.response(200, s.TaskDetailSchema)
@refusals(r404="No such task within the caller's reach")
def get_task(task_id):
    """Get a user task

    With its status, its data and its form (JSON Schema and UI schema).
    """
    return service().get_task(actor(), task_id)


@tasks.route("/tasks/<task_id>/claim", methods=["POST"], endpoint="claim_task")
@tasks.arguments(s.ClaimRequest)
@tasks.response(200, s.TaskSchema)
@refusals(r404="No such task within the caller's reach",
           r409="The task is closed or claimed by someone else")
def claim_task(body, task_id):
    """Claim a user task

    Assigns the open task to the caller; only the assignee can complete it. With `take_over`, a caseworker
    of the group with the reassign right takes a task someone else has claimed (the history names both).
    """
    return service().claim_task(actor(), task_id, take_over=body["take_over"])


@tasks.route("/tasks/<task_id>/unclaim", methods=["POST"], endpoint="unclaim_task")
@tasks.arguments(s.UnclaimRequest, required=False)
@tasks.response(200, s.TaskSchema)
@refusals(r404="No such task within the caller's reach",
           r409="The task is closed or claimed by someone else")
def unclaim_task(body, task_id):
    """Release a claimed user task

    Returns the task to its candidate group; only its assignee can.
    """
    return service().unclaim_task(actor(), task_id)


@tasks.route("/tasks/<task_id>/complete", methods=["POST"], endpoint="complete_task")
@tasks.arguments(s.CompleteRequest)
@tasks.response(200, s.InstanceSchema)
@refusals(r404="No such task within the caller's reach",
           r409="The task is closed, claimed by someone else, or its instance is not running",
           r422="`invalid`: the form data fails the task's JSON Schema; `fields` lists each failing field. "
                "`process_failed`: the process failed on the steps after the task with this data; the step "
                "is rolled back, the task stays open and the history records the failure. Nothing else "
                "changes.")
def complete_task(body, task_id):
    """Complete a user task

    Validates the form data against the task's schema, completes the task (claiming it for the user if
    unclaimed) and runs the process on. Answers with the updated instance.
    """
    return service().complete_task(actor(), task_id, body["data"])


# -- messages ----------------------------------------------------------------------------------------
@messages.route("/messages", endpoint="list_subscriptions")
@messages.arguments(s.SubscriptionQuery, location="query", unknown=RAISE)
@messages.response(200, s.SubscriptionPage)
@refusals(r400=MALFORMED_QUERY)
def list_subscriptions(query):
    """List the messages instances wait for

    Which outside events the running instances expect (e.g. `employed` for a customer), oldest
    subscription first, paged: what an integration may deliver with POST /messages.
    """
    return service().list_subscriptions(actor(), **query)


@messages.route("/messages", methods=["POST"], endpoint="send_message")
@messages.arguments(s.MessageRequest)
@messages.response(200, s.MessageResultSchema)
@refusals(r409="No running instance with that business key in the caller's areas waits for the message "
                "and no process starts with it",
           r422="`process_failed`: the process failed on the steps after the message; the step is rolled "
                "back, the instance still waits for the message and its history records the failure")
def send_message(body):
    """Send a message

    Delivers an outside event (e.g. `employed`) to the running instance with the business key that
    waits for it, and runs that instance on. When none waits and one deployed process starts with this
    message (a message start event, e.g. an employer's `change_negotiation_notice`), the message starts
    a case of that process — in the area of the `municipality` it carries, else the caller's only area —
    and the answer says `started` (the caller needs the right to start instances).
    """
    return service().send_message(actor(), body["name"], body["business_key"], body["variables"])


# -- clock -------------------------------------------------------------------------------------------
@clock.route("/clock", endpoint="clock")
@clock.response(200, s.ClockSchema)
@refusals()
def clock_status():
    """Get the engine's time

    The current time and whether the clock is simulated.
    """
    return service().clock_status(actor())


@clock.route("/clock/advance", methods=["POST"], endpoint="advance_clock")
@clock.arguments(s.AdvanceClockRequest)
@clock.response(200, s.AdvanceClockSchema)
@refusals(r400="Neither or both of `duration` and `to`, a target before now or outside 1900–2200",
           r409="The clock follows real time and cannot be moved")
def advance_clock(body):
    """Advance a simulated clock

    Moves time by `duration` (ISO 8601, e.g. P1M) or to `to` (ISO date-time), firing every timer due on
    the way in due order, each at its own due time. Concurrent advances take turns and add up. One
    advance fires at most `max_timers` (the server's limit by default); if it stops early it says so and
    the clock stands at the last fired timer's due time.
    """
    return service().advance_clock(actor(), duration=body.get("duration"), to=body.get("to"),
                                   max_timers=body.get("max_timers"))


# -- decisions ---------------------------------------------------------------------------------------
@decisions.route("/decisions/<decision_id>/evaluate", methods=["POST"], endpoint="evaluate_decision")
@decisions.arguments(s.EvaluateDecisionRequest)
@decisions.response(200, s.DecisionResultSchema)
@refusals(r404="No deployed decision has that id or name",
           r422="The table gives no single answer for these inputs (e.g. two rules match under UNIQUE)")
def evaluate_decision(body, decision_id):
    """Evaluate a decision

    Evaluates the deployed decision (found by id or name) with the given inputs, without a process.
    `result` is the decision's value: a single-output table gives the value, a multi-output table an
    object keyed by output name, COLLECT / RULE ORDER / OUTPUT ORDER a list; no match gives null.
    `matched_rules` names the rules that decided, with their annotations (the legal source).
    """
    return service().evaluate_decision(actor(), decision_id, body["inputs"])


# -- outbox ------------------------------------------------------------------------------------------
@outbox.route("/outbox", endpoint="list_outbox")
@outbox.arguments(s.OutboxQuery, location="query", unknown=RAISE)
@outbox.response(200, s.OutboxPage)
@refusals(r400=MALFORMED_QUERY)
def list_outbox(query):
    """List the outbox

    Everything the processes sent to someone outside (the benefit payer, the customer, another
    authority or process), in the order sent, each with its date, recipient, type and payload — what an
    integration would deliver, written in the same transaction as the step that sent it.
    """
    return service().list_outbox(actor(), **query)


# -- customers ---------------------------------------------------------------------------------------
@customers.route("/customers/<business_key>", endpoint="customer_overview")
@customers.arguments(s.CustomerQuery, location="query", unknown=RAISE)
@customers.response(200, s.CustomerOverviewSchema)
@refusals(r404="No case with that business key within the caller's reach")
def customer_overview(query, business_key):
    """One customer's overview

    For a business key — a person's id or an employer's business id (y-tunnus) — the cases
    (applications), the open tasks (``candidate_group=tyonantaja`` shows only what the employer itself
    must do), everything sent to or about the customer, and the payments made (outbox entries of type
    ``payment``).
    """
    return service().customer_overview(actor(), business_key, **query)
