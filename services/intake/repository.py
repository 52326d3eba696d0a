"""Intake's database: applications (with their outbox), subjects, the timeline.

A subject claim `{_id: "<service>:<subject key>"}` marks that an application
for that document and person exists. It is an insert against the unique
`_id`, which FerretDB performs atomically (its updates are not), so of two
identical submissions at the same moment exactly one gets the claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
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

    async def queue(
        self,
        statuses: Sequence[str],
        limit: int,
        *,
        service_code: str | None = None,
        village_code: str | None = None,
        assignee: str | None = None,
    ) -> list[Document]:
        """Return applications in `statuses`, oldest first, matching the filters."""
        query: Document = {"intake_status": {"$in": list(statuses)}}
        if service_code is not None:
            query["service_code"] = service_code
        if village_code is not None:
            query["village_code"] = village_code
        if assignee is not None:
            query["assignee.username"] = assignee
        cursor = (
            self.applications.collection.find(query, {"outbox": 0})
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

    async def newest_of(
        self, application_ids: Sequence[str], limit: int
    ) -> list[Document]:
        """Return the applications among `application_ids`, newest first."""
        cursor = (
            self.applications.collection.find(
                {"_id": {"$in": list(application_ids)}}, {"outbox": 0, "form": 0}
            )
            .sort("submitted_at", DESCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]

    async def latest_timeline_entry(self, application_id: str) -> Document | None:
        return await self.timeline.find_one(
            {"application_id": application_id}, sort=[("time", DESCENDING)]
        )

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


class ResidentRepository:
    """Resident accounts and their pending sign-in requests.

    A sign-in request carries its one-time code's hash and an outbox, so the
    event that makes notify send the code is written with the request. A
    confirmed request gets a use marker: an insert against a unique `_id`,
    atomic on FerretDB too, so a code opens at most one session.
    """

    def __init__(self, db: Database) -> None:
        self.sign_in_requests = VersionedCollection(db["sign_in_requests"])
        self.residents: Collection = db["residents"]
        self.sign_in_uses: Collection = db["sign_in_uses"]

    async def create_indexes(self) -> None:
        requests = self.sign_in_requests.collection
        await requests.create_index([("created_at", ASCENDING)])

    async def resident(self, nik: str) -> Document | None:
        return await self.residents.find_one({"_id": nik})

    async def insert_resident(self, resident: Document) -> bool:
        """Insert a resident account; False when the NIK has one already."""
        try:
            await self.residents.insert_one(resident)
        except DuplicateKeyError:
            return False
        return True

    async def sign_in_request(self, request_id: str) -> Document | None:
        return await self.sign_in_requests.collection.find_one(
            {"_id": request_id}, {"outbox": 0}
        )

    async def mark_used(self, request_id: str, at: datetime) -> bool:
        """Record that a request's code opened a session; False if it did already."""
        try:
            await self.sign_in_uses.insert_one({"_id": request_id, "at": at})
        except DuplicateKeyError:
            return False
        return True

    async def is_used(self, request_id: str) -> bool:
        return await self.sign_in_uses.find_one({"_id": request_id}) is not None

    async def delete_requests_before(self, moment: datetime) -> int:
        """Delete old requests whose events have been published."""
        result = await self.sign_in_requests.collection.delete_many(
            {"created_at": {"$lt": moment}, "outbox": []}
        )
        await self.sign_in_uses.delete_many({"at": {"$lt": moment}})
        return result.deleted_count
