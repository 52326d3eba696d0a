"""Intake's database: applications (with their outbox), subjects, the timeline.

A subject claim `{_id: "<service>:<subject key>"}` marks that an application
for that document and person exists. It is an insert against the unique
`_id`, which FerretDB performs atomically (its updates are not), so of two
identical submissions at the same moment exactly one gets the claim.
"""

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
        self.subjects: Collection = db["subjects"]

    async def create_indexes(self) -> None:
        applications = self.applications.collection
        await applications.create_index("tracking_code", unique=True)
        await applications.create_index([("intake_status", ASCENDING)])
        await self.timeline.create_index(
            [("application_id", ASCENDING), ("time", ASCENDING)]
        )
        await self.subjects.create_index("application_id")

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

    async def claim_subject(self, claim: Document) -> bool:
        """Insert a subject claim; False when the subject is already claimed."""
        try:
            await self.subjects.insert_one(claim)
        except DuplicateKeyError:
            return False
        return True

    async def subject_claim(self, subject: str) -> Document | None:
        return await self.subjects.find_one({"_id": subject})

    async def set_claim_tracking_code(
        self, subject: str, application_id: str, tracking_code: str
    ) -> None:
        await self.subjects.update_one(
            {"_id": subject, "application_id": application_id},
            {"$set": {"tracking_code": tracking_code}},
        )

    async def release_subject(self, subject: str, application_id: str) -> bool:
        """Delete a claim if it still belongs to the application; True if deleted."""
        result = await self.subjects.delete_one(
            {"_id": subject, "application_id": application_id}
        )
        return result.deleted_count == 1

    async def release_subjects_of(
        self, application_id: str, *, reusable_only: bool = False
    ) -> int:
        """Delete the application's claims, or only its reusable ones."""
        query: Document = {"application_id": application_id}
        if reusable_only:
            query["reusable_after_completion"] = True
        result = await self.subjects.delete_many(query)
        return result.deleted_count
