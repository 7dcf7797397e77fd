"""The use cases. The API, the CLI, the scheduler and the tests all call these and nothing below them.

One module per family — deployments, definitions, instances, starting, cases, tasks, messages, time, audit — over a
shared core that owns the unit of work of one step (see :mod:`.core`). Each use case takes the acting
:class:`~tva_flow.auth.actor.Actor` first and asks :mod:`tva_flow.auth.policy` what it may do and reach.
:class:`TvaFlow` is all of them together.
"""
from __future__ import annotations

from .audit import Audit
from .cases import Cases
from .definitions import Definitions
from .deployments import Deployments, evaluate_in_files
from .instances import Instances
from .messages import Messages
from .tasks import Tasks
from .time import Time


class TvaFlow(Deployments, Definitions, Instances, Cases, Tasks, Messages, Time, Audit):
    """tva-flow's use cases over one database and one clock."""


__all__ = ["TvaFlow", "evaluate_in_files"]
