"""claim_serial against the real MongoDB-protocol server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from pymongo import ASCENDING

from shared.database import Collection, Database, Document, connect
from shared.devstack import Endpoints
from shared.sequences import claim_serial

pytestmark = pytest.mark.integration

CLAIMS = 30


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def database(endpoints: Endpoints) -> AsyncIterator[Database]:
    client = connect(endpoints.mongodb_url)
    name = f"dompak_test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest_asyncio.fixture(loop_scope="session")
async def numbers(database: Database) -> Collection:
    """Create a register-number collection with the indexes claim_serial needs."""
    collection = database[f"numbers_{uuid.uuid4().hex[:8]}"]
    await collection.create_index(
        [("deed_code", ASCENDING), ("year", ASCENDING), ("serial", ASCENDING)],
        unique=True,
    )
    await collection.create_index("application_id", unique=True)
    return collection


async def claim(collection: Collection, application_id: str, year: int) -> Document:
    scope: dict[str, Any] = {"deed_code": "LT", "year": year}

    def build(serial: int) -> Document:
        return {**scope, "application_id": application_id, "serial": serial}

    return await claim_serial(
        collection, scope=scope, owner={"application_id": application_id}, build=build
    )


async def test_claim_serial_concurrent_owners_get_one_to_thirty(
    numbers: Collection,
) -> None:
    owners = [f"app-{index:04d}" for index in range(CLAIMS)]

    claimed = await asyncio.gather(*(claim(numbers, owner, 2026) for owner in owners))

    assert sorted(document["serial"] for document in claimed) == list(
        range(1, CLAIMS + 1)
    )
    assert [document["application_id"] for document in claimed] == owners
    assert await numbers.count_documents({}) == CLAIMS


async def test_claim_serial_same_owner_twice_gets_same_document(
    numbers: Collection,
) -> None:
    first = await claim(numbers, "app-0001", 2026)

    again = await claim(numbers, "app-0001", 2026)

    assert again["serial"] == first["serial"] == 1
    assert again["_id"] == first["_id"]
    assert await numbers.count_documents({}) == 1


async def test_claim_serial_same_owner_concurrently_gets_one_document(
    numbers: Collection,
) -> None:
    others = [claim(numbers, f"app-other-{index}", 2026) for index in range(5)]
    repeats = [claim(numbers, "app-0001", 2026) for _ in range(10)]

    claimed = await asyncio.gather(*repeats, *others)

    repeated = claimed[: len(repeats)]
    assert len({document["serial"] for document in repeated}) == 1
    assert len({document["_id"] for document in repeated}) == 1
    assert await numbers.count_documents({"application_id": "app-0001"}) == 1
    serials = {document["serial"] for document in claimed}
    assert sorted(serials) == [1, 2, 3, 4, 5, 6]
    assert await numbers.count_documents({}) == 6


async def test_claim_serial_scopes_count_separately(numbers: Collection) -> None:
    claims = [claim(numbers, f"app-2025-{index}", 2025) for index in range(4)]
    claims += [claim(numbers, f"app-2026-{index}", 2026) for index in range(6)]

    claimed = await asyncio.gather(*claims)

    serials_2025 = sorted(d["serial"] for d in claimed if d["year"] == 2025)
    serials_2026 = sorted(d["serial"] for d in claimed if d["year"] == 2026)
    assert serials_2025 == [1, 2, 3, 4]
    assert serials_2026 == [1, 2, 3, 4, 5, 6]
