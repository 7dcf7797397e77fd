"""Does a long job search grow? 24 months of job-seeker follow-up: stored state, tasks and load/save time.

One customer registers on Mon 5.1.2026, applies for unemployment benefit (Kela), is interviewed on
Mon 12.1.2026 and gets an employment plan (4 applications a month). For 24 months the customer reports
4–6 applications in the last week of every review period, and the caseworker holds every job-search
discussion on its due day (every 3 months), booking in each one a supplementary discussion 6 weeks on,
which is held on its day too. No ending event comes: the job search is still running at the end.

Everything runs through the service (the calls the API makes) on SQLite, with time frozen by freezegun
and moved a day at a time. At months 1, 6, 12 and 24 (5.2.2026, 5.7.2026, 5.1.2027, 5.1.2028) it prints:

* the stored state: bytes in the `process_instances.state` column;
* the tasks in the loaded workflow (the top level and every subprocess);
* the time to load and save the instance without the in-memory cache: `runtime.load(state, spec,
  subprocess_specs)` on the stored state and `runtime.dump(workflow)`, best of 5 rounds (each round
  the mean of 20, with the garbage collector off, as timeit does);
* the history rows so far (these grow by design: the history is the record of everything).

It ends with a one-line verdict: do size and time stay flat between month 6 and month 24? The load and save
times of all months are measured at the end, side by side (interleaved rounds), so machine noise hits them alike.

    .venv/bin/python bench/bench_job_seeker_growth.py
"""
from __future__ import annotations

import gc
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tva_flow.engine.clock import HELSINKI, FrozenClock  # noqa: E402
from tva_flow.service import TvaFlow  # noqa: E402
from tva_flow.store.db import Database  # noqa: E402
from tva_flow.store.models import HistoryEvent, ProcessDefinition, ProcessInstance  # noqa: E402
from tva_flow.auth.actor import system  # noqa: E402

SYSTEM = system("bench")  # the benchmark acts as the engine itself

DIRS = [ROOT / "bpmn", ROOT / "dmn", ROOT / "forms"]
CUSTOMER = "010190-123A"
REGISTERED = "2026-01-05T09:00:00+02:00"
INTERVIEW_DAY = date(2026, 1, 12)
MARKS = {1: date(2026, 2, 5), 6: date(2026, 7, 5), 12: date(2027, 1, 5), 24: date(2028, 1, 5)}
REPEATS = 5  # best of 5 rounds …
NUMBER = 20  # … of 20 load + save each, per load + save (timeit's way: one round alone is too noisy)
FLAT_TOLERANCE = 0.25  # month 24 within +25 % of month 6 counts as flat (timings jitter)

INTERVIEW = {"service_need_assessment": "Valmis työnhakuun, ammattitaito ajan tasalla",
             "integration_plan_needed": False, "multiprofessional_support_needed": False,
             "activation_condition_met": False, "unemployment_ends_within_3_months": False}
PLAN = {"obligation_lowered": False, "agreed_services": ["työnhakuvalmennus"],
        "customer_tasks": "Hae 4 työpaikkaa kuussa"}
HELD = {"customer_attended": True, "plan_updated": False, "unemployment_ends_within_3_months": False,
        "discussion_notes": "Työnhaku etenee"}


def wall() -> float:
    """Real elapsed seconds; freezegun stops time.perf_counter but not the raw monotonic clock."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def complete(service: TvaFlow, task: dict, data: dict) -> None:
    service.claim_task(SYSTEM, task["id"])
    service.complete_task(SYSTEM, task["id"], data)


def act_as_people(service: TvaFlow, instance_id: str, today: date, counters: dict) -> None:
    """What the customer and the caseworker do on ``today`` with the tasks open."""
    for task in service.list_tasks(SYSTEM, instance_id=instance_id, limit=500)["items"]:
        due = date.fromisoformat(task["due_date"]) if task["due_date"] else None
        if task["element_id"] == "report_job_applications" and due is not None and (due - today).days <= 5:
            counters["reports"] += 1
            complete(service, task, {"applications_count": 4 + counters["reports"] % 3,
                                               "applications_description": "Myyjän ja varastotyön paikkoja"})
        elif task["element_id"] == "job_search_discussion":
            counters["job_search_discussions"] += 1
            booked = (today + timedelta(weeks=6)).isoformat()
            complete(service, task, {**HELD, "supplementary_discussion_date": booked})
        elif task["element_id"] == "supplementary_discussion":
            counters["supplementary_discussions"] += 1
            complete(service, task, HELD)


def snapshot(service: TvaFlow, instance_id: str) -> dict:
    """The stored state as it is on this day, its size, tasks and history rows (from the database)."""
    with service.db.read() as s:
        instance = s.get(ProcessInstance, instance_id)
        state = instance.state
        spec, subprocess_specs = service._spec(s, s.get(ProcessDefinition, instance.definition_id))
        history_rows = s.scalar(select(func.count()).select_from(HistoryEvent)
                                .where(HistoryEvent.instance_id == instance_id))
    workflow = service.runtime.load(state, spec, subprocess_specs)
    tasks = len(workflow.tasks) + sum(len(sub.tasks) for sub in workflow.subprocesses.values())
    return {"state": state, "specs": (spec, subprocess_specs), "state_bytes": len(state.encode("utf-8")),
            "tasks": tasks, "subprocesses": len(workflow.subprocesses), "history_rows": history_rows}


def time_side_by_side(runtime, results: dict) -> None:
    """Uncached load + save of every month's stored state, the months interleaved in each round so that
    the machine's mood hits them alike; best of REPEATS rounds of NUMBER load+saves each."""
    rounds = {month: [] for month in results}
    gc.collect()
    gc.disable()  # as timeit does: a collection landing in one round is not the instance's cost
    try:
        for _ in range(REPEATS):
            for month, r in results.items():
                spec, subprocess_specs = r["specs"]
                load_s = save_s = 0.0
                for _ in range(NUMBER):
                    began = wall()
                    workflow = runtime.load(r["state"], spec, subprocess_specs)
                    loaded = wall()
                    runtime.dump(workflow)
                    save_s += wall() - loaded
                    load_s += loaded - began
                rounds[month].append((load_s / NUMBER, save_s / NUMBER))
    finally:
        gc.enable()
    for month, samples in rounds.items():
        results[month].update(load_ms=min(a for a, _ in samples) * 1000, save_ms=min(b for _, b in samples) * 1000,
                              load_save_ms=min(a + b for a, b in samples) * 1000)


