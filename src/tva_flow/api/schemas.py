"""Marshmallow schemas: request validation and response documentation from one place.

Request schemas reject unknown keys and wrong types (the API answers 400 with ``fields``). Response
schemas describe what the service returns; flexible business data (variables, form data, JSON Schema
forms) stays a free-form object.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

INSTANCE_STATUSES = ("running", "completed", "cancelled", "failed")


def _when(description: str, **kwargs) -> fields.String:
    """An ISO 8601 date-time with offset, kept as text (the service parses and renders it, in Finnish time)."""
    return fields.String(metadata={"format": "date-time", "description": description,
                                   "example": "2026-01-05T09:00:00+02:00"}, **kwargs)


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")


class _Text(fields.String):
    """Text the store can keep on every backend: at most 255 characters, no NUL."""

    def __init__(self, *args, **kwargs):
        validators = kwargs.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        super().__init__(*args, validate=[validate.Length(max=255), _no_nul, *validators], **kwargs)


def _text(description: str, **kwargs) -> fields.String:
    return _Text(metadata={"description": description}, **kwargs)


def _object(description: str, **kwargs) -> fields.Dict:
    return fields.Dict(keys=fields.String(), metadata={"description": description}, **kwargs)


# -- errors ------------------------------------------------------------------------------------------
class ErrorSchema(Schema):
    error = _text("Machine-readable error code, e.g. bad_request, not_found, conflict, invalid, "
                  "process_failed", required=True)
    message = _text("Human-readable explanation", required=True)
    failing = _object("Failing fields: field (or file) name → what is wrong with it", data_key="fields")


# -- paging ------------------------------------------------------------------------------------------
class PageQuery(Schema):
    """Every list takes ``limit`` and ``cursor`` and answers ``{"items": [...], "next_cursor": ...}``."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                           metadata={"description": "How many items at most (1–500, default 50)"})
    cursor = fields.String(validate=[validate.Length(min=1, max=1000), _no_nul], metadata={
        "description": "Where to go on: the `next_cursor` of the previous page (opaque)"})


def page_of(item_schema, name: str) -> type[Schema]:
    """The response schema of a paged list of ``item_schema`` items."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True,
                             metadata={"description": "This page's items, in the list's order"}),
        "next_cursor": fields.String(allow_none=True, required=True, metadata={
            "description": "Pass as `cursor` for the next page; null on the last page"}),
    }, name=name)


# -- requests ----------------------------------------------------------------------------------------
class StartInstanceRequest(Schema):
    process_key = _text("Process definition key, e.g. job_seeker_service", required=True,
                        validate=validate.Length(min=1))
    business_key = _text("Business key that messages correlate on, e.g. the customer's id", required=True,
                         validate=validate.Length(min=1))
    variables = _object("Initial process variables", load_default=dict)
    area = _text("The employment-authority area (työllisyysalue) of the case, e.g. helsinki; one of yours",
                 load_default=None)
    municipality = _text("Instead of `area`: the customer's municipality (code, e.g. 091, or name), "
                         "mapped to its area", load_default=None)


class InstanceQuery(PageQuery):
    process_key = _text("Only instances of this process")
    business_key = _text("Only instances with this business key")
    status = fields.String(validate=validate.OneOf(INSTANCE_STATUSES),
                           metadata={"description": "Only instances in this state"})


class CancelRequest(Schema):
    """No fields: the acting user is the token's subject."""


class TaskQuery(PageQuery):
    candidate_group = _text("Only tasks of this candidate group (BPMN lane), e.g. asiantuntija")
    assignee = _text("Only tasks claimed by this user (a token subject)")
    process_key = _text("Only tasks of this process")
    business_key = _text("Only tasks with this business key")
    instance_id = _text("Only tasks of this process instance")


class ClaimRequest(Schema):
    take_over = fields.Boolean(load_default=False, metadata={
        "description": "Take over a task another caseworker has claimed (needs the reassign right)"})


class UnclaimRequest(Schema):
    """No fields: only the assignee (the token's subject) can release the task."""


class CompleteRequest(Schema):
    data = _object("Form data, validated against the task's JSON Schema", required=True)


