"""The whole development stack: Kafka, MongoDB protocol, S3 and SMTP servers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import structlog

from shared.devstack.endpoints import (
    KAFKA_BOOTSTRAP,
    MONGODB_URL,
    Endpoints,
    s3_from_environment,
    smtp_from_environment,
)
from shared.devstack.errors import DevStackError, StartError
from shared.devstack.kafka import KafkaServer
from shared.devstack.layout import (
    DEFAULT_BASE_PORT,
    HOST,
    PortLayout,
    StatePaths,
    default_cache_dir,
)
from shared.devstack.mongodb import mongodb_server
from shared.devstack.seaweedfs import SeaweedFsServer
from shared.devstack.server import ManagedServer
from shared.devstack.smtp import SmtpServer
from shared.settings import LOCAL_S3_SECRET

log = structlog.get_logger()

LOCAL_S3_ACCESS_KEY = "dompak"
ROLES = ("kafka", "mongodb", "s3", "smtp")


class DevStack:
    """Installs, starts, checks and stops one stack of local servers.

    Every server listens on 127.0.0.1 at a port derived from `base_port` and
    keeps its data, logs and pid file under `state_dir`. A server whose
    DOMPAK_* variable is set is not started; the given address is used.
    """

    def __init__(
        self,
        state_dir: Path,
        cache_dir: Path | None = None,
        base_port: int = DEFAULT_BASE_PORT,
    ) -> None:
        cache = default_cache_dir() if cache_dir is None else cache_dir
        self.paths = StatePaths(
            Path(state_dir).expanduser().resolve(), Path(cache).expanduser().resolve()
        )
        self.ports = PortLayout(base_port)
        self.kafka = KafkaServer(
            self.paths,
            port=self.ports.kafka,
            controller_port=self.ports.kafka_controller,
        )
        self.mongodb = mongodb_server(
            self.paths, port=self.ports.mongodb, debug_port=self.ports.ferretdb_debug
        )
        self.s3 = SeaweedFsServer(
            self.paths,
            port=self.ports.s3,
            internal_ports=self.ports.seaweedfs_internal,
            access_key=LOCAL_S3_ACCESS_KEY,
            secret_key=LOCAL_S3_SECRET,
        )
        self.smtp = SmtpServer(self.paths, port=self.ports.smtp)

    @property
    def servers(self) -> dict[str, ManagedServer]:
        """The local server of each role, whether or not it is started."""
        return {
            "kafka": self.kafka,
            "mongodb": self.mongodb,
            "s3": self.s3,
            "smtp": self.smtp,
        }

    def local_servers(
        self, environ: Mapping[str, str] | None = None
    ) -> dict[str, ManagedServer]:
        """Return the servers of the roles the environment does not point elsewhere."""
        external = external_roles(os.environ if environ is None else environ)
        return {
            role: server
            for role, server in self.servers.items()
            if role not in external
        }

    def install(self) -> None:
        """Fetch or build what the local servers need; cached downloads are reused."""
        self.paths.create()
        for server in self.local_servers().values():
            server.install()

    def start(self) -> Endpoints:
        """Start the local servers not already up and wait until each responds.

        Servers already running from an earlier start are reused. When one
        fails, the servers spawned by this call are stopped again.
        """
        endpoints = self.endpoints()
        local = self.local_servers()
        for role in ROLES:
            if role not in local:
                log.info("devstack.server_external", role=role)
        self.install()

        spawned: list[ManagedServer] = []
        try:
            for server in local.values():
                if server.running_pid() is None:
                    server.spawn()
                    spawned.append(server)
                else:
                    log.info("devstack.server_reused", server=server.name)
            _wait_all_ready(list(local.values()))
        except DevStackError:
            _stop_all(spawned)
            raise
        return endpoints

    def stop(self) -> None:
        """Stop every server of this stack that runs (SIGTERM, then SIGKILL)."""
        _stop_all(list(self.servers.values()))

    def status(self) -> dict[str, bool]:
        """Return, per role, whether this stack's server runs and accepts clients."""
        return {role: server.is_up() for role, server in self.servers.items()}

    def endpoints(self, environ: Mapping[str, str] | None = None) -> Endpoints:
        """Return the endpoints: DOMPAK_* variables where set, else local servers."""
        environ = os.environ if environ is None else environ
        s3 = s3_from_environment(environ)
        smtp = smtp_from_environment(environ)
        return Endpoints(
            kafka_bootstrap=environ.get(KAFKA_BOOTSTRAP) or self.kafka.bootstrap,
            mongodb_url=environ.get(MONGODB_URL) or self.mongodb.url,
            s3_endpoint=self.s3.endpoint if s3 is None else s3.endpoint,
            s3_access_key=self.s3.access_key if s3 is None else s3.access_key,
            s3_secret_key=self.s3.secret_key if s3 is None else s3.secret_key,
            smtp_host=HOST if smtp is None else smtp.host,
            smtp_port=self.smtp.port if smtp is None else smtp.port,
            maildir=self.smtp.maildir if smtp is None else smtp.maildir,
        )


def external_roles(environ: Mapping[str, str]) -> set[str]:
    """Return the roles whose server the DOMPAK_* variables name."""
    present = {
        "kafka": bool(environ.get(KAFKA_BOOTSTRAP)),
        "mongodb": bool(environ.get(MONGODB_URL)),
        "s3": s3_from_environment(environ) is not None,
        "smtp": smtp_from_environment(environ) is not None,
    }
    return {role for role, is_set in present.items() if is_set}


def _wait_all_ready(servers: list[ManagedServer]) -> None:
    """Wait for every server at once; raise one error naming each that failed."""
    with ThreadPoolExecutor(max_workers=max(1, len(servers))) as pool:
        futures = [(server, pool.submit(server.wait_ready)) for server in servers]
    failures: list[str] = []
    for server, future in futures:
        try:
            seconds = future.result()
        except DevStackError as error:
            failures.append(str(error))
            continue
        log.info(
            "devstack.server_ready",
            server=server.name,
            address=f"{HOST}:{server.port}",
            seconds=round(seconds, 2),
        )
    if failures:
        raise StartError("\n\n".join(failures))


def _stop_all(servers: list[ManagedServer]) -> None:
    # Kafka and SeaweedFS each take seconds to shut down; stop them together.
    with ThreadPoolExecutor(max_workers=max(1, len(servers))) as pool:
        list(pool.map(lambda server: server.stop(), servers))
