"""Notify's database: recipients per application and the notifications sent."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from shared.database import Collection, Database, Document
from shared.events import Envelope
from shared.outbox import VersionedCollection


class NotificationRepository:
    def __init__(self, db: Database) -> None:
        self.recipients: Collection = db["recipients"]
        self.notifications = VersionedCollection(db["notifications"])
        self.parked: Collection = db["parked_events"]

    async def create_indexes(self) -> None:
        await self.notifications.collection.create_index(
            [("application_id", ASCENDING), ("created_at", ASCENDING)]
        )
        await self.recipients.create_index("tracking_code", unique=True)
        await self.parked.create_index([("application_id", ASCENDING)])

    async def remember_recipient(
        self, application_id: str, recipient: Document
    ) -> None:
        """Store an application's contact once; later events look it up."""
        try:
            await self.recipients.insert_one({"_id": application_id, **recipient})
        except DuplicateKeyError:
            return

    async def park(self, event: Envelope) -> None:
        """Keep an event whose application has no known contact yet."""
        try:
            await self.parked.insert_one(
                {
                    "_id": event.id,
                    "application_id": event.subject,
                    "event": event.model_dump(mode="json"),
                }
            )
        except DuplicateKeyError:
            return

    async def parked_for(self, application_id: str) -> list[Envelope]:
        cursor = self.parked.find({"application_id": application_id})
        return [Envelope.model_validate(d["event"]) async for d in cursor]

    async def unpark(self, event_id: str) -> None:
        await self.parked.delete_one({"_id": event_id})

    async def recipient(self, application_id: str) -> Document | None:
        return await self.recipients.find_one({"_id": application_id})

    async def recipient_by_tracking_code(self, tracking_code: str) -> Document | None:
        return await self.recipients.find_one({"tracking_code": tracking_code})

    async def get(self, notification_id: str) -> Document | None:
        return await self.notifications.collection.find_one({"_id": notification_id})

    async def of_application(self, application_id: str) -> list[Document]:
        cursor = self.notifications.collection.find(
            {"application_id": application_id}
        ).sort("created_at", ASCENDING)
        return [document async for document in cursor]