class MessageRequest(Schema):
    name = _text("Message name, e.g. employed", required=True, validate=validate.Length(min=1))
    business_key = _text("Business key of the instance that should receive the message", required=True,
                         validate=validate.Length(min=1))
    variables = _object("Variables the message carries into the process", load_default=dict)


class AdvanceClockRequest(Schema):
    duration = _text("ISO 8601 duration to move the clock by, e.g. P1M or PT12H (give this or 'to')")
    to = _when("ISO 8601 date-time to move the clock to (give this or 'duration'), within 1900–2200",
               validate=[validate.Length(max=64), _no_nul])
    max_timers = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "Fire at most this many timers (never more than the server's limit, default 1000)"})


class SubscriptionQuery(PageQuery):
    business_key = _text("Only messages instances with this business key wait for")
    name = _text("Only this message, e.g. employed")


# -- responses ---------------------------------------------------------------------------------------
class HealthSchema(Schema):
    status = _text("Always 'ok' when the service answers")
    database = _text("Database dialect, e.g. sqlite or postgresql")


class DefinitionSchema(Schema):
    process_key = _text("Process definition key (the BPMN process id)")
    name = _text("Process name from the diagram")
    version = fields.Integer(metadata={"description": "Version; a changed bundle becomes a new version"})
    bpmn_file = _text("The BPMN file that defines the process")
    files = _object("Files of the bundle: filename → content hash")
    deployed_at = _when("When this version was deployed")
    deployed_by = _text("Who deployed it (the token's subject), or null", allow_none=True)
    created = fields.Boolean(metadata={"description": "Whether this deployment created the version"})
    versions = fields.List(fields.Integer(), metadata={"description": "All deployed versions"})


class DeploymentSchema(Schema):
    deployed = fields.List(fields.String(), metadata={"description": "Names of the uploaded files"})
    processes = fields.List(fields.Nested(DefinitionSchema),
                            metadata={"description": "Every process the deployment touched"})


class TaskSchema(Schema):
    id = _text("Task id")
    element_id = _text("BPMN element id of the user task")
    name = _text("Task name from the diagram")
    candidate_group = _text("Candidate group: the BPMN lane, e.g. asiantuntija", allow_none=True)
    assignee = _text("User who claimed the task, or null", allow_none=True)
    due_at = _when("When the task falls due (a day's deadline passes at 00:00 Finnish time), or null",
                   allow_none=True)
    due_date = _text("The last Finnish day to do the task on, e.g. 2026-01-20, or null", allow_none=True)
    created_at = _when("When the task was opened")
    instance_id = _text("Process instance id")
    process_key = _text("Process definition key")
    business_key = _text("Business key of the instance")
    area = _text("The employment-authority area (työllisyysalue) of the case", allow_none=True)


class FormSchema(Schema):
    schema = _object("JSON Schema of the form data, or null", allow_none=True)
    ui_schema = _object("UI schema (react-jsonschema-form), or null", allow_none=True)


class TaskDetailSchema(TaskSchema):
    status = _text("open, completed or cancelled")
    data = _object("Data of the task: the process variables it shows, or the submitted form data")
    form = fields.Nested(FormSchema, metadata={"description": "The task's form"})


class TimerSchema(Schema):
    element_id = _text("BPMN element id of the timer event")
    name = _text("Timer name from the diagram")
    due_at = _when("When the timer fires")


class SubscriptionSchema(Schema):
    element_id = _text("BPMN element id of the waiting message event")
    message_name = _text("Name of the awaited message")


class InstanceSummarySchema(Schema):
    id = _text("Process instance id")
    process_key = _text("Process definition key")
    process_name = _text("The process's name in its diagram (its key when it has none)")
    version = fields.Integer(metadata={"description": "Definition version the instance runs on"})
    business_key = _text("Business key, e.g. the customer's id")
    area = _text("The employment-authority area (työllisyysalue) of the case", allow_none=True)
    status = fields.String(metadata={"description": "running, completed, cancelled or failed",
                                     "enum": list(INSTANCE_STATUSES)})
    started_at = _when("When the instance started")
    ended_at = _when("When the instance completed or was cancelled, or null", allow_none=True)


