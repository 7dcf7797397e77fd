"""User tasks: list, read with the form, claim, release, complete — each as the actor the token names."""
from __future__ import annotations

from datetime import datetime

from .. import forms, views
from ..auth import policy
from ..auth.actor import CASEWORKER, Actor
from ..engine.runtime import EngineError
from ..errors import Conflict, Invalid, ProcessFailed
from ..store.models import ProcessInstance
from .core import By, ServiceCore, history_row, retried


class Tasks(ServiceCore):
    @retried
    def list_tasks(self, actor: Actor, candidate_group=None, assignee=None, process_key=None, business_key=None,
                   instance_id=None, limit=None, cursor=None, mine_or_unclaimed: bool = False,
                   due_before: datetime | None = None) -> dict:
        """Open tasks within the actor's reach (their groups in their areas; a customer's own), soonest due
        first (paged). ``mine_or_unclaimed``: only the actor's own and nobody's (an inbox); ``due_before``:
        only tasks due before that moment."""
        role = policy.require(actor, "read_tasks")
        with self._audited(read_only=True) as s:
            page = views.open_tasks(s, policy.reach(actor, "read_tasks", tasks=True), candidate_group=candidate_group,
                                    assignee=assignee, process_key=process_key, business_key=business_key,
                                    instance_id=instance_id, limit=limit, cursor=cursor,
                                    open_to=actor.subject if mine_or_unclaimed else None, due_before=due_before)
            self._audit_items(s, actor, role, "list_tasks", page["items"], business_key)
            return page

    @retried
    def get_task(self, actor: Actor, task_id: str) -> dict:
        policy.require(actor, "read_tasks")
        with self._audited(read_only=True) as s:
            task, role = self._reached_task(s, actor, "read_tasks", task_id)
            self._audit(s, actor, role, "read_task", task.area, task.business_key, task.instance_id)
            return views.task_detail(task, self._form(s, task, task.form), self._form(s, task, task.ui_form))

    @retried
    def claim_task(self, actor: Actor, task_id: str, take_over: bool = False) -> dict:
        """Claim an open task. ``take_over``: a caseworker of the group with the ``reassign`` right takes a
        task another has claimed (the history names both)."""
        policy.require(actor, "work_on_tasks")
        with self._audited() as s:
            task, role = self._reached_task(s, actor, "work_on_tasks", task_id, lock=True)
            self._still_open(task)
            by = By(actor.subject, role)
            if task.assignee and task.assignee != actor.subject:
                if not (take_over and role == CASEWORKER and "reassign" in actor.rights):
                    raise Conflict(f"task is claimed by {task.assignee}",
                                   {"take_over": "needs the reassign right"} if take_over else None)
                s.add(history_row(task.instance_id, self.now(), "task_reassigned", task, by, previous=task.assignee))
                task.assignee = actor.subject
            elif task.assignee != actor.subject:
                task.assignee = actor.subject
                s.add(history_row(task.instance_id, self.now(), "task_claimed", task, by))
            self._audit(s, actor, role, "claim_task", task.area, task.business_key, task.instance_id)
            return views.task(task)

    @retried
    def unclaim_task(self, actor: Actor, task_id: str) -> dict:
        """Release a task back to its group; only its assignee can."""
        policy.require(actor, "work_on_tasks")
        with self._audited() as s:
            task, role = self._reached_task(s, actor, "work_on_tasks", task_id, lock=True)
            self._still_open(task)
            if task.assignee and task.assignee != actor.subject:
                raise Conflict(f"task is claimed by {task.assignee}; only they can release it")
            if task.assignee:
                s.add(history_row(task.instance_id, self.now(), "task_unclaimed", task, By(actor.subject, role)))
                task.assignee = None
            self._audit(s, actor, role, "unclaim_task", task.area, task.business_key, task.instance_id)
            return views.task(task)

    @retried
    def complete_task(self, actor: Actor, task_id: str, data: dict) -> dict:
        """Complete a user task with form data. An unclaimed task is claimed by the actor on the way."""
        policy.require(actor, "work_on_tasks")
        instance_id, by = None, None
        try:
            with self._audited() as s:
                task, role = self._reached_task(s, actor, "work_on_tasks", task_id, lock=True)
                self._still_open(task)
                instance_id, by, user = task.instance_id, By(actor.subject, role), actor.subject
                if task.assignee and task.assignee != user:
                    raise Conflict(f"task is claimed by {task.assignee}")
                schema = self._form(s, task, task.form)
                if schema is not None:
                    try:
                        problems = forms.field_errors(schema, data, self._forms(s, task))
                    except forms.FormSchemaError as exc:  # deployed before $refs and patterns were checked
                        raise Conflict(f"the task's form cannot be used: {exc}; deploy a corrected form") from exc
                    if problems:
                        raise Invalid("the form data is not acceptable", problems)
                instance = s.get(ProcessInstance, task.instance_id)  # locked by _reached_task
                if instance.status != "running":
                    raise Conflict(f"instance is {instance.status}")
                workflow = self._load(s, instance)
                try:
                    with self._customer_record(s, instance):
                        step = self.runtime.complete_user_task(workflow, task.id, data, user)
                except LookupError as exc:
                    raise Conflict("task is no longer open in the process") from exc
                if task.assignee is None:
                    s.add(history_row(task.instance_id, self.now(), "task_claimed", task, by))
                task.assignee, task.status, task.completed_by = user, "completed", user
                task.closed_at, task.data = self.now(), data
                self._apply(s, instance, workflow, step, by)
                self._audit(s, actor, role, "complete_task", task.area, task.business_key, task.instance_id)
                return views.instance(s, instance)
        except EngineError as exc:
            self._record_refusal(instance_id, exc, by)
            raise ProcessFailed(f"the process failed after the task, so the task stays open: {exc}",
                                {"element_id": exc.element_id} if exc.element_id else None) from exc

    @staticmethod
    def _still_open(task) -> None:
        if task.status != "open":
            raise Conflict(f"task is already {task.status}")
