"""Short-lived per-item locks built on unique inserts.

FerretDB v1 (the MongoDB-protocol server the local stack runs) applies an
update as a separate read and write, so two concurrent compare-and-set
updates of one document can both succeed and one is lost. An insert against
a unique index is atomic there as on MongoDB. A lock is therefore a document
whose `_id` is the item's key, and the process that inserted it holds the
lock until it deletes the document.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import structlog
from pymongo.errors import DuplicateKeyError

from shared.database import Collection
from shared.errors import ConflictError

log = structlog.get_logger()

LEASE = timedelta(seconds=30)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02


class ItemLocks:
    """Mutual exclusion per item key, across processes sharing one database."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock of `key` for the body; ConflictError if it stays taken."""
        token = uuid.uuid4().hex
        await self._acquire(key, token)
        try:
            yield
        finally:
            await self._collection.delete_one({"_id": key, "token": token})

    async def _acquire(self, key: str, token: str) -> None:
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while True:
            now = datetime.now(UTC)
            try:
                await self._collection.insert_one(
                    {"_id": key, "token": token, "expires_at": now + LEASE}
                )
            except DuplicateKeyError:
                await self._break_if_expired(key, now)
            else:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise ConflictError(
                    f"{key} is being changed by another request; try again in a moment"
                )
            await asyncio.sleep(POLL_SECONDS)

    async def _break_if_expired(self, key: str, now: datetime) -> None:
        # A holder that crashed leaves its lock behind until the lease runs out.
        # NOTE: on FerretDB v1 this delete is itself a read then a write, so two
        # waiters breaking the same expired lock at once may both get in. That
        # needs a crash plus a tight race, and MongoDB does not have the gap.
        stale = await self._collection.find_one({"_id": key})
        if stale is not None and stale["expires_at"] < now:
            await self._collection.delete_one({"_id": key, "token": stale["token"]})
            log.warning("lock.expired_broken", key=key)
