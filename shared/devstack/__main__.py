"""Command line: python -m shared.devstack {install,up,down,status,env}."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from shared.devstack.endpoints import Endpoints
from shared.devstack.errors import DevStackError
from shared.devstack.layout import (
    DEFAULT_BASE_PORT,
    HOST,
    default_cache_dir,
    default_state_dir,
)
from shared.devstack.stack import DevStack
from shared.logging import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.devstack",
        description=(
            "Run real Kafka, MongoDB-protocol (FerretDB), S3 (SeaweedFS) and "
            "SMTP servers on 127.0.0.1 for development and tests."
        ),
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=default_state_dir(),
        help="directory for data, logs and pid files (default: %(default)s, "
        "or DOMPAK_STATE_DIR)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=default_cache_dir(),
        help="directory for downloaded jars and built binaries "
        "(default: %(default)s, or DOMPAK_CACHE_DIR)",
    )
    parser.add_argument(
        "--base-port",
        type=int,
        default=os.environ.get("DOMPAK_BASE_PORT", str(DEFAULT_BASE_PORT)),
        help="every server port is this plus a fixed offset: Kafka +92, "
        "MongoDB +17, S3 +33, SMTP +25 (default: %(default)s, or DOMPAK_BASE_PORT)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="download and build what is missing")
    commands.add_parser(
        "up", help="start the servers in the background and print export lines"
    )
    commands.add_parser("down", help="stop the servers")
    commands.add_parser("status", help="show which servers run; exit 1 if any is down")
    commands.add_parser("env", help="print `export DOMPAK_...=...` lines")
    return parser


def export_lines(endpoints: Endpoints) -> str:
    return "\n".join(
        f"export {name}={shlex.quote(value)}"
        for name, value in endpoints.as_env().items()
    )


def run(arguments: argparse.Namespace) -> int:
    stack = DevStack(arguments.state_dir, arguments.cache_dir, arguments.base_port)
    if arguments.command == "install":
        stack.install()
    elif arguments.command == "up":
        _write(export_lines(stack.start()))
    elif arguments.command == "down":
        stack.stop()
    elif arguments.command == "status":
        return print_status(stack)
    elif arguments.command == "env":
        _write(export_lines(stack.endpoints()))
    return 0


def print_status(stack: DevStack) -> int:
    status = stack.status()
    for role, server in stack.servers.items():
        state = "running" if status[role] else "stopped"
        _write(f"{role:8} {server.name:10} {HOST}:{server.port:<6} {state}")
    return 0 if all(status.values()) else 1


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    configure_logging(
        "devstack",
        log_format="console",
        level=os.environ.get("DOMPAK_LOG_LEVEL", "INFO"),
    )
    try:
        return run(arguments)
    except (DevStackError, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
