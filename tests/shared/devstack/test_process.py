from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from shared.devstack import process
from shared.devstack.errors import InstallError, StartError

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
# Ignores SIGTERM, so only the SIGKILL after the grace period stops it.
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)",
]


def test_spawn_writes_pid_and_own_group(tmp_path: Path) -> None:
    pid_path = tmp_path / "run" / "sleeper.pid"
    pid = process.spawn(SLEEPER, log_path=tmp_path / "sleeper.log", pid_path=pid_path)
    try:
        assert process.read_pid(pid_path) == pid
        assert process.is_alive(pid)
        assert os.getpgid(pid) == pid
    finally:
        process.terminate(pid, 5.0, name="sleeper")

    assert not process.is_alive(pid)


def test_terminate_kills_after_grace(tmp_path: Path) -> None:
    log_path = tmp_path / "stubborn.log"
    pid = process.spawn(STUBBORN, log_path=log_path, pid_path=tmp_path / "s.pid")
    _wait_for_text(log_path, "ready")

    started = time.monotonic()
    process.terminate(pid, 0.5, name="stubborn")

    assert not process.is_alive(pid)
    assert time.monotonic() - started < 5.0
    assert process.exit_code(pid) == -9


def test_read_pid_missing_or_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pid"
    garbage.write_text("not a pid\n")

    assert process.read_pid(tmp_path / "absent.pid") is None
    assert process.read_pid(garbage) is None


def test_port_open_and_wait_for_closed() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        assert process.port_open(port)

    assert process.wait_for_port(port, 2.0, closed=True)
    assert not process.port_open(port)


def test_log_tail_last_lines(tmp_path: Path) -> None:
    log_path = tmp_path / "server.log"
    log_path.write_text("".join(f"line {index}\n" for index in range(100)))

    assert process.log_tail(log_path, lines=2) == "line 98\nline 99"
    assert "does not exist" in process.log_tail(tmp_path / "absent.log")


def test_require_program_missing_raises() -> None:
    with pytest.raises(InstallError, match="'no-such-program-dompak' was not found"):
        process.require_program("no-such-program-dompak", "install it")


def test_run_checked_failure_shows_output() -> None:
    argv = [sys.executable, "-c", "import sys; print('broken config'); sys.exit(4)"]

    with pytest.raises(StartError, match="exit code 4") as raised:
        process.run_checked(argv, action="checking", error=StartError, timeout=30)

    assert "broken config" in str(raised.value)


def _wait_for_text(path: Path, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear in {path}")
