"""User tasks: list, read with the form, claim, release, complete."""
from __future__ import annotations

from .. import forms, views
from ..engine.runtime import EngineError
from ..errors import Conflict, Invalid, ProcessFailed
from ..store.models import ProcessInstance
from .core import ServiceCore, history_row, retried


class Tasks(ServiceCore):
    def list_tasks(self, candidate_group=None, assignee=None, process_key=None, business_key=None,
                   instance_id=None, limit=None, cursor=None) -> dict:
        """Open tasks, soonest due first (paged)."""
        with self.db.read() as s:
            return views.open_tasks(s, candidate_group=candidate_group, assignee=assignee, process_key=process_key,
                                    business_key=business_key, instance_id=instance_id, limit=limit, cursor=cursor)

    def get_task(self, task_id: str) -> dict:
        with self.db.read() as s:
            task = self._task(s, task_id)
            return views.task_detail(task, self._form(s, task, task.form), self._form(s, task, task.ui_form))

    @retried
    def claim_task(self, task_id: str, user: str) -> dict:
        with self._write() as s:
            task = self._open_task(s, task_id, lock=True)
            if task.assignee and task.assignee != user:
                raise Conflict(f"task is claimed by {task.assignee}")
            if task.assignee != user:
                task.assignee = user
                s.add(history_row(task.instance_id, self.now(), "task_claimed", task, user))
            return views.task(task)

    @retried
    def unclaim_task(self, task_id: str, user: str | None = None) -> dict:
        with self._write() as s:
            task = self._open_task(s, task_id, lock=True)
            if user and task.assignee and task.assignee != user:
                raise Conflict(f"task is claimed by {task.assignee}; only they can release it")
            if task.assignee:
                s.add(history_row(task.instance_id, self.now(), "task_unclaimed", task, user or task.assignee))
                task.assignee = None
            return views.task(task)

    @retried
    def complete_task(self, task_id: str, user: str, data: dict) -> dict:
        """Complete a user task with form data. An unclaimed task is claimed by ``user`` on the way."""
        instance_id = None
        try:
            with self._write() as s:
                task = self._open_task(s, task_id, lock=True)
                instance_id = task.instance_id
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
                instance = s.get(ProcessInstance, task.instance_id)  # locked by _open_task
                if instance.status != "running":
                    raise Conflict(f"instance is {instance.status}")
                workflow = self._load(s, instance)
                try:
                    step = self.runtime.complete_user_task(workflow, task.id, data, user)
                except LookupError as exc:
                    raise Conflict("task is no longer open in the process") from exc
                if task.assignee is None:
                    s.add(history_row(task.instance_id, self.now(), "task_claimed", task, user))
                task.assignee, task.status, task.completed_by = user, "completed", user
                task.closed_at, task.data = self.now(), data
                self._apply(s, instance, workflow, step, user)
                return views.instance(s, instance)
        except EngineError as exc:
            self._record_refusal(instance_id, exc, user)
            raise ProcessFailed(f"the process failed after the task, so the task stays open: {exc}",
                                {"element_id": exc.element_id} if exc.element_id else None) from exc