def simulate() -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory() as tmp, freeze_time(REGISTERED) as frozen:
        service = TvaFlow(Database(f"sqlite:///{tmp}/growth.sqlite3"), FrozenClock(frozen))
        service.deploy_paths(SYSTEM, DIRS)
        began = wall()
        instance_id = service.start_instance(SYSTEM, "job_seeker_followup", CUSTOMER,
                                             {"applies_for_benefit": True})["id"]
        service.advance_clock(SYSTEM, to=f"{INTERVIEW_DAY.isoformat()}T10:00")
        for element_id, data in (("initial_interview", INTERVIEW), ("draw_up_employment_plan", PLAN)):
            (task,) = [t for t in service.list_tasks(SYSTEM, instance_id=instance_id, limit=500)["items"]
                       if t["element_id"] == element_id]
            complete(service, task, data)

        counters = {"reports": 0, "job_search_discussions": 0, "supplementary_discussions": 0}
        results: dict[int, dict] = {}
        today = INTERVIEW_DAY
        while today < MARKS[24]:
            today += timedelta(days=1)
            service.advance_clock(SYSTEM, to=f"{today.isoformat()}T09:00")  # Finnish time
            act_as_people(service, instance_id, today, counters)
            for month, day in MARKS.items():
                if today == day:
                    results[month] = snapshot(service, instance_id)
        time_side_by_side(service.runtime, results)
        final = service.get_instance(SYSTEM, instance_id)
        sanctions = [o for o in service.list_outbox(SYSTEM, business_key=CUSTOMER, type="sanction_notice", limit=500)["items"] if o["type"] == "sanction_notice"]
        summary = {**counters, "status": final["status"], "sanctions": len(sanctions),
                   "open_tasks": sorted(t["element_id"] for t in final["open_tasks"]),
                   "simulated_in_s": wall() - began,
                   "now": service.now().astimezone(HELSINKI).strftime("%a %-d.%-m.%Y")}
        service.db.engine.dispose()
    return results, summary


def main() -> None:
    results, summary = simulate()
    print("job-seeker follow-up, one job search registered Mon 5.1.2026 and still running 24 months later")
    print(f"  {summary['reports']} monthly reports, {summary['job_search_discussions']} job-search and "
          f"{summary['supplementary_discussions']} supplementary discussions held; sanctions: "
          f"{summary['sanctions']}; status {summary['status']} on {summary['now']}; open: "
          f"{', '.join(summary['open_tasks'])}; simulated in {summary['simulated_in_s']:.1f} s")
    print()
    print(f"  {'month':>5}  {'date':>10}  {'state bytes':>11}  {'tasks':>5}  {'subproc':>7}  "
          f"{'load ms':>7}  {'save ms':>7}  {'load+save ms':>12}  {'history rows':>12}")
    for month, r in sorted(results.items()):
        print(f"  {month:>5}  {MARKS[month].strftime('%-d.%-m.%Y'):>10}  {r['state_bytes']:>11,}  {r['tasks']:>5}  "
              f"{r['subprocesses']:>7}  {r['load_ms']:>7.2f}  {r['save_ms']:>7.2f}  {r['load_save_ms']:>12.2f}  "
              f"{r['history_rows']:>12,}")
    six, last = results[6], results[24]
    size_growth = last["state_bytes"] / six["state_bytes"] - 1
    time_growth = last["load_save_ms"] / six["load_save_ms"] - 1
    flat = size_growth <= FLAT_TOLERANCE and time_growth <= FLAT_TOLERANCE and last["tasks"] <= six["tasks"] * (
        1 + FLAT_TOLERANCE)
    print()
    print(f"verdict: {'FLAT' if flat else 'GROWING'} — from month 6 to month 24 the state went "
          f"{six['state_bytes']:,} → {last['state_bytes']:,} bytes ({size_growth:+.0%}), tasks {six['tasks']} → "
          f"{last['tasks']}, load+save {six['load_save_ms']:.2f} → {last['load_save_ms']:.2f} ms "
          f"({time_growth:+.0%}); only the history grows ({six['history_rows']:,} → {last['history_rows']:,} rows)")


if __name__ == "__main__":
    main()
