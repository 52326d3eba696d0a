"""Fixtures that give tests real servers.

The servers come, in order, from DOMPAK_* variables, from testcontainers when
a Docker engine responds, or from the native launcher. Tests that take the
`endpoints` fixture are integration tests; the rest need no server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from shared.auth import IDENTITY_DATABASE, IdentityStore
from shared.database import connect
from shared.devstack import DevStack, Endpoints, endpoints_from_environment
from shared.devstack.containers import start_with_testcontainers, stop_testcontainers
from shared.storage import ObjectStore

# Ports 24000-24999 keep the test servers apart from `make run` (19000-19999).
TEST_BASE_PORT = int(os.environ.get("DOMPAK_TEST_BASE_PORT", "24000"))


@pytest.fixture(scope="session")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    """Real Kafka, MongoDB-protocol, S3 and SMTP servers for the whole session."""
    configured = endpoints_from_environment()
    if configured is not None:
        yield configured
        return
    containers = start_with_testcontainers()
    if containers is not None:
        try:
            yield containers
        finally:
            stop_testcontainers()
        return
    stack = DevStack(tmp_path_factory.mktemp("stack"), base_port=TEST_BASE_PORT)
    started = stack.start()
    try:
        yield started
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory for service state (faust data, PKI) shared by the session."""
    return tmp_path_factory.mktemp("state")


def settings_values(endpoints: Endpoints, state_dir: Path) -> dict[str, object]:
    """Connection settings every service settings class accepts."""
    return {
        "kafka_bootstrap": endpoints.kafka_bootstrap,
        "mongodb_url": endpoints.mongodb_url,
        "s3_endpoint": endpoints.s3_endpoint,
        "s3_access_key": endpoints.s3_access_key,
        "s3_secret_key": endpoints.s3_secret_key,
        "state_dir": state_dir,
        "topic_partitions": 3,
        "outbox_poll_seconds": 0.2,
        "consumer_retry_base_seconds": 0.05,
    }


@pytest_asyncio.fixture(loop_scope="session")
async def scratch_bucket(endpoints: Endpoints) -> AsyncIterator[ObjectStore]:
    """An empty bucket of its own for one test."""
    store = ObjectStore(
        endpoint=endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        bucket=f"test-{uuid.uuid4().hex[:12]}",
    )
    await store.ensure_bucket()
    yield store


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def identity(endpoints: Endpoints) -> AsyncIterator[IdentityStore]:
    """The identity store (accounts, sessions, grants) on the real server."""
    client = connect(endpoints.mongodb_url)
    store = IdentityStore(client[IDENTITY_DATABASE])
    await store.create_indexes()
    yield store
    await client.close()
