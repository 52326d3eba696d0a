"""EventConsumer and its faust agent against the real Kafka broker."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from shared.broker import EventPublisher, provision_topics
from shared.consumer import EventConsumer, Handler, PermanentError, create_faust_app
from shared.devstack import Endpoints
from shared.events import (
    ApplicationReturned,
    Envelope,
    EventType,
    Topic,
    new_event,
)
from tests.support import consumer_lag, eventually

pytestmark = pytest.mark.integration

SOURCE_TOPIC = "dompak.verification.events"
MAX_ATTEMPTS = 3
# Four commit intervals of the faust app (broker_commit_interval=0.5 s), so an
# offset committed before the handler finished would show in the lag.
HELD_SECONDS = 2.0


class FlakyHandler:
    """A handler that fails a set number of times, then records what it applies."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ConnectionError("database connection reset")
        self.calls = 0
        self.applied: list[str] = []

    async def __call__(self, envelope: Envelope) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        self.applied.append(envelope.id)


@pytest.fixture(scope="module")
def publisher(endpoints: Endpoints) -> Iterator[EventPublisher]:
    provision_topics(endpoints.kafka_bootstrap, partitions=3)
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-consumer")
    try:
        yield publisher
    finally:
        publisher.close()


def unique_service() -> str:
    """Return a consumer name no other test uses, to tell its dead letters apart."""
    return f"test-{uuid.uuid4().hex[:12]}"


def returned_event(application_id: str, event_type: str | None = None) -> Envelope:
    payload = ApplicationReturned(
        stage="verification", reason="the birth date is unreadable", actor="op.2"
    )
    event = new_event(
        source="dompak/test",
        event_type=EventType.APPLICATION_RETURNED,
        application_id=application_id,
        payload=payload,
    )
    if event_type is None:
        return event
    return event.model_copy(update={"type": event_type})


def consumer_for(
    service: str, handler: Handler, publisher: EventPublisher
) -> EventConsumer:
    return EventConsumer(
        service,
        {EventType.APPLICATION_RETURNED: handler},
        publisher,
        max_attempts=MAX_ATTEMPTS,
        retry_base_seconds=0.01,
    )


