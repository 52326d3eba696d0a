"""VersionedCollection and OutboxRelay against the real servers."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio
from kafka import KafkaConsumer, TopicPartition

from shared.broker import EventPublisher, provision_topics
from shared.database import Database, Document, connect
from shared.devstack import Endpoints
from shared.errors import ConflictError
from shared.events import ApplicationReturned, Envelope, EventType, new_event
from shared.outbox import OutboxRelay, VersionedCollection
from tests.support import eventually

pytestmark = pytest.mark.integration

CONCURRENT_WRITERS = 10
# One round alone does not always interleave the writes, so the race is repeated.
RACE_ROUNDS = 10
WRITES = 20


class RelayCrashedError(RuntimeError):
    """The failure a test raises where the relay process would die."""


class CrashBeforeRemoval(VersionedCollection):
    """A collection whose relay dies after publishing, before removing."""

    async def remove_sent(self, item_id: Any, sent: set[str]) -> None:
        raise RelayCrashedError(f"relay stopped before removing {sorted(sent)}")


class AppendWhilePublishing(EventPublisher):
    """A publisher that lets a staff action land while the relay is publishing."""

    def __init__(self, bootstrap: str, action: Callable[[], Awaitable[None]]) -> None:
        super().__init__(bootstrap, client_id="test-outbox-append")
        self._action: Callable[[], Awaitable[None]] | None = action

    async def publish(self, topic: str, event: Envelope) -> None:
        await super().publish(topic, event)
        if self._action is not None:
            action, self._action = self._action, None
            await action()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def database(endpoints: Endpoints) -> AsyncIterator[Database]:
    client = connect(endpoints.mongodb_url)
    name = f"dompak_test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture(scope="module")
def publisher(endpoints: Endpoints) -> Iterator[EventPublisher]:
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-outbox")
    try:
        yield publisher
    finally:
        publisher.close()


@pytest.fixture
def items(database: Database) -> VersionedCollection:
    """A collection of its own for one test, so relays see only its items."""
    return VersionedCollection(database[f"items_{uuid.uuid4().hex[:8]}"])


@pytest.fixture
def topic(endpoints: Endpoints) -> str:
    name = f"test.outbox.{uuid.uuid4().hex[:12]}"
    provision_topics(endpoints.kafka_bootstrap, partitions=3, topics=[name])
    return name


def returned_event(application_id: str, reason: str) -> Envelope:
    payload = ApplicationReturned(stage="verification", reason=reason, actor="op.2")
    return new_event(
        source="dompak/test",
        event_type=EventType.APPLICATION_RETURNED,
        application_id=application_id,
        payload=payload,
    )


def new_item(reasons: list[str]) -> tuple[Document, list[Envelope]]:
    application_id = f"app-{uuid.uuid4().hex[:12]}"
    document = {"_id": application_id, "status": "submitted"}
    return document, [returned_event(application_id, r) for r in reasons]


def topic_events(bootstrap: str, topic: str) -> list[Envelope]:
    """Return every event in `topic`, ordered by partition, then offset."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        records = []
        while any(consumer.position(p) < ends[p] for p in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend(batch)
    finally:
        consumer.close()
    records.sort(key=lambda record: (record.partition, record.offset))
    return [Envelope.model_validate_json(record.value) for record in records]


async def stored(items: VersionedCollection, item_id: str) -> Document:
    document = await items.collection.find_one({"_id": item_id})
    assert document is not None, f"item {item_id} is missing from the collection"
    return document


async def pending_ids(items: VersionedCollection, item_id: str) -> list[str]:
    """Return the ids of the events still waiting in the item's outbox."""
    document = await stored(items, item_id)
    return [raw["id"] for raw in document["outbox"]]


async def wait_until_drained(items: VersionedCollection, item_id: str) -> None:
    async def drained() -> bool:
        return await pending_ids(items, item_id) == []

    await eventually(drained, seconds=15, what=f"outbox of {item_id} drained")


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    task = asyncio.create_task(relay.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def no_relay_to_wake() -> None:
    """Skip waking a relay, because none runs during these writes."""


async def test_outbox_relay_publishes_pending_in_order(
    items: VersionedCollection,
    publisher: EventPublisher,
    topic: str,
    endpoints: Endpoints,
) -> None:
    document, events = new_item(["first", "second", "third"])
    assert await items.insert(document, events)
    relay = OutboxRelay([items], publisher, topic, poll_seconds=0.05)

    async with running(relay):
        await wait_until_drained(items, document["_id"])

    published = topic_events(endpoints.kafka_bootstrap, topic)
    assert [event.id for event in published] == [event.id for event in events]
    assert [event.data["reason"] for event in published] == [
        "first",
        "second",
        "third",
    ]
    assert (await stored(items, document["_id"]))["version"] == 1


async def test_outbox_insert_existing_id_returns_false(
    items: VersionedCollection,
) -> None:
    document, events = new_item(["first"])
    assert await items.insert(document, events)

    again = await items.insert({**document, "status": "other"}, [])

    assert again is False
    current = await stored(items, document["_id"])
    assert current["status"] == "submitted"
    assert await pending_ids(items, document["_id"]) == [events[0].id]


async def test_outbox_crash_before_removal_publishes_again(
    items: VersionedCollection,
    publisher: EventPublisher,
    topic: str,
    endpoints: Endpoints,
) -> None:
    document, events = new_item(["first", "second"])
    assert await items.insert(document, events)
    crashing = CrashBeforeRemoval(items.collection)
    relay = OutboxRelay([crashing], publisher, topic, poll_seconds=0.05)

    ids = [event.id for event in events]

    with pytest.raises(RelayCrashedError):
        await relay.drain()
    before_crash = topic_events(endpoints.kafka_bootstrap, topic)
    assert [event.id for event in before_crash] == ids
    assert await pending_ids(items, document["_id"]) == ids

    restarted = OutboxRelay([items], publisher, topic, poll_seconds=0.05)
    assert await restarted.drain() == 2

    published = topic_events(endpoints.kafka_bootstrap, topic)
    assert [event.id for event in published] == ids + ids
    assert await pending_ids(items, document["_id"]) == []
    assert await restarted.drain() == 0


async def test_outbox_apply_stale_version_raises_conflict(
    items: VersionedCollection,
) -> None:
    document, _ = new_item([])
    assert await items.insert(document, [])
    stale = await stored(items, document["_id"])
    writes: list[str] = []
    first = returned_event(document["_id"], "first writer")

    written = await items.apply(
        stale, {"status": "returned"}, [first], on_written=lambda: writes.append("1")
    )
    with pytest.raises(ConflictError, match=document["_id"]):
        await items.apply(
            stale,
            {"status": "verified"},
            [returned_event(document["_id"], "second writer")],
            on_written=lambda: writes.append("2"),
        )

    current = await stored(items, document["_id"])
    assert written["version"] == 2
    assert current["version"] == 2
    assert current["status"] == "returned"
    assert await pending_ids(items, document["_id"]) == [first.id]
    assert writes == ["1"]


async def test_outbox_concurrent_apply_one_wins(items: VersionedCollection) -> None:
    document, _ = new_item([])
    assert await items.insert(document, [])

    for _ in range(RACE_ROUNDS):
        current = await stored(items, document["_id"])
        await race_on_one_version(items, current)


async def race_on_one_version(items: VersionedCollection, current: Document) -> None:
    """Apply changes from writers that all read `current`, and check one wins."""
    events = [
        returned_event(current["_id"], f"writer {index}")
        for index in range(CONCURRENT_WRITERS)
    ]

    results = await asyncio.gather(
        *(
            items.apply(
                current,
                {"status": f"writer {index}"},
                [event],
                on_written=no_relay_to_wake,
            )
            for index, event in enumerate(events)
        ),
        return_exceptions=True,
    )

    winners = [
        index for index, result in enumerate(results) if isinstance(result, dict)
    ]
    conflicts = [result for result in results if isinstance(result, ConflictError)]
    assert len(winners) == 1, results
    assert len(conflicts) == CONCURRENT_WRITERS - 1, results
    final = await stored(items, current["_id"])
    assert final["version"] == current["version"] + 1
    assert final["status"] == f"writer {winners[0]}"
    assert final["outbox"][-1]["id"] == events[winners[0]].id
    assert len(final["outbox"]) == current["version"]


async def test_outbox_relay_keeps_events_appended_meanwhile(
    items: VersionedCollection, topic: str, endpoints: Endpoints
) -> None:
    document, events = new_item(["queued"])
    assert await items.insert(document, events)
    late = returned_event(document["_id"], "appended while publishing")

    async def staff_action() -> None:
        current = await stored(items, document["_id"])
        await items.apply(
            current, {"status": "returned"}, [late], on_written=no_relay_to_wake
        )

    publisher = AppendWhilePublishing(endpoints.kafka_bootstrap, staff_action)
    try:
        relay = OutboxRelay([items], publisher, topic, poll_seconds=0.05)
        assert await relay.drain() == 1
        assert await pending_ids(items, document["_id"]) == [late.id]

        assert await relay.drain() == 1
    finally:
        publisher.close()

    published = topic_events(endpoints.kafka_bootstrap, topic)
    assert [event.id for event in published] == [events[0].id, late.id]
    final = await stored(items, document["_id"])
    assert final["outbox"] == []
    assert final["status"] == "returned"
    assert final["version"] == 2


async def test_outbox_relay_publishes_concurrent_writes(
    items: VersionedCollection,
    publisher: EventPublisher,
    topic: str,
    endpoints: Endpoints,
) -> None:
    document, first = new_item(["submitted"])
    assert await items.insert(document, first)
    relay = OutboxRelay([items], publisher, topic, poll_seconds=0.01)
    written = list(first)

    async def write_one(index: int) -> None:
        event = returned_event(document["_id"], f"change {index}")
        while True:
            current = await stored(items, document["_id"])
            try:
                await items.apply(
                    current, {"step": index}, [event], on_written=relay.wake
                )
            except ConflictError:
                continue
            written.append(event)
            return

    async with running(relay):
        await asyncio.gather(*(write_one(index) for index in range(WRITES)))
        await wait_until_drained(items, document["_id"])

    published = topic_events(endpoints.kafka_bootstrap, topic)
    assert [event.id for event in published] == [event.id for event in written]
    assert (await stored(items, document["_id"]))["version"] == WRITES + 1