class InstanceSchema(InstanceSummarySchema):
    variables = _object("Process variables")
    error = fields.String(allow_none=True, metadata={"description": "Why the instance failed, or null"})
    open_tasks = fields.List(fields.Nested(TaskSchema), metadata={"description": "Open user tasks"})
    pending_timers = fields.List(fields.Nested(TimerSchema), metadata={"description": "Timers waiting to fire"})
    message_subscriptions = fields.List(fields.Nested(SubscriptionSchema),
                                        metadata={"description": "Messages the instance waits for"})


class HistoryEventSchema(Schema):
    id = fields.Integer(metadata={"description": "Event id (increasing)"})
    at = _when("When it happened")
    type = _text("Event type, e.g. started, task_created, task_completed, timer_fired, message_received")
    element_id = _text("BPMN element id, or null", allow_none=True)
    name = _text("Element name from the diagram, or null", allow_none=True)
    user = _text("Who acted (the token's subject), or null for the engine itself", allow_none=True)
    role = _text("The role they acted in (customer, caseworker, …; system for timers)", allow_none=True)
    data = _object("Details of the event", allow_none=True)


class MessageResultSchema(Schema):
    instance_id = _text("Instance that received the message")
    element_id = _text("BPMN element id of the message event that caught it")
    status = _text("Status of the instance after the message")
    started = fields.Boolean(metadata={"description": "true when no instance waited and the message started the "
                                                      "process whose message start event it is"})


class EvaluateDecisionRequest(Schema):
    inputs = _object("Input values by variable name, e.g. {\"failure_date\": \"2026-03-10\"}", load_default=dict)


class MatchedRuleSchema(Schema):
    rule_id = _text("Id of the rule in the table")
    row = fields.Integer(metadata={"description": "Row number of the rule (1-based)"})
    annotation = _text("The rule's annotation: its legal source", allow_none=True)


class DecisionResultSchema(Schema):
    decision_id = _text("Decision id")
    decision = _text("Decision name", allow_none=True)
    file = _text("DMN file the decision is defined in")
    result = fields.Raw(allow_none=True, metadata={"description": "The decision's result (see the operation)"})
    matched_rules = fields.List(fields.Nested(MatchedRuleSchema), metadata={"description": "Rules that decided"})
    inputs = _object("Each input column (by label) with the value it was given")
    required_decisions = fields.List(fields.Dict(), metadata={
        "description": "Evaluations of the decisions this one requires (DRD), evaluated first"})


class OutboxQuery(PageQuery):
    business_key = _text("Only entries of instances with this business key")
    recipient = _text("Only entries to this recipient, e.g. kela or asiakas")
    type = _text("Only entries of this type (the BPMN message name), e.g. labour_policy_statement")
    instance_id = _text("Only entries of this instance")


class OutboxEntrySchema(Schema):
    id = fields.Integer(metadata={"description": "Entry number, in the order sent"})
    at = _when("When the process sent it")
    date = _text("The Finnish date it was sent on")
    instance_id = _text("The sending instance")
    process_key = _text("The sending process")
    business_key = _text("Business key of the sending instance")
    area = _text("The employment-authority area (työllisyysalue) of the case", allow_none=True)
    type = _text("What was sent: the BPMN message name")
    recipient = _text("To whom", allow_none=True)
    element_id = _text("The BPMN element that sent it", allow_none=True)
    payload = fields.Raw(allow_none=True, metadata={"description": "The message's content"})


class CustomerQuery(Schema):
    candidate_group = _text("Only tasks of this role, e.g. tyonantaja or tyonhakija")
    process_key = _text("Only cases of this process, e.g. pay_subsidy")


class CustomerCursorsSchema(Schema):
    instances = fields.String(allow_none=True, metadata={"description": "Go on with GET /process-instances"})
    open_tasks = fields.String(allow_none=True, metadata={"description": "Go on with GET /tasks"})
    outbox = fields.String(allow_none=True, metadata={"description": "Go on with GET /outbox"})
    payments = fields.String(allow_none=True, metadata={"description": "Go on with GET /outbox?type=payment"})


