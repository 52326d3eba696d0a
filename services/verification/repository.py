"""Verification's database: one case per accepted application."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING

from shared.database import Database, Document
from shared.outbox import VersionedCollection


class CaseRepository:
    def __init__(self, db: Database) -> None:
        self.cases = VersionedCollection(db["cases"])

    async def create_indexes(self) -> None:
        await self.cases.collection.create_index(
            [("division", ASCENDING), ("status", ASCENDING), ("received_at", ASCENDING)]
        )

    async def get(self, application_id: str) -> Document | None:
        return await self.cases.collection.find_one({"_id": application_id})

    async def queue(
        self,
        status: str,
        division: str | None,
        *,
        service_code: str | None,
        assignee: str | None,
        limit: int,
    ) -> list[Document]:
        query = _queue_query(status, division, service_code, assignee)
        cursor = (
            self.cases.collection.find(query)
            .sort("received_at", ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]

    async def count(
        self,
        status: str,
        division: str | None,
        *,
        service_code: str | None,
        assignee: str | None,
    ) -> int:
        query = _queue_query(status, division, service_code, assignee)
        return await self.cases.collection.count_documents(query)


def _queue_query(
    status: str, division: str | None, service_code: str | None, assignee: str | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"status": status}
    if division is not None:
        query["division"] = division
    if service_code is not None:
        query["service_code"] = service_code
    if assignee is not None:
        query["assignee.username"] = assignee
    return query
