"""APScheduler wiring: wakes the service up to fire due timers. The service does the work."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def start_timer_loop(service, interval_seconds: float = 5.0) -> BackgroundScheduler:
    """Every ``interval_seconds``, fire the timers that are due (the same path as clock advancing)."""
    scheduler = BackgroundScheduler(daemon=True)

    def tick():
        try:
            fired = service.fire_due_timers()
        except Exception:  # noqa: BLE001 - one bad tick must not stop the loop; the next tick retries
            log.exception("firing due timers failed; retrying on the next tick")
            return
        for item in fired:
            log.info("timer fired: %s", item)

    scheduler.add_job(tick, "interval", seconds=interval_seconds, id="fire_due_timers",
                      max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