class CustomerOverviewSchema(Schema):
    business_key = _text("The customer's business key (person id or y-tunnus)")
    instances = fields.List(fields.Nested(lambda: InstanceSummarySchema()), metadata={"description": "The cases"})
    open_tasks = fields.List(fields.Nested(TaskSchema), metadata={"description": "Open tasks of the cases"})
    outbox = fields.List(fields.Nested(OutboxEntrySchema), metadata={"description": "Everything sent"})
    payments = fields.List(fields.Nested(OutboxEntrySchema), metadata={"description": "Payments made"})
    next_cursors = fields.Nested(CustomerCursorsSchema, metadata={
        "description": "Each list is its first page; these continue them on the list endpoints with the same "
                       "business key (and process key / candidate group) filters"})


class ClockSchema(Schema):
    now = _when("Current time of the engine's clock")
    simulated = fields.Boolean(metadata={"description": "Whether time moves only when told to"})


class FiredTimerSchema(Schema):
    instance_id = _text("Instance whose timer fired", allow_none=True)
    business_key = _text("Business key of the instance")
    process_key = _text("Process definition key")
    element_id = _text("BPMN element id of the timer event")
    name = _text("Timer name from the diagram")
    due_at = _when("When the timer was due")
    fired_at = _when("When it fired (its due time on a simulated clock)")
    error = fields.String(metadata={"description": "Why the instance failed when the timer fired, if it did"})


class AdvanceClockSchema(ClockSchema):
    fired = fields.List(fields.Nested(FiredTimerSchema),
                        metadata={"description": "Timers fired on the way, in due order"})
    target = _when("Where the advance was asked to move the clock")
    stopped_early = fields.Boolean(metadata={
        "description": "True when the advance stopped before the target (it fired as many timers as one "
                       "advance may, or the next due timer is held by another worker); the clock stands at "
                       "the last fired timer's due time — advance again to go on"})


class SubscriptionListSchema(Schema):
    id = fields.Integer(metadata={"description": "Subscription number, oldest first"})
    message_name = _text("The message awaited")
    business_key = _text("Business key of the waiting instance")
    area = _text("The employment-authority area (työllisyysalue) of the case", allow_none=True)
    instance_id = _text("The waiting instance")
    element_id = _text("BPMN element id of the waiting message event")
    since = _when("Since when the instance has waited")


class AuditQuery(PageQuery):
    customer = _text("Only rows about this customer (business key)")
    subject = _text("Only rows of this reader or actor (token subject)")
    since = _when("From this time on (inclusive)", data_key="from", validate=[validate.Length(max=64), _no_nul])
    until = _when("Before this time", data_key="to", validate=[validate.Length(max=64), _no_nul])


class AuditRowSchema(Schema):
    id = fields.Integer(metadata={"description": "Row number, in the order written"})
    at = _when("When the data was read or changed")
    subject = _text("Who (the token's subject)")
    role = _text("In which role")
    area = _text("The case's employment-authority area, or null", allow_none=True)
    customer = _text("Whose data (business key), or null", allow_none=True)
    instance_id = _text("Which case, or null", allow_none=True)
    action = _text("What was done, e.g. read_instance, list_tasks, complete_task, evaluate_decision")
    result = _text("ok, or out_of_reach for an attempt on a record outside the caller's reach")


class ActorSchema(Schema):
    subject = _text("The token's subject")
    roles = fields.List(fields.String(), metadata={"description": "customer, caseworker, process_owner, tester, "
                                                                  "auditor, integration"})
    groups = fields.List(fields.String(), metadata={"description": "Candidate groups (lanes) of a caseworker"})
    areas = fields.List(fields.String(), metadata={"description": "Employment-authority areas; * is every area"})
    customers = fields.List(fields.String(), metadata={"description": "Business keys a customer acts for"})
    rights = fields.List(fields.String(), metadata={"description": "e.g. reassign"})


AuditPage = page_of(AuditRowSchema, "AuditPage")
DefinitionPage = page_of(DefinitionSchema, "DefinitionPage")
InstancePage = page_of(InstanceSummarySchema, "InstancePage")
HistoryPage = page_of(HistoryEventSchema, "HistoryPage")
TaskPage = page_of(TaskSchema, "TaskPage")
OutboxPage = page_of(OutboxEntrySchema, "OutboxPage")
SubscriptionPage = page_of(SubscriptionListSchema, "SubscriptionPage")
