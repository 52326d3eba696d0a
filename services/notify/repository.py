"""Notify's database: recipients, notifications, conversations, sign-in codes."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from shared.database import Collection, Database, Document
from shared.events import Envelope
from shared.outbox import VersionedCollection


class NotificationRepository:
    def __init__(self, db: Database) -> None:
        self.recipients: Collection = db["recipients"]
        self.notifications = VersionedCollection(db["notifications"])
        self.parked: Collection = db["parked_events"]
        # One document per application, containing its chat messages, the
        # summary the staff list sorts on, the assignee and the chat outbox.
        # NOTE: MongoDB caps a document at 16 MB, which by estimate fits 4,000
        # to 16,000 messages of the maximum length, depending on the script.
        self.conversations = VersionedCollection(db["conversations"])
        # One document per sign-in code event. The code itself is not stored.
        self.code_deliveries: Collection = db["sign_in_code_deliveries"]

    async def create_indexes(self) -> None:
        await self.notifications.collection.create_index(
            [("application_id", ASCENDING), ("created_at", ASCENDING)]
        )
        await self.recipients.create_index("tracking_code", unique=True)
        await self.parked.create_index([("application_id", ASCENDING)])
        await self.conversations.collection.create_index(
            [("unanswered", DESCENDING), ("last_message_at", DESCENDING)]
        )

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

    async def conversation(self, application_id: str) -> Document | None:
        return await self.conversations.collection.find_one({"_id": application_id})

    async def open_conversation(self, document: Document) -> None:
        """Insert an empty conversation unless one exists already."""
        await self.conversations.insert(document, [])

    async def list_conversations(self, query: dict[str, Any]) -> list[Document]:
        """Conversations with messages matching `query`, unanswered first.

        NOTE: at most 200 are returned, so use the filters on a longer list.
        """
        cursor = self.conversations.collection.find(
            {**query, "message_count": {"$gt": 0}}, {"messages": 0, "outbox": 0}
        ).sort([("unanswered", DESCENDING), ("last_message_at", DESCENDING)])
        return [document async for document in cursor.limit(200)]

    async def code_delivery(self, event_id: str) -> Document | None:
        return await self.code_deliveries.find_one({"_id": event_id})

    async def record_code_delivery(self, document: Document) -> bool:
        """Insert a delivery record, or return False when the event was seen before."""
        try:
            await self.code_deliveries.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def mark_code_delivery(self, event_id: str, state: str) -> None:
        await self.code_deliveries.update_one(
            {"_id": event_id}, {"$set": {"state": state}}
        )
