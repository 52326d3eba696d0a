"""Transactional outbox: events written with the state change, then relayed.

A service appends the events a state change causes to the `outbox` array of
the same document, in the same update that changes the state, and bumps the
document's `version`. The relay publishes pending events in order and then
removes them. A crash between the write and the publish loses nothing. A
crash between the publish and the removal publishes again, and consumers
absorb the repeat because they are idempotent. The relay never bumps
`version`, so it does not make staff actions conflict.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from pymongo.errors import DuplicateKeyError

from shared.broker import EventPublisher
from shared.database import Collection, Document
from shared.errors import ConflictError
from shared.events import Envelope
from shared.locks import ItemLocks

log = structlog.get_logger()

BATCH_SIZE = 100
PENDING: dict[str, Any] = {"outbox": {"$ne": []}}


def outbox_update(
    version: int, events: Sequence[Envelope], changes: dict[str, Any]
) -> dict[str, Any]:
    """Build one update that sets `changes`, bumps `version` and queues `events`.

    Use it with a filter on the version the caller read, so a concurrent
    change makes the update match nothing instead of overwriting it.
    """
    update: dict[str, Any] = {"$set": {**changes, "version": version + 1}}
    if events:
        update["$push"] = {
            "outbox": {"$each": [event.model_dump(mode="json") for event in events]}
        }
    return update


class OutboxRelay:
    """Publishes pending outbox events of some collections to one topic."""

    def __init__(
        self,
        collections: Sequence[VersionedCollection],
        publisher: EventPublisher,
        topic: str,
        *,
        poll_seconds: float,
    ) -> None:
        self._collections = collections
        self._publisher = publisher
        self._topic = topic
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the relay to look for pending events now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Relay until cancelled; failures are logged and retried at the next poll."""
        log.info("outbox.relay_started", topic=self._topic)
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except Exception:
                log.exception("outbox.drain_failed", topic=self._topic)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def drain(self) -> int:
        """Publish every pending event once; return how many were published."""
        published = 0
        for items in self._collections:
            cursor = items.collection.find(PENDING, {"outbox": 1}).limit(BATCH_SIZE)
            async for document in cursor:
                published += await self._flush(items, document)
        return published

    async def _flush(self, items: VersionedCollection, document: Document) -> int:
        sent: set[str] = set()
        for raw in document["outbox"]:
            event = Envelope.model_validate(raw)
            await self._publisher.publish(self._topic, event)
            sent.add(event.id)
            log.info(
                "outbox.event_published",
                topic=self._topic,
                event_id=event.id,
                event_type=event.type,
                application_id=event.subject,
            )
        await items.remove_sent(document["_id"], sent)
        return len(sent)


class VersionedCollection:
    """A collection of work items that carry a `version` and an `outbox`.

    Every write goes through `insert` or `apply`, so a state change and the
    events it causes always land in one document write. Updates run under the
    item's lock (see `shared.locks`), which keeps the version check reliable
    on servers whose updates are not atomic.
    """

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self._locks = ItemLocks(collection.database["locks"])

    def _lock_key(self, item_id: Any) -> str:
        return f"{self.collection.name}:{item_id}"

    async def insert(self, document: Document, events: Sequence[Envelope]) -> bool:
        """Insert a new item with its events; False when its `_id` already exists."""
        document = {
            **document,
            "version": 1,
            "outbox": [event.model_dump(mode="json") for event in events],
        }
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def apply(
        self,
        current: Document,
        changes: dict[str, Any],
        events: Sequence[Envelope],
        *,
        on_written: Callable[[], None],
    ) -> Document:
        """Apply changes and queue events, unless the item changed since `current`.

        Raises ConflictError when another writer changed the item after the
        caller read it. Returns the item as written.
        """
        changes = {**changes, "updated_at": datetime.now(UTC)}
        async with self._locks.hold(self._lock_key(current["_id"])):
            result = await self.collection.update_one(
                {"_id": current["_id"], "version": current["version"]},
                outbox_update(current["version"], events, changes),
            )
        if result.modified_count != 1:
            raise ConflictError(
                f"{current['_id']} was changed by someone else meanwhile; reload it "
                "and try again"
            )
        for event in events:
            log.info(event.type, application_id=event.subject, event_id=event.id)
        on_written()
        return {**current, **changes, "version": current["version"] + 1}

    async def remove_sent(self, item_id: Any, sent: set[str]) -> None:
        """Drop published events, keeping any appended since they were read."""
        async with self._locks.hold(self._lock_key(item_id)):
            current = await self.collection.find_one({"_id": item_id}, {"outbox": 1})
            if current is None:
                return
            remaining = [raw for raw in current["outbox"] if raw["id"] not in sent]
            await self.collection.update_one(
                {"_id": item_id}, {"$set": {"outbox": remaining}}
            )
