"""Signing's database: approvals, which are also the records of issued
documents, and the register numbers reserved for them."""

from __future__ import annotations

from collections.abc import Callable

from pymongo import ASCENDING

from shared.database import Collection, Database, Document
from shared.outbox import VersionedCollection
from shared.sequences import claim_serial


class ApprovalRepository:
    def __init__(self, db: Database) -> None:
        self.approvals = VersionedCollection(db["approvals"])
        self.numbers: Collection = db["document_numbers"]

    async def create_indexes(self) -> None:
        approvals = self.approvals.collection
        await approvals.create_index("document_id", unique=True)
        await approvals.create_index(
            [("status", ASCENDING), ("received_at", ASCENDING)]
        )
        await approvals.create_index("sha256")
        await self.numbers.create_index(
            [("scope", ASCENDING), ("year", ASCENDING), ("serial", ASCENDING)],
            unique=True,
        )
        await self.numbers.create_index("application_id", unique=True)

    async def get(self, application_id: str) -> Document | None:
        return await self.approvals.collection.find_one({"_id": application_id})

    async def by_document_id(self, document_id: str) -> Document | None:
        return await self.approvals.collection.find_one({"document_id": document_id})

    async def by_sha256(self, sha256: str) -> Document | None:
        return await self.approvals.collection.find_one({"sha256": sha256})

    async def queue(
        self, status: str, limit: int, *, service_codes: list[str] | None = None
    ) -> list[Document]:
        """Return approvals in `status`, oldest first, of `service_codes` if given."""
        query: Document = {"status": status}
        if service_codes is not None:
            query["service_code"] = {"$in": service_codes}
        cursor = (
            self.approvals.collection.find(query)
            .sort("received_at", ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]

    async def reserve_number(
        self,
        application_id: str,
        *,
        scope: str,
        year: int,
        build: Callable[[int], Document],
    ) -> Document:
        """Return the application's document number, claiming the next one if none.

        Serials are sequential per numbering scope (deed letters, family card,
        moving letter) and year, and unique even under concurrent approvals.
        A repeated approval gets the number the application already has.
        """
        return await claim_serial(
            self.numbers,
            scope={"scope": scope, "year": year},
            owner={"application_id": application_id},
            build=build,
        )

    async def reservation_of(self, application_id: str) -> Document | None:
        return await self.numbers.find_one({"application_id": application_id})

    async def release_number(self, reservation: Document) -> bool:
        """Give back an unused number; True when the next claim will reuse it.

        Only the last serial of its scope and year can be given back without
        leaving a gap; any other stays recorded as void.
        """
        last = await self.numbers.find_one(
            {"scope": reservation["scope"], "year": reservation["year"]},
            sort=[("serial", -1)],
        )
        if last is not None and last["_id"] == reservation["_id"]:
            await self.numbers.delete_one({"_id": reservation["_id"]})
            return True
        await self.numbers.update_one(
            {"_id": reservation["_id"]},
            {
                "$set": {
                    "status": "void",
                    "application_id": f"void:{reservation['_id']}",
                }
            },
        )
        return False
