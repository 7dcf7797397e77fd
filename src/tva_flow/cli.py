"""`tva-flow serve | deploy | validate | decide | users | token | migrate-areas`: thin wrappers over the
service and the user directory."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from .auth.actor import system  # the operator at the command line acts as the system

DEFAULT_DIRS = ["bpmn", "dmn", "forms"]


def _service(args, clock=None):
    from .service import TvaFlow
    from .store.db import Database
    return TvaFlow(Database(args.database_url), clock)


def cmd_serve(args) -> int:
    from pathlib import Path

    from .api import create_app
    from .engine.clock import SystemClock, parse_datetime
    from .scheduler import start_timer_loop
    from .service import TvaFlow
    from .store.clock import StoredClock, stored_clock_exists
    from .store.db import Database

    db = Database(args.database_url)
    if args.simulated_clock:
        clock = StoredClock(db, parse_datetime(args.start) if args.start else None)
    elif stored_clock_exists(db):
        print("this database runs on a simulated clock: serve it with --simulated-clock (or use another "
              "database for real time)", file=sys.stderr)
        return 2
    else:
        clock = SystemClock()
    service = TvaFlow(db, clock, advance_limit=args.advance_limit,
                      max_state_bytes=int(os.environ.get("TVA_FLOW_MAX_STATE_BYTES", str(8 * 1024 * 1024))))
    existing = [d for d in (args.deploy or DEFAULT_DIRS) if Path(d).exists()]
    if existing:
        result = service.deploy_paths(system(), existing)
        for p in result["processes"]:
            print(f"deployed {p['process_key']} v{p['version']}{' (new)' if p.get('created') else ''}")
    if not args.simulated_clock:
        start_timer_loop(service, args.timer_interval)
    _first_user_hint(db, args.database_url)
    app = create_app(service)
    mode = f"simulated clock at {service.clock_status(system())['now']}" if args.simulated_clock else "real clock"
    print(f"tva-flow serving on http://{args.host}:{args.port} ({service.db.dialect}, {mode})", flush=True)
    from werkzeug.serving import run_simple
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0


def _first_user_hint(db, explicit_url: str | None) -> None:
    """On a directory with no users: how to add the first one and get a token."""
    import shlex

    from sqlalchemy.engine import make_url

    from .auth.directory import Directory
    if not Directory(db).is_empty():
        return
    from . import areas
    area = next(iter(areas.ids()), "<area>")
    flag = ""
    if explicit_url:  # the password, if any, is not printed: put it back in yourself
        flag = " --database-url " + shlex.quote(make_url(explicit_url).render_as_string(hide_password=True))
    print("no users yet: add the first one and get a token to sign in with\n"
          f"  .venv/bin/tva-flow users add anna --role caseworker --group asiantuntija --area {area}{flag}\n"
          f"  .venv/bin/tva-flow token anna{flag}", flush=True)


def _refused(exc) -> int:
    """A service refusal on stderr: the message, then each field's problem (a definition problem's file,
    line and element are already in the message)."""
    print(exc.message if exc.message.startswith("refused") else f"refused: {exc.message}", file=sys.stderr)
    for name, detail in (exc.fields or {}).items():
        if not isinstance(detail, dict):
            print(f"  {name}: {detail}", file=sys.stderr)
    return 1


def _directory(args):
    from .auth.directory import Directory
    from .store.db import Database
    return Directory(Database(args.database_url))


def cmd_users_add(args) -> int:
    from .errors import ServiceError
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            print("refused: the password on stdin is empty", file=sys.stderr)
            return 1
    try:
        user = _directory(args).add(args.name, args.role, args.group or (), args.area or (), args.customer or (),
                                    args.right or (), password=password)
    except ServiceError as exc:
        return _refused(exc)
    details = "; ".join(f"{key} {', '.join(user[key])}" for key in ("roles", "groups", "areas", "customers", "rights")
                        if user[key])
    print(f"added {user['name']}: {details}{'; password set' if user['has_password'] else ''}")
    return 0


def cmd_users_list(args) -> int:
    keys = ("name", "roles", "groups", "areas", "customers", "rights", "has_password")
    for user in _directory(args).list():
        print(json.dumps({key: user[key] for key in keys}, ensure_ascii=False))
    return 0


def cmd_users_remove(args) -> int:
    from .errors import ServiceError
    try:
        _directory(args).remove(args.name)
    except ServiceError as exc:
        return _refused(exc)
    print(f"removed {args.name}: their tokens no longer work")
    return 0


def cmd_token(args) -> int:
    """Print only the token, so that `TOKEN=$(tva-flow token anna)` works."""
    from .auth.directory import parse_ttl
    from .errors import ServiceError
    try:
        ttl = parse_ttl(args.ttl)
        print(_directory(args).token(args.name, ttl))
    except ValueError as exc:
        print(f"refused: --ttl: {exc}", file=sys.stderr)
        return 1
    except ServiceError as exc:
        return _refused(exc)
    return 0


def cmd_migrate_areas(args) -> int:
    from . import areas
    from .store.areas import assign_default_area
    from .store.db import Database
    if not areas.known(args.default):
        print(f"refused: unknown area {args.default!r}; the areas are: {', '.join(areas.ids())}", file=sys.stderr)
        return 1
    print(json.dumps(assign_default_area(Database(args.database_url), args.default)))
    return 0


def cmd_deploy(args) -> int:
    from .errors import ServiceError
    service = _service(args)
    try:
        result = service.deploy_paths(system(), args.dirs)
    except ServiceError as exc:
        return _refused(exc)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_validate(args) -> int:
    from .service import TvaFlow
    problems = TvaFlow.validate_paths(args.dirs)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "ok: no problems found")
    return 1 if problems else 0


def cmd_decide(args) -> int:
    """Print a decision's result as JSON (``--trace``: with inputs, matched rules and annotations)."""
    from .engine.definitions import read_dirs
    from .errors import ServiceError
    from .service import evaluate_in_files

    try:
        inputs = json.loads(args.inputs)
    except ValueError as exc:
        print(f"--inputs is not JSON: {exc}", file=sys.stderr)
        return 2
    if not isinstance(inputs, dict):
        print("--inputs must be a JSON object", file=sys.stderr)
        return 2
    paths = [args.file] if args.file else args.dir
    files = {n: c for n, c in read_dirs(paths).items() if n.endswith(".dmn")}
    try:
        answer = evaluate_in_files(files, args.decision, inputs)
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a table that cannot be read: say which and where
        print(str(exc), file=sys.stderr)
        return 1
    print(json.dumps(answer if args.trace else answer["result"], indent=2 if args.trace else None,
                     ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tva-flow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="deploy bpmn/, dmn/, forms/ and serve the task API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--database-url", help="default: $TVA_FLOW_DATABASE_URL or sqlite:///var/tva_flow.sqlite3")
    serve.add_argument("--simulated-clock", action="store_true",
                       help="time moves only through POST /api/v1/clock/advance")
    serve.add_argument("--start", help="simulated clock start on a new database, ISO date-time (default: now); "
                                       "a database keeps its simulated time across restarts")
    serve.add_argument("--advance-limit", type=int, default=1000,
                       help="timers one clock advance fires at most (then it stops early and says so)")
    serve.add_argument("--timer-interval", type=float, default=5.0, help="seconds between timer checks")
    serve.add_argument("--deploy", nargs="*", help=f"folders to deploy at start-up (default: {DEFAULT_DIRS})")
    serve.set_defaults(func=cmd_serve)

    deploy = sub.add_parser("deploy", help="deploy definition folders or files (upgrades the database)")
    deploy.add_argument("dirs", nargs="+")
    deploy.add_argument("--database-url")
    deploy.set_defaults(func=cmd_deploy)

    decide = sub.add_parser("decide", help="evaluate a decision (DMN) on its own and print its result as JSON")
    decide.add_argument("decision", help="decision id or name")
    decide.add_argument("--file", help="a .dmn file (default: every .dmn under --dir)")
    decide.add_argument("--dir", nargs="+", default=["dmn"], help="folders to look in (default: dmn)")
    decide.add_argument("--inputs", default="{}", help='the inputs as a JSON object, e.g. \'{"failure_number": 2}\'')
    decide.add_argument("--trace", action="store_true", help="print inputs, matched rules and annotations too")
    decide.set_defaults(func=cmd_decide)

    url_help = "default: $TVA_FLOW_DATABASE_URL or sqlite:///var/tva_flow.sqlite3"
    users = sub.add_parser("users", help="the embedded user directory").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, help="customer, caseworker, process_owner, "
                                                                     "tester, auditor or integration; repeatable")
    add.add_argument("--group", action="append", help="a candidate group (lane), e.g. asiantuntija; repeatable")
    add.add_argument("--area", action="append", help="an employment-authority area, or '*' for every area")
    add.add_argument("--customer", action="append", help="a business key a customer acts for (default: NAME)")
    add.add_argument("--right", action="append", help="reassign: may take over a task another has claimed")
    add.add_argument("--password-stdin", action="store_true", help="read a password from the first line of stdin")
    add.set_defaults(func=cmd_users_add)
    listing = users.add_parser("list", help="list the users as JSON lines (never their password hashes)")
    listing.set_defaults(func=cmd_users_list)
    remove = users.add_parser("remove", help="remove a user; their tokens stop working at once")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_users_remove)
    for parser_ in (add, listing, remove):
        parser_.add_argument("--database-url", help=url_help)

    token = sub.add_parser("token", help="print a bearer token for a user of the directory (only the token)")
    token.add_argument("name")
    token.add_argument("--ttl", default="8h", help="lifetime: 90s, 30m, 8h, 2d (1 minute to 30 days; default 8h)")
    token.add_argument("--database-url", help=url_help)
    token.set_defaults(func=cmd_token)

    migrate = sub.add_parser("migrate-areas", help="give cases that have no area yet the area --default")
    migrate.add_argument("--default", required=True, help="an area id")
    migrate.add_argument("--database-url", help=url_help)
    migrate.set_defaults(func=cmd_migrate_areas)

    validate = sub.add_parser("validate", help="check definitions without deploying")
    validate.add_argument("dirs", nargs="+")
    validate.set_defaults(func=cmd_validate)
    return parser


def _missing(paths) -> list[str]:
    from pathlib import Path
    return [p for p in paths if not Path(p).exists()]


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    if getattr(args, "start", None) and not getattr(args, "simulated_clock", False):
        print("--start needs --simulated-clock", file=sys.stderr)
        return 2
    missing = _missing((getattr(args, "dirs", None) or []) + ([args.file] if getattr(args, "file", None) else []))
    if missing:
        print(f"no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
