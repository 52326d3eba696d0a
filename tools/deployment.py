"""Start the servers and every DOMPAK service on this machine, and stop them.

Servers come from the environment (the DOMPAK_* variables) or from the
native launcher in `shared.devstack`. Each service runs as its own process
(`python -m services.<name>`) with its log under the state directory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog

from shared.devstack import DevStack, Endpoints, endpoints_from_environment
from shared.settings import ServiceSettings

log = structlog.get_logger()

REPOSITORY = Path(__file__).resolve().parent.parent
# Service name and the environment variable of its HTTP port, in start order.
SERVICES: dict[str, tuple[str, int]] = {
    "intake": ("DOMPAK_INTAKE_PORT", 8001),
    "verification": ("DOMPAK_VERIFICATION_PORT", 8002),
    "signing": ("DOMPAK_SIGNING_PORT", 8003),
    "distribution": ("DOMPAK_DISTRIBUTION_PORT", 8004),
    "notify": ("DOMPAK_NOTIFY_PORT", 8005),
}
# Every browser, test and demo reaches a local deployment from 127.0.0.1,
# so the per-address limit on sign-in codes is raised for them.
LOCAL_SIGN_IN_LIMITS = {"DOMPAK_SIGN_IN_CODES_PER_CLIENT": "1000"}
READY_TIMEOUT_SECONDS = 120.0
STOP_GRACE_SECONDS = 15.0


def service_port(name: str, environ: Mapping[str, str] | None = None) -> int:
    """Return the HTTP port of a service, honouring its port variable."""
    variable, default = SERVICES[name]
    return int((os.environ if environ is None else environ).get(variable, default))


def service_url(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the base URL of a service, honouring its port variable."""
    return f"http://127.0.0.1:{service_port(name, environ)}"


def is_running(name: str = "intake", environ: Mapping[str, str] | None = None) -> bool:
    """Return whether a service's health check responds with 200."""
    try:
        response = httpx.get(f"{service_url(name, environ)}/health", timeout=2)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@dataclass
class LocalDeployment:
    """The servers plus the five service processes.

    `endpoints` names servers that are already running; without it the
    servers come from the environment or the native launcher. `environ`
    adds variables for the services, such as their ports.
    """

    state_dir: Path
    endpoints: Endpoints | None = None
    environ: dict[str, str] = field(default_factory=dict)
    stack: DevStack | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # The variables the services were started with, once started.
    started_environment: dict[str, str] = field(default_factory=dict)

    @property
    def service_environment(self) -> dict[str, str]:
        return {**os.environ, **self.environ}

    def start(self) -> dict[str, str]:
        """Start everything and return the service URLs once all are healthy."""
        endpoints = self.endpoints or self._start_servers()
        environment = {
            **self.service_environment,
            **endpoints.as_env(),
            "DOMPAK_STATE_DIR": str(self.state_dir),
            "DOMPAK_PKI_DIR": str(self.state_dir / "pki"),
            "PYTHONPATH": str(REPOSITORY),
        }
        # Pages link to each other's service; the links follow the ports.
        for name in SERVICES:
            environment.setdefault(
                f"DOMPAK_{name.upper()}_URL", service_url(name, environment)
            )
        self.started_environment = environment
        self._run_setup(environment)
        logs = self.state_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            self.processes[name] = self._spawn(name, environment, logs / f"{name}.log")
        self._wait_until_healthy(logs)
        return {name: service_url(name, environment) for name in SERVICES}

    def settings(self) -> ServiceSettings:
        """Settings as the started services read them (servers, URLs)."""
        values = {
            key.removeprefix("DOMPAK_").lower(): value
            for key, value in self.started_environment.items()
            if key.startswith("DOMPAK_")
        }
        return ServiceSettings.model_validate(values)

    def _start_servers(self) -> Endpoints:
        endpoints = endpoints_from_environment()
        if endpoints is not None:
            log.info("servers.from_environment")
            return endpoints
        self.stack = DevStack(self.state_dir / "stack")
        self.stack.install()
        return self.stack.start()

    def _run_setup(self, environment: dict[str, str]) -> None:
        subprocess.run(
            [sys.executable, "-m", "services.signing.setup"],
            env=environment,
            cwd=REPOSITORY,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _spawn(
        self, name: str, environment: dict[str, str], log_path: Path
    ) -> subprocess.Popen[bytes]:
        with log_path.open("ab") as output:
            return subprocess.Popen(  # noqa: S603 (fixed command)
                [sys.executable, "-m", f"services.{name}"],
                env=environment,
                cwd=REPOSITORY,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait_until_healthy(self, logs: Path) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        waiting = set(SERVICES)
        while waiting:
            for name in sorted(waiting):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"service {name} exited with code {process.returncode} "
                        f"while starting; see {logs / f'{name}.log'}"
                    )
                if is_running(name, self.service_environment):
                    waiting.discard(name)
                    log.info("service.ready", service=name)
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(
                    f"services {', '.join(sorted(waiting))} not ready after "
                    f"{READY_TIMEOUT_SECONDS:.0f} s; see their logs in {logs}"
                )
            time.sleep(0.3)

    def stop(self) -> None:
        """Stop the services (SIGTERM, SIGKILL after a grace period), then servers."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("service.killed", service=name)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if self.stack is not None:
            self.stack.stop()
