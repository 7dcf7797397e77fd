"""Keep instance state bounded: forget the finished parts of a workflow that can no longer matter."""
from __future__ import annotations

from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState


def compact(workflow) -> int:
    """Forget what is finished and can no longer matter, so a years-long instance stays small.

    SpiffWorkflow keeps every task it ever ran: each loop round and each finished subprocess adds to the
    state that every step loads and saves. The history table already records all of it, so the state
    keeps only what the process can still reach:

    * finished subprocesses are dropped (with the subprocesses inside them);
    * the top-level tree is cut just above the nearest common ancestor of every unfinished task;
    * in every workflow, finished single-path chains above the unfinished tasks are spliced out, with
      the finished side branches hanging off them (cancelled boundary events, paths not taken) — this is
      what keeps two loops running side by side inside one subprocess from growing.

    Every unfinished task keeps its parent and grandparent: gateways and joins look that far back.
    Returns how many tasks were dropped.
    """
    dropped = _drop_finished_subprocesses(workflow)
    dropped += _cut_finished_head(workflow)
    for wf in [workflow, *workflow.subprocesses.values()]:
        dropped += _splice_finished_chains(wf)
    return dropped


def _drop_finished_subprocesses(workflow) -> int:
    dropped = 0
    for task_id in list(workflow.subprocesses):
        if task_id not in workflow.subprocesses:  # went with an enclosing subprocess dropped just before
            continue
        try:
            owner = workflow.get_task_from_id(task_id)
        except TaskNotFoundException:
            owner = None
        if owner is not None and not owner.has_state(TaskState.FINISHED_MASK):
            continue
        for task in workflow.subprocesses[task_id].get_tasks():
            workflow.event_manager.remove_task(task)
        if owner is None:
            del workflow.subprocesses[task_id]
        else:
            dropped += len(workflow.delete_subprocess(owner))
    return dropped


def _cut_finished_head(workflow) -> int:
    unfinished = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not unfinished:
        return 0
    paths = [_path_from_root(t) for t in unfinished]
    common = 0
    while all(len(p) > common for p in paths) and len({p[common] for p in paths}) == 1:
        common += 1
    keep_from = paths[0][max(common - 2, 0)]  # the parent of the common ancestor
    if keep_from is workflow.task_tree:
        return 0
    kept = {t.id: t for t in _subtree(keep_from)}
    dropped = len(workflow.tasks) - len(kept)
    keep_from._parent = None
    workflow.task_tree = keep_from
    workflow.tasks = kept
    if workflow.last_task is not None and workflow.last_task.id not in kept:
        workflow.last_task = None
    return dropped


def _splice_finished_chains(wf, keep: int = 2) -> int:
    unfinished = [t for t in wf.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    protected, tops = set(), []
    for task in unfinished:
        top = task
        protected.add(top.id)
        for _ in range(keep):
            if top.parent is None:
                break
            top = top.parent
            protected.add(top.id)
        tops.append(top)
    removed = 0
    for top in tops:
        if top.id not in wf.tasks:
            continue
        chain, node = [], top.parent
        while (node is not None and node.parent is not None and node.id not in protected
               and node.has_state(TaskState.FINISHED_MASK)
               and len([c for c in node.children if not _all_finished(c)]) == 1):
            chain.append(node)
            node = node.parent
        if not chain:
            continue
        doomed = []
        for link in chain:
            doomed.extend(t.id for child in link.children if child is not top and child not in chain
                          for t in _subtree(child))
            doomed.append(link.id)
        node._children = [top.id if cid == chain[-1].id else cid for cid in node._children]
        top._parent = node.id
        for task_id in doomed:
            gone = wf.tasks.pop(task_id, None)
            if gone is not None:
                removed += 1
                wf.top_workflow.event_manager.remove_task(gone)
        if wf.last_task is not None and wf.last_task.id not in wf.tasks:
            wf.last_task = None
    return removed


def _all_finished(task) -> bool:
    return all(t.has_state(TaskState.FINISHED_MASK) for t in _subtree(task))


def _path_from_root(task) -> list:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    return path[::-1]


def _subtree(task) -> list:
    found, stack = [], [task]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found
