from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from shared.devstack.errors import StartError
from shared.devstack.layout import StatePaths
from shared.devstack.process import read_pid
from shared.devstack.server import ManagedServer

# A tiny TCP server: the probe succeeds once it accepts a connection.
LISTENER = """
import socket, sys, time
server = socket.socket()
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen()
time.sleep(60)
"""


class ScriptServer(ManagedServer):
    name: ClassVar[str] = "script"
    ready_timeout_seconds: ClassVar[float] = 10.0
    stop_grace_seconds: ClassVar[float] = 2.0

    def __init__(self, paths: StatePaths, *, port: int, script: str) -> None:
        super().__init__(paths)
        self._port = port
        self.script = script

    @property
    def port(self) -> int:
        return self._port

    def install(self) -> None:
        pass

    def command(self) -> list[str]:
        # The state directory argument marks the process as this stack's own.
        script = [sys.executable, "-c", self.script]
        return [*script, str(self._port), str(self.paths.state_dir)]

    def probe(self) -> None:
        with socket.create_connection(("127.0.0.1", self._port), timeout=1):
            pass


@pytest.fixture
def paths(tmp_path: Path) -> StatePaths:
    paths = StatePaths(tmp_path / "state", tmp_path / "cache")
    paths.create()
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_server_spawn_ready_stop(paths: StatePaths) -> None:
    server = ScriptServer(paths, port=free_port(), script=LISTENER)
    server.spawn()
    try:
        seconds = server.wait_ready()
        assert server.is_up()
        assert seconds < server.ready_timeout_seconds
    finally:
        stopped = server.stop()

    assert stopped
    assert not server.pid_file.exists()
    assert not server.is_up()


def test_server_exit_during_start_reports_log(paths: StatePaths) -> None:
    script = "import sys; print('config file is invalid'); sys.exit(3)"
    server = ScriptServer(paths, port=free_port(), script=script)
    server.spawn()

    with pytest.raises(StartError, match=r"exited during start \(code 3\)") as raised:
        server.wait_ready()

    assert "config file is invalid" in str(raised.value)
    assert "Command: " in str(raised.value)


def test_server_busy_port_raises(paths: StatePaths) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        server = ScriptServer(paths, port=port, script=LISTENER)

        with pytest.raises(StartError, match=f"port\\(s\\) \\[{port}\\]"):
            server.spawn()

    assert not server.pid_file.exists()


def test_server_stale_pid_file_removed(paths: StatePaths) -> None:
    server = ScriptServer(paths, port=free_port(), script=LISTENER)
    # pid 1 runs, but its command line does not name this state directory.
    server.pid_file.write_text("1\n")

    assert server.running_pid() is None
    assert read_pid(server.pid_file) is None
