"""How many start-up grant journeys per second: tva-flow with SQLite persistence vs plain SpiffWorkflow.

Both sides run the same journey on the same diagrams in the same run: application, assessment, grant,
12 monthly payment applications and checks, a granted continuation and a refused second one. The ratio
is the price of persistence (serialising state, projections and history in a transaction per step).
Prints numbers; asserts nothing about speed.

    make bench                 # or: .venv/bin/python bench/bench_startup_grant.py --journeys 20
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import plain_spiff  # noqa: E402  (the in-memory baseline, same diagrams)

from tva_flow.engine.clock import HELSINKI, FrozenClock  # noqa: E402
from tva_flow.service import TvaFlow  # noqa: E402
from tva_flow.store.db import Database  # noqa: E402
from tva_flow.auth.actor import system  # noqa: E402

SYSTEM = system("bench")  # the benchmark acts as the engine itself

DIRS = [ROOT / "bpmn", ROOT / "dmn", ROOT / "forms"]


def wall() -> float:
    """Real elapsed seconds; freezegun stops time.perf_counter but not the raw monotonic clock."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def complete(service: TvaFlow, instance_id: str, element_id: str, data: dict) -> None:
    (task,) = [t for t in service.list_tasks(SYSTEM, instance_id=instance_id, limit=500)["items"] if t["element_id"] == element_id]
    service.complete_task(SYSTEM, task["id"], data)


def tva_flow_journey(service: TvaFlow, business_key: str) -> dict:
    """The granted journey through the service (the same calls the API makes)."""
    forms = plain_spiff.JOURNEY_FORMS
    instance = service.start_instance(SYSTEM, "startup_grant", business_key, {})
    iid = instance["id"]
    # the business starts on the first day of the next month, whenever this journey begins
    today = service.now().astimezone(HELSINKI).date()
    starts = (today.replace(day=1) + timedelta(days=32)).replace(day=1).isoformat()
    complete(service, iid, "submit_application", {**forms["submit_application"],
                                                             "business_start_date": starts})
    complete(service, iid, "assess_application", forms["assess_application"])
    paid = 0
    while service.get_instance(SYSTEM, iid)["status"] == "running":
        open_ids = {t["element_id"] for t in service.list_tasks(SYSTEM, instance_id=iid, limit=500)["items"]}
        if "apply_continuation" in open_ids:
            complete(service, iid, "apply_continuation", forms["apply_continuation"])
            complete(service, iid, "assess_continuation", forms["assess_continuation"])
            continue
        if "apply_payment" in open_ids:
            complete(service, iid, "apply_payment", forms["apply_payment"])
            complete(service, iid, "check_payment", forms["check_payment"])
            paid += 1
            continue
        service.advance_clock(SYSTEM, duration="P1M")
    return {"paid": paid, "status": service.get_instance(SYSTEM, iid)["status"]}


def run_tva_flow(journeys: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp, freeze_time("2026-01-05T09:00:00+02:00") as frozen:
        service = TvaFlow(Database(f"sqlite:///{tmp}/bench.sqlite3"), FrozenClock(frozen))
        service.deploy_paths(SYSTEM, DIRS)
        began = wall()
        for i in range(journeys):
            result = tva_flow_journey(service, f"bench-{i}")
        elapsed = wall() - began
        size = Path(f"{tmp}/bench.sqlite3").stat().st_size
        service.db.engine.dispose()
    return elapsed, {**result, "database_bytes": size}


def run_plain(journeys: int) -> tuple[float, dict]:
    specs = plain_spiff.load_specs(ROOT)
    began = wall()
    for _ in range(journeys):
        result = plain_spiff.run_granted_journey(specs)
    return wall() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=10)
    args = parser.parse_args()
    plain_s, plain_result = run_plain(args.journeys)
    tva_s, tva_result = run_tva_flow(args.journeys)
    plain_rate, tva_rate = args.journeys / plain_s, args.journeys / tva_s
    print(f"start-up grant journey: {args.journeys} journeys each side, same diagrams, same run")
    print(f"  plain SpiffWorkflow, in memory : {plain_rate:8.2f} journeys/s  ({plain_s:.2f} s)  {plain_result}")
    print(f"  tva-flow, SQLite persistence  : {tva_rate:8.2f} journeys/s  ({tva_s:.2f} s)  {tva_result}")
    print(f"  persistence overhead          : {plain_rate / tva_rate:8.1f} x slower")


if __name__ == "__main__":
    main()
