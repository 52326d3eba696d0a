"""Kafka, MongoDB, MinIO and Mailpit in containers, where a Docker engine responds.

Test fixtures use this before falling back to the native `DevStack`. The
containers stop through `stop_testcontainers()`, or through testcontainers'
reaper container when the Python process exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from docker.errors import DockerException  # type: ignore[import-untyped]

from shared.devstack.endpoints import Endpoints
from shared.devstack.stack import LOCAL_S3_ACCESS_KEY
from shared.settings import LOCAL_S3_SECRET

if TYPE_CHECKING:
    from testcontainers.core.container import DockerContainer

log = structlog.get_logger()

# Confluent Platform 8.0 ships Apache Kafka 4.0; testcontainers' KafkaContainer
# drives the Confluent image's start scripts, so the apache/kafka image does
# not fit it.
KAFKA_IMAGE = "confluentinc/cp-kafka:8.0.0"
MONGODB_IMAGE = "mongo:7.0"

_started: list[DockerContainer] = []


def docker_engine_available() -> bool:
    """Return whether a Docker engine responds to a ping (DOCKER_HOST is honoured)."""
    import docker  # type: ignore[import-untyped]

    try:
        client = docker.from_env()
    except DockerException:
        return False
    try:
        return bool(client.ping())
    except (DockerException, OSError):  # requests' errors derive from OSError
        return False
    finally:
        client.close()


def start_with_testcontainers() -> Endpoints | None:
    """Start the four servers in containers; return None without a Docker engine."""
    if not docker_engine_available():
        return None
    # Imported here: testcontainers talks to Docker as soon as it is used.
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.mailpit import MailpitContainer
    from testcontainers.community.minio import MinioContainer
    from testcontainers.community.mongodb import MongoDbContainer

    try:
        kafka = KafkaContainer(KAFKA_IMAGE).with_kraft()
        mongodb = MongoDbContainer(MONGODB_IMAGE)
        # MinIO and Mailpit run the images testcontainers pins by default.
        minio = MinioContainer(
            access_key=LOCAL_S3_ACCESS_KEY, secret_key=LOCAL_S3_SECRET
        )
        mailpit = MailpitContainer()
    except DockerException as error:
        log.warning("devstack.testcontainers_unavailable", error=str(error))
        return None

    try:
        for container in (kafka, mongodb, minio, mailpit):
            container.start()
            _started.append(container)
    except Exception:
        stop_testcontainers()
        raise

    s3 = minio.get_config()
    return Endpoints(
        kafka_bootstrap=kafka.get_bootstrap_server(),
        mongodb_url=mongodb.get_connection_url(),
        s3_endpoint=s3["endpoint"],
        s3_access_key=s3["access_key"],
        s3_secret_key=s3["secret_key"],
        smtp_host=mailpit.get_container_host_ip(),
        smtp_port=mailpit.get_exposed_smtp_port(),
        maildir=None,
    )


def stop_testcontainers() -> None:
    """Stop the containers that `start_with_testcontainers` started."""
    while _started:
        _started.pop().stop()
