"""Intake's database: applications (with their outbox) and the timeline."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from shared.database import Collection, Database, Document
from shared.outbox import VersionedCollection


class ApplicationRepository:
    def __init__(self, db: Database) -> None:
        self.applications = VersionedCollection(db["applications"])
        self.timeline: Collection = db["timeline"]

    async def create_indexes(self) -> None:
        applications = self.applications.collection
        await applications.create_index("tracking_code", unique=True)
        await applications.create_index([("intake_status", ASCENDING)])
        await self.timeline.create_index(
            [("application_id", ASCENDING), ("time", ASCENDING)]
        )

    async def get(self, application_id: str) -> Document | None:
        return await self.applications.collection.find_one({"_id": application_id})

    async def get_by_tracking_code(self, tracking_code: str) -> Document | None:
        return await self.applications.collection.find_one(
            {"tracking_code": tracking_code}
        )

    async def queue(self, statuses: Sequence[str], limit: int) -> list[Document]:
        cursor = (
            self.applications.collection.find(
                {"intake_status": {"$in": list(statuses)}}
            )
            .sort("submitted_at", ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]

    async def record_timeline(self, entry: Document) -> bool:
        """Store one timeline entry keyed by its event id; False when already there."""
        try:
            await self.timeline.insert_one(entry)
        except DuplicateKeyError:
            return False
        return True

    async def timeline_of(self, application_id: str) -> list[Document]:
        cursor = self.timeline.find({"application_id": application_id}).sort(
            "time", ASCENDING
        )
        return [document async for document in cursor]
