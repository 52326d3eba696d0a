"""Kafka clients built on kafka-python: topic provisioning and publishing.

Stage workers consume with faust (see `shared.consumer`). Publishing from
the outbox and provisioning topics use kafka-python. Its producer is
synchronous, so sends run in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import structlog
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from shared.events import STAGE_TOPICS, Envelope, Topic

log = structlog.get_logger()

SEND_TIMEOUT_SECONDS = 30.0


def provision_topics(
    bootstrap: str, *, partitions: int, topics: Iterable[str] | None = None
) -> list[str]:
    """Create the stage and dead-letter topics that do not exist yet.

    Returns the names created. Safe to call from several processes at once:
    a topic another process created in between counts as present.
    """
    default = [*STAGE_TOPICS, Topic.DEAD_LETTER]
    requested = [str(name) for name in (topics if topics is not None else default)]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="dompak-admin")
    try:
        existing = set(admin.list_topics())
        missing = [name for name in requested if name not in existing]
        if not missing:
            return []
        admin.create_topics(
            [NewTopic(name, partitions, 1) for name in missing],
            raise_errors=False,
            wait_for_metadata=True,
        )
        log.info("topics.created", topics=missing, partitions=partitions)
        return missing
    finally:
        admin.close()


class EventPublisher:
    """An idempotent producer (acks=all) keyed by application id."""

    def __init__(self, bootstrap: str, *, client_id: str) -> None:
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
        )

    async def publish(self, topic: str, event: Envelope) -> None:
        """Send one event and wait until the broker has stored it."""
        await self.publish_raw(topic, event.subject, event.model_dump_json())

    async def publish_raw(self, topic: str, key: str, value: str) -> None:
        """Send one record and wait until the broker has stored it."""

        def send() -> None:
            future = self._producer.send(topic, key=key.encode(), value=value.encode())
            future.get(timeout=SEND_TIMEOUT_SECONDS)

        await asyncio.to_thread(send)

    def close(self) -> None:
        """Flush pending sends and close the connection."""
        self._producer.close(timeout=SEND_TIMEOUT_SECONDS)
