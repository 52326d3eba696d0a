"""Distribution's database: deliveries and the register book (with receipts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import ASCENDING, DESCENDING

from shared.database import Collection, Database, Document
from shared.outbox import VersionedCollection
from shared.sequences import claim_serial


class DeliveryRepository:
    def __init__(self, db: Database) -> None:
        self.deliveries = VersionedCollection(db["deliveries"])
        self.register_book: Collection = db["register_book"]
        self.dispatch_lists: Collection = db["dispatch_lists"]

    async def create_indexes(self) -> None:
        await self.deliveries.collection.create_index(
            [("status", ASCENDING), ("received_at", ASCENDING)]
        )
        await self.deliveries.collection.create_index("receipt_number")
        await self.deliveries.collection.create_index(
            [("dispatched_to", ASCENDING), ("status", ASCENDING)]
        )
        await self.register_book.create_index("document_id", unique=True)
        await self.register_book.create_index("register_number")
        await self.register_book.create_index("recorded_on")
        await self.register_book.create_index(
            [("year", ASCENDING), ("serial", ASCENDING)], unique=True
        )

    async def get(self, application_id: str) -> Document | None:
        return await self.deliveries.collection.find_one({"_id": application_id})

    async def get_many(self, application_ids: list[str]) -> list[Document]:
        cursor = self.deliveries.collection.find({"_id": {"$in": application_ids}})
        return [document async for document in cursor]

    async def queue(
        self,
        status: str,
        village_code: str | None,
        service_code: str | None,
        limit: int,
    ) -> list[Document]:
        query: dict[str, Any] = {"status": status}
        if village_code is not None:
            query["village_code"] = village_code
        if service_code is not None:
            query["service_code"] = service_code
        cursor = (
            self.deliveries.collection.find(query)
            .sort("received_at", ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]

    async def dispatched_to(
        self,
        village_code: str,
        status: str,
        service_code: str | None,
        limit: int,
        *,
        newest_first: bool,
    ) -> list[Document]:
        """Return deliveries dispatched to a village, by time received or updated."""
        query = {"dispatched_to": village_code, "status": status}
        if service_code is not None:
            query["service_code"] = service_code
        order = (
            [("updated_at", DESCENDING)]
            if newest_first
            else [("received_at", ASCENDING)]
        )
        cursor = self.deliveries.collection.find(query).sort(order).limit(limit)
        return [document async for document in cursor]

    async def record_in_register(
        self, document_id: str, *, year: int, build: Callable[[int], Document]
    ) -> Document:
        """Enter a document in the register book with the next receipt serial.

        The entry is keyed by document id, so recording the same document again
        returns the entry (and receipt) it already has. It is not keyed by the
        document's number, because a card's number is its holder's NIK and a
        reissued card repeats it.
        """
        return await claim_serial(
            self.register_book,
            scope={"year": year},
            owner={"_id": document_id},
            build=build,
        )

    async def add_dispatch_list(self, dispatch_list: Document) -> Document:
        await self.dispatch_lists.insert_one(dispatch_list)
        return dispatch_list

    async def get_dispatch_list(self, list_id: str) -> Document | None:
        return await self.dispatch_lists.find_one({"_id": list_id})

    async def find_in_register(
        self, query: dict[str, Any], limit: int
    ) -> list[Document]:
        newest_first = [("recorded_on", DESCENDING), ("serial", DESCENDING)]
        cursor = self.register_book.find(query).sort(newest_first).limit(limit)
        return [document async for document in cursor]
