"""The life cycle every server of the development stack shares."""

from __future__ import annotations

import os
import shlex
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import structlog

from shared.devstack import process
from shared.devstack.errors import StartError
from shared.devstack.layout import HOST, StatePaths

log = structlog.get_logger()

POLL_SECONDS = 0.2


class ManagedServer(ABC):
    """One server process: installed, spawned, probed with a real client, stopped.

    Subclasses name the command, the ports it listens on and a readiness probe
    that raises until the server responds.
    """

    name: ClassVar[str]
    ready_timeout_seconds: ClassVar[float] = 30.0
    stop_grace_seconds: ClassVar[float] = 15.0

    def __init__(self, paths: StatePaths) -> None:
        self.paths = paths
        self._spawned_at: float | None = None

    @property
    @abstractmethod
    def port(self) -> int:
        """The port clients connect to."""

    @property
    def ports(self) -> list[int]:
        """Every port the server listens on; all must be free before a start."""
        return [self.port]

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir(self.name)

    @property
    def pid_file(self) -> Path:
        return self.paths.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.paths.log_dir / f"{self.name}.log"

    @property
    def extra_log_files(self) -> list[Path]:
        """Logs besides stdout and stderr worth showing when a start fails."""
        return []

    @abstractmethod
    def install(self) -> None:
        """Fetch or build what the server needs, reusing the cache."""

    @abstractmethod
    def command(self) -> list[str]:
        """Return the command line that runs the server in the foreground."""

    @abstractmethod
    def probe(self) -> None:
        """Raise unless a real client request to the server succeeds."""

    def prepare(self) -> None:
        """Write configuration files and create data directories."""
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def running_pid(self) -> int | None:
        """Return the pid of this stack's server process when it runs.

        A pid file whose process is gone, or whose pid now belongs to a process
        that is not ours, is removed.
        """
        pid = process.read_pid(self.pid_file)
        if pid is None:
            return None
        if process.is_alive(pid) and self._owns(pid):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def _owns(self, pid: int) -> bool:
        if process.is_own_child(pid):
            return True
        # Every command names a path inside the state directory, which
        # distinguishes our process from one that reused a stale pid.
        command_line = process.command_line(pid)
        return command_line is None or str(self.paths.state_dir) in command_line

    def is_up(self) -> bool:
        return self.running_pid() is not None and process.port_open(self.port)

    def spawn(self) -> None:
        """Start the server process without waiting for it to become ready."""
        self._check_ports_free()
        self.prepare()
        argv = self.command()
        pid = process.spawn(
            argv,
            log_path=self.log_file,
            pid_path=self.pid_file,
            env=self.environment(),
            cwd=self.data_dir,
        )
        self._spawned_at = time.monotonic()
        log.info("devstack.server_spawned", server=self.name, pid=pid, port=self.port)

    def _check_ports_free(self) -> None:
        busy = [port for port in self.ports if process.port_open(port)]
        if busy:
            raise StartError(
                f"cannot start {self.name}: port(s) {busy} on {HOST} are already "
                "in use by a process this stack did not start; stop that process "
                "or choose another base port (--base-port or DOMPAK_BASE_PORT)"
            )

    def wait_ready(self) -> float:
        """Wait until the probe succeeds; return the seconds since the spawn.

        For a server spawned by an earlier process, return the seconds waited.
        """
        now = time.monotonic()
        started = self._spawned_at or now
        self._spawned_at = None
        deadline = now + self.ready_timeout_seconds
        last_error: Exception | None = None
        pid = process.read_pid(self.pid_file)
        while time.monotonic() < deadline:
            if pid is None or self.running_pid() is None:
                code = None if pid is None else process.exit_code(pid)
                raise self._start_error(
                    f"exited during start (code {code})", last_error
                )
            if process.port_open(self.port):
                try:
                    self.probe()
                except Exception as error:  # each client library raises its own
                    last_error = error
                else:
                    return time.monotonic() - started
            time.sleep(POLL_SECONDS)
        raise self._start_error(
            f"did not become ready within {self.ready_timeout_seconds:.0f} s",
            last_error,
        )

    def _start_error(self, failure: str, last_error: Exception | None) -> StartError:
        parts = [
            f"{self.name} on {HOST}:{self.port} {failure}.",
            f"Command: {shlex.join(self.command())}",
        ]
        if last_error is not None:
            parts.append(f"Last probe error: {last_error!r}")
        for path in [self.log_file, *self.extra_log_files]:
            parts.append(f"Last lines of {path}:\n{process.log_tail(path)}")
        parts.append("Fix the cause shown above, then run the start again.")
        return StartError("\n".join(parts))

    def stop(self) -> bool:
        """Stop the server when it runs; return whether a process was stopped."""
        pid = self.running_pid()
        if pid is None:
            return False
        process.terminate(pid, self.stop_grace_seconds, name=self.name)
        self.pid_file.unlink(missing_ok=True)
        return True
