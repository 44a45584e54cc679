"""The `smq-monitor` command (contract §1).

Exit status: 0 on success, 1 when the input is rejected (every problem on stderr), 2 on a
usage error, 3 when the database failed or stayed busy (nothing was written; try again).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from data_access import convert, db, importer, snapshot
from data_access.db import get_engine
from data_access.errors import DatabaseBusy, DatabaseUnavailable
from data_access.exporter import export_directory
from data_access.progress import progress
from data_access.schema import init_db
from data_access.users import add_user, end_sessions, list_users, remove_user, set_password
from smq_monitor import __version__
from smq_monitor.config import (
    database_timeouts_from_environment,
    database_url_from_environment,
    snapshot_folder_from_environment,
)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smq-monitor", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"smq-monitor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("init-db", help="create or upgrade the schema in DATABASE_URL")
    demo = sub.add_parser("demo", help="replace the contents with the synthetic demo dataset")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--out", type=Path, help="also keep the generated CSV files in this folder")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the database has trusts")
    imp = sub.add_parser("import", help="load the CSV files of a folder in one transaction")
    imp.add_argument("directory", type=Path)
    imp.add_argument("--check", action="store_true", help="validate only; write nothing")
    exp = sub.add_parser("export", help="write the database out as CSV files")
    exp.add_argument("directory", type=Path)
    users = sub.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_sub.add_parser("add", help="create or update a user; the password is read from stdin")
    add.add_argument("name")
    add.add_argument(
        "--role", required=True, choices=["improvement_director", "regulator", "analyst", "admin"]
    )
    add.add_argument("--trusts", default="", help="comma-separated trust codes (improvement directors)")
    passwd = users_sub.add_parser(
        "passwd", help="change a password (read from stdin); ends the user's sessions"
    )
    passwd.add_argument("name")
    remove = users_sub.add_parser("remove", help="delete a user; their sessions end")
    remove.add_argument("name")
    signout = users_sub.add_parser("signout", help="sign a user out everywhere (every session ends)")
    signout.add_argument("name")
    users_sub.add_parser("list", help="list users, roles and failed sign-ins since the last sign-in")
    conv = sub.add_parser("convert", help="read public files as published and write the CSV files they hold")
    conv.add_argument("kind", choices=convert.KINDS, metavar="KIND", help=", ".join(convert.KINDS))
    conv.add_argument("files", type=Path, nargs="+", metavar="FILE")
    conv.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder of CSV files to write or merge into"
    )
    serve = sub.add_parser("serve", help="development server (production: gunicorn app:server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")
    return parser


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_import(directory: Path, check: bool, replace: bool = False) -> int:
    if not directory.is_dir():
        _err(f"smq-monitor: {directory} is not a folder")
        return EXIT_USAGE
    engine = get_engine()
    timeouts = database_timeouts_from_environment()
    started = time.perf_counter()
    try:
        init_db(wait_s=timeouts.import_wait_s)
        # Rows written and rows per second on a terminal; nothing in a pipe or a log.
        with progress("importing", unit="rows") as bar:
            result = importer.import_directory(
                directory,
                engine,
                check_only=check,
                replace=replace,
                wait_s=timeouts.import_wait_s,
                statement_timeout_s=timeouts.import_statement_s,
                bar=bar,
            )
    except importer.ImportRejected as rejected:
        for problem in rejected.problems:
            _err(str(problem))
        _err(f"import rejected: {len(rejected.problems)} problem(s); nothing was written")
        return EXIT_REJECTED
    except DatabaseBusy as busy:
        _err(f"smq-monitor: {busy}; nothing was written: try again when it has finished (SMQ_IMPORT_WAIT_S)")
        return EXIT_UNAVAILABLE
    except DatabaseUnavailable as failed:
        _err(f"smq-monitor: the database failed during the import ({failed}); nothing was written")
        return EXIT_UNAVAILABLE
    elapsed = time.perf_counter() - started
    verb = "checked" if check else "imported"
    summary = ", ".join(f"{stem} {count:,}" for stem, count in result.rows.items())
    print(f"{verb} in {elapsed:.1f} s: {summary}")
    if check:
        print("no problems found; nothing was written (--check)")
    return EXIT_OK


def cmd_demo(seed: int, scale: float, out: Path | None) -> int:
    from data_access import demo

    if scale <= 0:
        _err("smq-monitor: --scale must be positive")
        return EXIT_USAGE
    started = time.perf_counter()
    frames = demo.generate(seed=seed, scale=scale)
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="smq-demo-") as tmp:
        target = out or Path(tmp)
        demo.write_csvs(frames, target)
        print(f"generated the synthetic demo dataset (seed {seed}, scale {scale:g}) in {generated:.1f} s")
        return cmd_import(target, check=False, replace=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    timeouts = database_timeouts_from_environment()
    # An operator's command may run long statements (an export of every value); it waits for
    # locks no longer than a web request would.
    db.configure(database_url_from_environment(), timeouts.import_statement_s * 1000, timeouts.lock_ms)
    snapshot.configure(snapshot_folder_from_environment())
    try:
        if args.command == "init-db":
            init_db()
            print(f"schema is up to date in {db.safe_url(db.database_url())}")
            return EXIT_OK
        if args.command == "demo":
            if args.if_empty:
                init_db()
                if importer.count_rows(get_engine())["trusts"]:
                    print("the database already has data; leaving it as it is")
                    return EXIT_OK
            return cmd_demo(args.seed, args.scale, args.out)
        if args.command == "import":
            return cmd_import(args.directory, args.check)
        if args.command == "export":
            init_db()
            written = export_directory(args.directory, get_engine())
            print("exported " + ", ".join(f"{stem} {n:,}" for stem, n in written.items()))
            return EXIT_OK
        if args.command == "users":
            return cmd_users(args)
        if args.command == "convert":
            return convert.run(args.kind, args.files, args.out)
        if args.command == "serve":
            from smq_monitor.app_factory import create_app

            app = create_app()
            app.run(host=args.host, port=args.port, debug=args.debug)
            return EXIT_OK
    except KeyboardInterrupt:
        return 130
    parser.print_usage(sys.stderr)
    return EXIT_USAGE


def _read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return (sys.stdin.readline() if sys.stdin else "").rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    """`users add|passwd|remove|signout|list`: each change that ends sessions says so."""
    if args.users_command == "add":
        return cmd_users_add(args.name, args.role, args.trusts)
    init_db()
    if args.users_command == "list":
        for user in list_users():
            print(
                f"{user['username']}\t{user['role']}\t{user['trusts'] or '-'}\t{user['failed_logins'] or 0} failed"
            )
        return EXIT_OK
    if args.users_command == "passwd":
        try:
            found = set_password(args.name, _read_password())
        except ValueError as exc:
            _err(f"smq-monitor: {exc}")
            return EXIT_REJECTED
        done = f"changed the password of {args.name}; their sessions have ended"
    elif args.users_command == "remove":
        found = remove_user(args.name)
        done = f"removed user {args.name}; their sessions have ended"
    else:
        found = end_sessions(args.name)
        done = f"signed {args.name} out everywhere"
    if not found:
        _err(f"smq-monitor: no user {args.name!r}")
        return EXIT_REJECTED
    print(done)
    return EXIT_OK


def cmd_users_add(name: str, role: str, trusts: str) -> int:
    init_db()
    password = _read_password()
    codes = [t for t in trusts.split(",") if t.strip()]
    if role == "improvement_director" and not codes:
        _err("warning: an improvement director without --trusts sees only the public view")
    try:
        created = add_user(name, password, role, codes)
    except ValueError as exc:
        _err(f"smq-monitor: {exc}")
        return EXIT_REJECTED
    print(f"{'created' if created else 'updated'} user {name} ({role})")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
