"""What a 1 MB variable costs an instance: saved state bytes and step time, with and without the data pool.

SpiffWorkflow gives every task its own copy of the process data; tva-flow's saved state keeps each large
value once (``engine/state.py``). This runs the same start-up grant steps — application, assessment,
three monthly payment applications and checks — with a 1 MB attachment in the process data, side by
side in one run: the state as SpiffWorkflow would save it (pool off) and as tva-flow saves it (pool on),
plus the same journey without the attachment. Prints numbers; asserts nothing about speed.

    .venv/bin/python bench/bench_state_size.py [--megabytes 1] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import plain_spiff  # noqa: E402  (the journey's form data)
from bench_startup_grant import DIRS, wall  # noqa: E402  (the same journey's setup)

from tva_flow.engine.clock import HELSINKI, FrozenClock  # noqa: E402
from tva_flow.service import TvaFlow  # noqa: E402
from tva_flow.store.db import Database  # noqa: E402
from tva_flow.store.models import ProcessInstance  # noqa: E402
from tva_flow.auth.actor import system  # noqa: E402

SYSTEM = system("bench")  # the benchmark acts as the engine itself


def attachment(megabytes: float) -> dict:
    """About ``megabytes`` of JSON: rows of a business plan's budget, as a form might upload."""
    row = {"kuukausi": "2026-02", "tulot_eur": 1234.5, "menot_eur": 987.25, "selite": "x" * 60}
    return {"rows": [dict(row, n=i) for i in range(int(megabytes * 1024 * 1024 / 130))]}


def journey(service: TvaFlow, variables: dict) -> list[tuple[str, float, int]]:
    """(step, ms, state bytes) for each step."""
    forms = plain_spiff.JOURNEY_FORMS
    steps = []

    def measure(name, act):
        began = wall()
        act()
        elapsed = (wall() - began) * 1000
        with service.db.read() as s:
            size = len(s.get(ProcessInstance, iid).state)
        steps.append((name, elapsed, size))

    def complete(element_id, data):
        (task,) = [t for t in service.list_tasks(SYSTEM, instance_id=iid, limit=500)["items"] if t["element_id"] == element_id]
        service.complete_task(SYSTEM, task["id"], data)

    began = wall()
    iid = service.start_instance(SYSTEM, "startup_grant", "bench", variables)["id"]
    with service.db.read() as s:
        steps.append(("start", (wall() - began) * 1000, len(s.get(ProcessInstance, iid).state)))
    today = service.now().astimezone(HELSINKI).date()
    starts = (today.replace(day=1) + timedelta(days=32)).replace(day=1).isoformat()
    measure("submit application", lambda: complete("submit_application",
                                                   {**forms["submit_application"], "business_start_date": starts}))
    measure("assess application", lambda: complete("assess_application", forms["assess_application"]))
    measure("clock +1 month (grant runs)", lambda: service.advance_clock(SYSTEM, duration="P1M"))
    for month in range(1, 4):
        measure(f"month {month}: clock +1 month", lambda: service.advance_clock(SYSTEM, duration="P1M"))
        measure(f"month {month}: apply payment", lambda: complete("apply_payment", forms["apply_payment"]))
        measure(f"month {month}: check payment", lambda: complete("check_payment", forms["check_payment"]))
    return steps


def run(variables: dict, pool: bool) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as tmp, freeze_time("2026-01-05T09:00:00+02:00") as frozen:
        service = TvaFlow(Database(f"sqlite:///{tmp}/state.sqlite3"), FrozenClock(frozen),
                          max_state_bytes=1 << 30)
        service.runtime.state.pool = pool
        service.deploy_paths(SYSTEM, DIRS)
        try:
            return journey(service, variables)
        finally:
            service.db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    big = {"liite": attachment(args.megabytes)}
    sides = {"no attachment": ({}, True), "1 MB, pool off": (big, False), "1 MB, pool on": (big, True)}
    runs: dict[str, list] = {name: [] for name in sides}
    for _ in range(args.repeat):  # interleaved, so machine noise falls on every side alike
        for name, (variables, pool) in sides.items():
            runs[name].append(run(variables, pool))
    names = [step for step, _, _ in runs["no attachment"][0]]
    print(f"start-up grant steps with a {args.megabytes:g} MB variable; median of {args.repeat} runs each side")
    print(f"{'step':28}" + "".join(f"{name:>30}" for name in sides))
    print(f"{'':28}" + "".join(f"{'state bytes':>18}{'ms':>12}" for _ in sides))
    totals = {name: [0, 0.0] for name in sides}
    for i, step in enumerate(names):
        line = f"{step:28}"
        for name in sides:
            size = runs[name][0][i][2]
            ms = statistics.median(r[i][1] for r in runs[name])
            totals[name][0] += size
            totals[name][1] += ms
            line += f"{size:>18,}{ms:>12.1f}"
        print(line)
    print(f"{'all steps':28}" + "".join(f"{b:>18,}{ms:>12.1f}" for b, ms in totals.values()))
    off, on = totals["1 MB, pool off"], totals["1 MB, pool on"]
    print(f"pool on vs off: state bytes written {on[0] / off[0]:.2f}x, step time {on[1] / off[1]:.2f}x")


if __name__ == "__main__":
    main()
