"""Child processes of the launcher: spawn, pid files, port probes and stop.

Each server runs in its own session, and so in its own process group, with
stdout and stderr in a log file. Its pid file lets a later command find it,
so a stack started by one command can be stopped by another.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import structlog

from shared.devstack.errors import DevStackError, InstallError
from shared.devstack.layout import HOST

log = structlog.get_logger()

# Popen objects of the children started by this process, kept so they can be
# reaped (no zombies) and so Python does not warn that they are still running.
_children: dict[int, subprocess.Popen[bytes]] = {}


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    pid_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start `argv` in a new session with output appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        child = subprocess.Popen(  # noqa: S603 (argv is a list, no shell)
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    _children[child.pid] = child
    write_pid(pid_path, child.pid)
    return child.pid


def write_pid(pid_path: Path, pid: int) -> None:
    pid_path.parent.mkdir(parents=True, exist_ok=True)
    partial = pid_path.with_suffix(".tmp")
    partial.write_text(f"{pid}\n")
    partial.replace(pid_path)


def read_pid(pid_path: Path) -> int | None:
    """Return the pid stored in `pid_path`, or None when absent or unreadable."""
    try:
        return int(pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_alive(pid: int) -> bool:
    """Return whether `pid` runs; reaps it first when it is our exited child."""
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_code(pid: int) -> int | None:
    """Return the exit code of our child `pid` when it has exited."""
    child = _children.get(pid)
    return None if child is None else child.poll()


def is_own_child(pid: int) -> bool:
    """Return whether this Python process spawned `pid`."""
    return pid in _children


def command_line(pid: int) -> str | None:
    """Return the command line of `pid`, or None when it cannot be read.

    /proc is Linux-only, and it shows an empty command line for zombies and,
    for a moment, for a process that has just called exec.
    """
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace") or None


def port_open(port: int, host: str = HOST, timeout: float = 0.25) -> bool:
    """Return whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(
    port: int, timeout: float, host: str = HOST, *, closed: bool = False
) -> bool:
    """Poll host:port until it accepts connections (or refuses, with `closed`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port, host) != closed:
            return True
        time.sleep(0.1)
    return port_open(port, host) != closed


def wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return True
        time.sleep(0.1)
    return not is_alive(pid)


def terminate(pid: int, grace_seconds: float, *, name: str) -> None:
    """Send SIGTERM to the process group of `pid`, then SIGKILL after the grace."""
    if not _signal_group(pid, signal.SIGTERM):
        return
    if wait_for_exit(pid, grace_seconds):
        log.info("devstack.process_stopped", server=name, pid=pid)
        return
    log.warning(
        "devstack.process_killed", server=name, pid=pid, grace_seconds=grace_seconds
    )
    _signal_group(pid, signal.SIGKILL)
    wait_for_exit(pid, 5.0)


def _signal_group(pid: int, signum: signal.Signals) -> bool:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        return False
    return True


def log_tail(path: Path, lines: int = 30) -> str:
    """Return the last `lines` lines of a log file, or a note that it is absent."""
    try:
        with path.open("rb") as log_file:
            log_file.seek(0, os.SEEK_END)
            size = log_file.tell()
            log_file.seek(max(0, size - 64 * 1024))
            text = log_file.read().decode(errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else f"({path} is empty)"


def require_program(program: str, remedy: str) -> str:
    """Return the full path of `program` on PATH, or raise with the remedy."""
    found = shutil.which(program)
    if found is None:
        raise InstallError(f"{program!r} was not found on PATH; {remedy}")
    return found


def run_checked(
    argv: Sequence[str],
    *,
    action: str,
    error: type[DevStackError],
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Run a short command to completion; raise `error` with its output on failure."""
    command = " ".join(argv)
    try:
        result = subprocess.run(  # noqa: S603 (argv is a list, no shell)
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
            env=dict(env) if env is not None else None,
        )
    except subprocess.TimeoutExpired as expired:
        raise error(f"{action} timed out after {timeout:.0f} s: {command}") from expired
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-4000:]
        raise error(
            f"{action} failed with exit code {result.returncode}: {command}\n{output}"
        )
    return result.stdout
