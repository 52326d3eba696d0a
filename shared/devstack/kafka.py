"""Apache Kafka 4.x as one KRaft node (broker and controller) run with `java`.

The class path comes from Maven Central through the POM in deploy/kafka.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import ClassVar

import structlog
from kafka import KafkaAdminClient

from shared.devstack.errors import InstallError, StartError
from shared.devstack.layout import HOST, REPOSITORY_ROOT, StatePaths
from shared.devstack.process import require_program, run_checked
from shared.devstack.server import ManagedServer

log = structlog.get_logger()

POM = REPOSITORY_ROOT / "deploy" / "kafka" / "pom.xml"
POM_STAMP = ".pom-sha256"
HEAP_OPTIONS = ["-Xms256m", "-Xmx512m"]
MAVEN_TIMEOUT_SECONDS = 900
FORMAT_TIMEOUT_SECONDS = 120
PROBE_TIMEOUT_MS = 3000
JAVA_REMEDY = "install a Java 17+ runtime (e.g. openjdk-17-jre-headless)"

LOG4J2_TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <File name="server" fileName="{log_file}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="server"/></Root>
  </Loggers>
</Configuration>
"""


class KafkaServer(ManagedServer):
    """A single-node KRaft cluster listening on 127.0.0.1 only."""

    name: ClassVar[str] = "kafka"
    ready_timeout_seconds: ClassVar[float] = 90.0
    stop_grace_seconds: ClassVar[float] = 30.0

    def __init__(self, paths: StatePaths, *, port: int, controller_port: int) -> None:
        super().__init__(paths)
        self._port = port
        self.controller_port = controller_port

    @property
    def port(self) -> int:
        return self._port

    @property
    def ports(self) -> list[int]:
        return [self._port, self.controller_port]

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self._port}"

    @property
    def lib_dir(self) -> Path:
        return self.paths.cache_dir / "kafka" / "lib"

    @property
    def server_log_file(self) -> Path:
        return self.paths.log_dir / "kafka-server.log"

    @property
    def extra_log_files(self) -> list[Path]:
        return [self.server_log_file]

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def log4j_file(self) -> Path:
        return self.data_dir / "log4j2.xml"

    def install(self) -> None:
        require_program("java", JAVA_REMEDY)
        if not self._class_path_current():
            self._resolve_class_path()
        self._check_logging_binding()

    def _check_logging_binding(self) -> None:
        # SLF4J 1.x finds only the log4j-slf4j-impl binding; with just the 2.x
        # binding (log4j-slf4j2-impl) it falls back to a no-op logger, so the
        # broker log stays empty and start failures show no cause.
        slf4j_1 = any(self.lib_dir.glob("slf4j-api-1.*.jar"))
        binding = any(self.lib_dir.glob("log4j-slf4j-impl-*.jar"))
        if slf4j_1 and not binding:
            log.warning(
                "devstack.kafka_logging_disabled",
                lib_dir=str(self.lib_dir),
                remedy="depend on org.apache.logging.log4j:log4j-slf4j-impl "
                f"instead of log4j-slf4j2-impl in {POM}",
            )

    def _class_path_current(self) -> bool:
        stamp = self.lib_dir / POM_STAMP
        has_broker = any(self.lib_dir.glob("kafka_2.13-*.jar"))
        return has_broker and stamp.exists() and stamp.read_text() == _pom_digest()

    def _resolve_class_path(self) -> None:
        """Copy the POM's runtime jars into a fresh directory, then swap it in."""
        self.lib_dir.parent.mkdir(parents=True, exist_ok=True)
        resolved = Path(tempfile.mkdtemp(prefix="lib-", dir=self.lib_dir.parent))
        argv = [
            require_program("mvn", "install Apache Maven to resolve the Kafka jars"),
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={resolved}",
        ]
        log.info("devstack.kafka_jars_resolving", pom=str(POM), lib_dir=str(resolved))
        try:
            run_checked(
                argv,
                action="resolving the Kafka jars",
                error=InstallError,
                timeout=MAVEN_TIMEOUT_SECONDS,
            )
        except InstallError:
            shutil.rmtree(resolved, ignore_errors=True)
            raise
        (resolved / POM_STAMP).write_text(_pom_digest())
        shutil.rmtree(self.lib_dir, ignore_errors=True)
        resolved.rename(self.lib_dir)
        log.info("devstack.kafka_jars_resolved", lib_dir=str(self.lib_dir))

    def prepare(self) -> None:
        super().prepare()
        self.properties_file.write_text(self._properties())
        self.log4j_file.write_text(
            LOG4J2_TEMPLATE.format(log_file=self.server_log_file)
        )
        if not (self.data_dir / "data" / "meta.properties").exists():
            self._format_storage()

    def _properties(self) -> str:
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{self.controller_port}",
            "listeners": (
                f"PLAINTEXT://{HOST}:{self._port},CONTROLLER://{HOST}:{self.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self._port}",
            "listener.security.protocol.map": (
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
            ),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir / "data"),
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _format_storage(self) -> None:
        argv = [
            *self._java(),
            "kafka.tools.StorageTool",
            "format",
            # The = form keeps an id that starts with "-" from reading as an option.
            f"--cluster-id={self._cluster_id()}",
            "-c",
            str(self.properties_file),
            "--ignore-formatted",
        ]
        run_checked(
            argv,
            action="formatting the Kafka log directory",
            error=StartError,
            timeout=FORMAT_TIMEOUT_SECONDS,
        )

    def _cluster_id(self) -> str:
        """Return the stored cluster id, creating one on first use."""
        id_file = self.data_dir / "cluster.id"
        if id_file.exists():
            return id_file.read_text().strip()
        # Same form as Kafka's Uuid.toString(): 16 random bytes, base64url.
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        id_file.write_text(cluster_id + "\n")
        return cluster_id

    def _java(self) -> list[str]:
        return [
            require_program("java", JAVA_REMEDY),
            *HEAP_OPTIONS,
            "-cp",
            f"{self.lib_dir}/*",
            f"-Dlog4j2.configurationFile={self.log4j_file}",
        ]

    def command(self) -> list[str]:
        return [*self._java(), "kafka.Kafka", str(self.properties_file)]

    def probe(self) -> None:
        admin = KafkaAdminClient(
            bootstrap_servers=self.bootstrap,
            client_id="dompak-devstack",
            request_timeout_ms=PROBE_TIMEOUT_MS,
            bootstrap_timeout_ms=PROBE_TIMEOUT_MS,
        )
        try:
            admin.list_topics()
        finally:
            admin.close()


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()