def dead_letters(bootstrap: str, service: str) -> list[tuple[bytes, dict[str, Any]]]:
    """Return (key, record) of each dead letter that consumer `service` sent."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(Topic.DEAD_LETTER, p)
            for p in consumer.partitions_for_topic(Topic.DEAD_LETTER)
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        found: list[tuple[bytes, dict[str, Any]]] = []
        while any(consumer.position(p) < ends[p] for p in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                found.extend((r.key, json.loads(r.value)) for r in batch)
    finally:
        consumer.close()
    return [(key, record) for key, record in found if record["consumer"] == service]


async def test_consumer_retries_then_applies_once(
    publisher: EventPublisher, endpoints: Endpoints
) -> None:
    service = unique_service()
    handler = FlakyHandler(failures=2)
    event = returned_event("app-retry-0001")

    await consumer_for(service, handler, publisher).handle(
        SOURCE_TOPIC, 1, 41, event.model_dump_json().encode()
    )

    assert handler.calls == 3
    assert handler.applied == [event.id]
    assert dead_letters(endpoints.kafka_bootstrap, service) == []


async def test_consumer_dead_letters_after_last_attempt(
    publisher: EventPublisher, endpoints: Endpoints
) -> None:
    service = unique_service()
    handler = FlakyHandler(failures=MAX_ATTEMPTS + 1)
    event = returned_event("app-failing-0001")
    raw = event.model_dump_json().encode()

    await consumer_for(service, handler, publisher).handle(SOURCE_TOPIC, 2, 42, raw)

    assert handler.calls == MAX_ATTEMPTS
    assert handler.applied == []
    letters = dead_letters(endpoints.kafka_bootstrap, service)
    assert len(letters) == 1
    key, record = letters[0]
    assert key == b"app-failing-0001"
    assert record["topic"] == SOURCE_TOPIC
    assert record["partition"] == 2
    assert record["offset"] == 42
    assert "database connection reset" in record["error"]
    assert "ConnectionError" in record["error"]
    assert record["event"] == raw.decode()
    assert Envelope.model_validate_json(record["event"]).id == event.id
    assert record["failed_at"]


async def test_consumer_permanent_error_skips_retries(
    publisher: EventPublisher, endpoints: Endpoints
) -> None:
    service = unique_service()
    error = PermanentError("application app-permanent-0001 is already rejected")
    handler = FlakyHandler(failures=MAX_ATTEMPTS + 1, error=error)
    event = returned_event("app-permanent-0001")

    await consumer_for(service, handler, publisher).handle(
        SOURCE_TOPIC, 0, 7, event.model_dump_json().encode()
    )

    assert handler.calls == 1
    letters = dead_letters(endpoints.kafka_bootstrap, service)
    assert len(letters) == 1
    key, record = letters[0]
    assert key == b"app-permanent-0001"
    assert record["error"] == "application app-permanent-0001 is already rejected"
    assert Envelope.model_validate_json(record["event"]).id == event.id


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe not json", b'{"id": "no envelope"}', b""],
    ids=["binary", "not-envelope", "empty"],
)
async def test_consumer_dead_letters_unreadable_bytes(
    raw: bytes, publisher: EventPublisher, endpoints: Endpoints
) -> None:
    service = unique_service()
    handler = FlakyHandler(failures=0)

    await consumer_for(service, handler, publisher).handle(SOURCE_TOPIC, 1, 9, raw)

    assert handler.calls == 0
    letters = dead_letters(endpoints.kafka_bootstrap, service)
    assert len(letters) == 1
    key, record = letters[0]
    assert key == f"{SOURCE_TOPIC}:1:9".encode()
    assert record["offset"] == 9
    assert record["event"] == raw.decode("utf-8", errors="replace")
    assert record["error"]


async def test_consumer_ignores_unknown_event_type(
    publisher: EventPublisher, endpoints: Endpoints
) -> None:
    service = unique_service()
    handler = FlakyHandler(failures=0)
    event = returned_event("app-unknown-0001", event_type="application.archived")

    await consumer_for(service, handler, publisher).handle(
        SOURCE_TOPIC, 0, 3, event.model_dump_json().encode()
    )

    assert handler.calls == 0
    assert dead_letters(endpoints.kafka_bootstrap, service) == []


async def test_consumer_agent_commits_after_handler(
    publisher: EventPublisher, endpoints: Endpoints, tmp_path: Path
) -> None:
    bootstrap = endpoints.kafka_bootstrap
    topic = f"test.consumer.{uuid.uuid4().hex[:12]}"
    provision_topics(bootstrap, partitions=3, topics=[topic])
    service = unique_service()
    group = f"dompak-{service}"
    received: list[str] = []
    handler_entered = asyncio.Event()
    release_handler = asyncio.Event()

    async def handler(envelope: Envelope) -> None:
        handler_entered.set()
        await release_handler.wait()
        received.append(envelope.id)

    app = create_faust_app(
        service, kafka_url=f"kafka://{bootstrap}", partitions=3, data_dir=tmp_path
    )
    consumer_for(service, handler, publisher).attach(app, [topic])
    event = returned_event("app-agent-0001")
    await publisher.publish(topic, event)

    async def lag() -> int:
        return await asyncio.to_thread(consumer_lag, bootstrap, group, [topic])

    await app.start()
    try:
        await asyncio.wait_for(handler_entered.wait(), timeout=60)
        await asyncio.sleep(HELD_SECONDS)
        assert await lag() == 1

        release_handler.set()

        async def caught_up() -> bool:
            return await lag() == 0

        await eventually(caught_up, seconds=30, what=f"group {group} commit")
    finally:
        release_handler.set()
        await app.stop()

    assert received == [event.id]
