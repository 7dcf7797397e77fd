"""A live tva-flow server for the browser: the app `make run-simulated` serves, in a background thread.

Each :class:`LiveServer` has its own SQLite database (in a temporary folder), the project's bpmn/, dmn/ and
forms/ deployed, and a simulated clock stored in that database (as ``tva-flow serve --simulated-clock``),
starting on Monday 5.1.2026 at 9:00 Finnish time. The browser reaches it at :attr:`LiveServer.url`.

Besides the application, test-only routes under ``/_test/`` serve what the viewer tests need without the
desk's own pages (which take the app's static files from ``/assets/``): the definitions as files
(``/_test/defs/bpmn/startup_grant.bpmn``) and the pages in ``tests/browser/fixtures/`` (``/_test/pages/…``).
"""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.identities import SYSTEM
from tva_flow.auth.directory import Directory
from tva_flow.engine.clock import HELSINKI
from tva_flow.service import TvaFlow
from tva_flow.store.clock import StoredClock
from tva_flow.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEFINITION_DIRS = {"bpmn": ROOT / "bpmn", "dmn": ROOT / "dmn", "forms": ROOT / "forms"}
PAGES = Path(__file__).resolve().parent / "fixtures"
START = datetime(2026, 1, 5, 9, 0, tzinfo=HELSINKI)


def browser_test_routes() -> Blueprint:
    """Routes only the browser tests' server has (never registered by the application itself)."""
    routes = Blueprint("browser_test", __name__, url_prefix="/_test")

    @routes.get("/defs/<kind>/<path:filename>")
    def definition(kind, filename):
        if kind not in DEFINITION_DIRS:
            abort(404)
        return send_from_directory(DEFINITION_DIRS[kind], filename, mimetype="application/xml")

    @routes.get("/pages/<path:filename>")
    def page(filename):
        return send_from_directory(PAGES, filename)

    return routes


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log; errors are still logged
        pass


class LiveServer:
    """The app on ``http://127.0.0.1:<free port>`` until :meth:`stop`."""

    def __init__(self, folder: Path, start: datetime = START, config: dict | None = None):
        from tva_flow.api import create_app

        self.db = Database(f"sqlite:///{folder / 'tva_flow.sqlite3'}")
        self.clock = StoredClock(self.db, start)
        self.service = TvaFlow(self.db, self.clock)
        self.service.deploy_paths(SYSTEM, list(DEFINITION_DIRS.values()))
        self.app = create_app(self.service, config)
        self.app.register_blueprint(browser_test_routes())
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="tva-flow-live", daemon=True)
        self._thread.start()

    def add_user(self, name: str, roles, password: str | None = None, groups=(), areas=(), customers=(),
                 rights=()) -> dict:
        """A user of the embedded directory (with a password to sign in with in the browser)."""
        return Directory(self.db).add(name, list(roles), groups=list(groups), areas=list(areas),
                                      customers=list(customers), rights=list(rights), password=password)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        self.db.engine.dispose()
