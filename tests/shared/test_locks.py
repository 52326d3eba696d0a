"""ItemLocks against the real MongoDB-protocol server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from shared import locks
from shared.database import Collection, connect
from shared.devstack import Endpoints
from shared.errors import ConflictError
from shared.locks import ItemLocks

pytestmark = pytest.mark.integration

# Long enough that a waiter which ignored the lock would have got in by then.
BLOCKED_SECONDS = 0.5


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def lock_collection(endpoints: Endpoints) -> AsyncIterator[Collection]:
    client = connect(endpoints.mongodb_url)
    name = f"dompak_test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]["locks"]
    finally:
        await client.drop_database(name)
        await client.close()


def unique_key() -> str:
    return f"applications:app-{uuid.uuid4().hex[:12]}"


async def test_lock_excludes_second_holder_until_released(
    lock_collection: Collection,
) -> None:
    item_locks = ItemLocks(lock_collection)
    key = unique_key()
    second_entered = asyncio.Event()

    async def second_holder() -> None:
        async with item_locks.hold(key):
            second_entered.set()

    async with item_locks.hold(key):
        waiter = asyncio.create_task(second_holder())
        await asyncio.sleep(BLOCKED_SECONDS)
        assert not second_entered.is_set()
    await asyncio.wait_for(waiter, timeout=5)

    assert second_entered.is_set()
    assert await lock_collection.find_one({"_id": key}) is None


async def test_lock_keys_do_not_exclude_each_other(
    lock_collection: Collection,
) -> None:
    item_locks = ItemLocks(lock_collection)
    first, second = unique_key(), unique_key()

    async with item_locks.hold(first), asyncio.timeout(1), item_locks.hold(second):
        assert await lock_collection.find_one({"_id": first}) is not None
        assert await lock_collection.find_one({"_id": second}) is not None


async def test_lock_released_when_body_raises(lock_collection: Collection) -> None:
    item_locks = ItemLocks(lock_collection)
    key = unique_key()

    with pytest.raises(RuntimeError, match="body failed"):
        async with item_locks.hold(key):
            raise RuntimeError("body failed")

    assert await lock_collection.find_one({"_id": key}) is None


async def test_lock_expired_lease_is_broken(
    lock_collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "LEASE", timedelta(milliseconds=300))
    item_locks = ItemLocks(lock_collection)
    key = unique_key()
    # The first holder takes the lock and, as if its process died, never releases it.
    crashed = item_locks.hold(key)
    await crashed.__aenter__()
    crashed_token = (await lock_collection.find_one({"_id": key}) or {})["token"]

    async with item_locks.hold(key):
        holder = await lock_collection.find_one({"_id": key})
        assert holder is not None
        assert holder["token"] != crashed_token
        # The crashed holder's late release must not free the new holder's lock.
        await crashed.__aexit__(None, None, None)
        assert await lock_collection.find_one({"_id": key}) == holder

    assert await lock_collection.find_one({"_id": key}) is None


async def test_lock_live_lease_is_not_broken(
    lock_collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "WAIT_SECONDS", 0.5)
    item_locks = ItemLocks(lock_collection)
    key = unique_key()

    async with item_locks.hold(key):
        with pytest.raises(ConflictError):
            async with item_locks.hold(key):
                pass
        assert await lock_collection.find_one({"_id": key}) is not None


async def test_lock_wait_past_limit_raises_conflict(
    lock_collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "WAIT_SECONDS", 0.3)
    item_locks = ItemLocks(lock_collection)
    key = unique_key()
    loop = asyncio.get_running_loop()

    async with item_locks.hold(key):
        started = loop.time()
        with pytest.raises(ConflictError, match=key) as raised:
            async with item_locks.hold(key):
                pass
        waited = loop.time() - started

    assert raised.value.status_code == 409
    assert waited >= 0.3
    assert waited < 3
