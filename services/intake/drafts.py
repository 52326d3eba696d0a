"""Saved drafts of application forms, and photos staged for them.

A draft belongs to one principal and one scope: a service the principal is
applying for (`service:<code>`), or an application whose missing papers they
are sending again (`resubmit:<application id>`). Its id is a digest of owner
and scope, so each principal has at most one draft per scope and the NIK in
the owner never appears in an object key.

Photos arrive through resumable uploads. The client creates an upload with
the total size, then appends chunks at the offset the server reports. After
a dropped connection it requests the offset and continues from there. S3 has
no append, so each chunk is its own object under the upload's prefix, keyed
by its offset. When the last byte arrives the chunks are joined, checked and
re-encoded by the same ImageCleaner rules as a direct submission, and the
clean photo replaces any earlier one for that paper.

Every write to a draft or an upload holds its per-item lock, because
FerretDB v1 applies an update as a separate read and write.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.intake.files import ImageCleaner
from shared.auth import Principal
from shared.database import Database, Document
from shared.errors import (
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceError,
    ValidationFailedError,
)
from shared.locks import ItemLocks
from shared.storage import ObjectStore

log = structlog.get_logger()

# Largest chunk one PATCH may carry; the page's script sends 64 KiB chunks.
MAX_CHUNK_BYTES = 256 * 1024
PREFIX = "drafts"


@dataclass(frozen=True)
class StagedPhoto:
    """A checked photo of one paper, staged in S3 for a draft."""

    requirement: str
    field: str
    filename: str
    data: bytes


def owner_of(principal: Principal) -> str:
    """Return the owner key of a principal's drafts."""
    return f"{principal.kind}:{principal.subject}"


def draft_id(owner: str, scope: str) -> str:
    return hashlib.sha256(f"{owner}\n{scope}".encode()).hexdigest()[:32]


class DraftStore:
    """Drafts, their uploads in progress and their staged photos.

    NOTE: nothing expires yet. A draft that is never sent keeps its staged
    photos in S3 until its owner sends or replaces them.
    """

    def __init__(
        self,
        db: Database,
        store: ObjectStore,
        cleaner: ImageCleaner,
        *,
        max_upload_bytes: int,
    ) -> None:
        self._drafts = db["drafts"]
        self._uploads = db["draft_uploads"]
        self._locks = ItemLocks(db["draft_locks"])
        self._store = store
        self._cleaner = cleaner
        self.max_upload_bytes = max_upload_bytes

    async def create_indexes(self) -> None:
        await self._uploads.create_index([("draft_id", ASCENDING)])

    # Drafts -------------------------------------------------------------

    async def get(self, owner: str, scope: str) -> Document | None:
        return await self._drafts.find_one({"_id": draft_id(owner, scope)})

    async def _ensure(self, owner: str, scope: str, form: Document) -> str:
        """Create the draft unless it exists; return its id."""
        identifier = draft_id(owner, scope)
        now = datetime.now(UTC)
        with contextlib.suppress(DuplicateKeyError):
            await self._drafts.insert_one(
                {
                    "_id": identifier,
                    "owner": owner,
                    "scope": scope,
                    "form": form,
                    "photos": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
        return identifier

    async def save_form(self, owner: str, scope: str, form: Document) -> datetime:
        """Store the form values of a draft; return the time they were saved."""
        identifier = await self._ensure(owner, scope, form)
        now = datetime.now(UTC)
        async with self._locks.hold(f"draft:{identifier}"):
            await self._drafts.update_one(
                {"_id": identifier}, {"$set": {"form": form, "updated_at": now}}
            )
        log.info("draft.saved", draft_id=identifier)
        return now

    async def staged_photos(self, draft: Document) -> list[StagedPhoto]:
        """Read a draft's photos back from S3, each checked against its SHA-256."""
        photos = []
        for requirement, photo in sorted(draft["photos"].items()):
            data = await self._store.get(photo["key"], expected_sha256=photo["sha256"])
            photos.append(
                StagedPhoto(requirement, photo["field"], photo["filename"], data)
            )
        return photos

    async def discard(self, owner: str, scope: str) -> None:
        """Delete a draft, its uploads in progress and every staged object."""
        identifier = draft_id(owner, scope)
        async with self._locks.hold(f"draft:{identifier}"):
            draft = await self._drafts.find_one({"_id": identifier})
            if draft is None:
                return
            keys = [photo["key"] for photo in draft["photos"].values()]
            async for upload in self._uploads.find({"draft_id": identifier}):
                keys.extend(chunk["key"] for chunk in upload["chunks"])
            await self._uploads.delete_many({"draft_id": identifier})
            await self._drafts.delete_one({"_id": identifier})
        await self._delete_objects(keys, draft_id=identifier)
        log.info("draft.discarded", draft_id=identifier)

    # Resumable uploads --------------------------------------------------

    async def start_upload(
        self,
        owner: str,
        scope: str,
        *,
        requirement: str,
        field: str,
        size: int,
        filename: str,
        empty_form: Document,
    ) -> Document:
        """Create an upload of `size` bytes for one paper of a draft.

        The caller has checked that `field` is an upload code of
        `requirement`. An unfinished earlier upload for the same paper is
        dropped, so a resident who picks another photo starts afresh.
        """
        if size <= 0:
            raise ValidationFailedError(
                f"the photo {filename!r} is empty (size {size}); choose the photo "
                "again",
                requirement=requirement,
            )
        if size > self.max_upload_bytes:
            raise PayloadTooLargeError(
                f"the photo {filename!r} is {size} bytes, more than the limit of "
                f"{self.max_upload_bytes} bytes; take the photo at a lower "
                "resolution",
                requirement=requirement,
            )
        identifier = await self._ensure(owner, scope, empty_form)
        async for earlier in self._uploads.find(
            {"draft_id": identifier, "requirement": requirement}
        ):
            await self._drop_upload(earlier)
        upload: Document = {
            "_id": uuid.uuid4().hex,
            "draft_id": identifier,
            "owner": owner,
            "requirement": requirement,
            "field": field,
            "filename": filename[:120],
            "size": size,
            "offset": 0,
            "chunks": [],
            "created_at": datetime.now(UTC),
        }
        await self._uploads.insert_one(upload)
        log.info(
            "draft.upload_started",
            draft_id=identifier,
            upload_id=upload["_id"],
            requirement=requirement,
            size=size,
        )
        return upload

    async def upload_of(self, owner: str, upload_id: str) -> Document:
        """Return an upload of this owner; NotFoundError for anyone else's."""
        upload = await self._uploads.find_one({"_id": upload_id, "owner": owner})
        if upload is None:
            raise NotFoundError(
                f"no upload {upload_id} is open for you; choose the photo again to "
                "start a new upload"
            )
        return upload

    async def append(
        self, owner: str, upload_id: str, offset: int, chunk: bytes
    ) -> Document:
        """Append a chunk at `offset`; when it is the last, stage the clean photo.

        Returns the upload with its new offset, and with `photo` once the
        photo is staged. A chunk whose offset is not the stored one is
        rejected with ConflictError carrying the stored offset.
        """
        if len(chunk) > MAX_CHUNK_BYTES:
            raise PayloadTooLargeError(
                f"the chunk has {len(chunk)} bytes, more than {MAX_CHUNK_BYTES}; "
                "send smaller chunks"
            )
        if not chunk:
            raise ValidationFailedError("the chunk is empty; send the next bytes")
        async with self._locks.hold(f"upload:{upload_id}"):
            upload = await self.upload_of(owner, upload_id)
            self._check_offset(upload, offset, len(chunk))
            key = f"{self._prefix(upload)}/{offset:012d}"
            stored = await self._store.put(key, chunk, "application/octet-stream")
            chunks = [c for c in upload["chunks"] if c["offset"] != offset]
            chunks.append({"offset": offset, "key": key, "sha256": stored.sha256})
            upload["offset"] = offset + len(chunk)
            upload["chunks"] = chunks
            await self._uploads.update_one(
                {"_id": upload_id},
                {"$set": {"offset": upload["offset"], "chunks": chunks}},
            )
            if upload["offset"] < upload["size"]:
                return upload
            return await self._finish(upload)

    @staticmethod
    def _check_offset(upload: Document, offset: int, length: int) -> None:
        if offset != upload["offset"]:
            raise ConflictError(
                f"the chunk starts at byte {offset} but the upload has "
                f"{upload['offset']} bytes; ask for the offset and send from there",
                offset=upload["offset"],
            )
        if offset + length > upload["size"]:
            raise PayloadTooLargeError(
                f"the chunk ends at byte {offset + length}, past the upload's "
                f"declared size of {upload['size']} bytes; start a new upload with "
                "the right size",
                offset=upload["offset"],
            )

    async def _finish(self, upload: Document) -> Document:
        parts = sorted(upload["chunks"], key=lambda c: c["offset"])
        data = b"".join(
            [
                await self._store.get(c["key"], expected_sha256=c["sha256"])
                for c in parts
            ]
        )
        try:
            image = await self._cleaner.clean(upload["field"], upload["filename"], data)
        except ServiceError:
            log.info(
                "draft.upload_rejected",
                draft_id=upload["draft_id"],
                upload_id=upload["_id"],
                requirement=upload["requirement"],
            )
            await self._drop_upload(upload)
            raise
        key = (
            f"{PREFIX}/{upload['draft_id']}/photos/{upload['requirement']}-"
            f"{uuid.uuid4().hex[:8]}.{image.extension}"
        )
        stored = await self._store.put(key, image.data, image.content_type)
        photo = {
            "key": key,
            "sha256": stored.sha256,
            "content_type": stored.content_type,
            "size": stored.size,
            "field": upload["field"],
            "filename": upload["filename"],
            "staged_at": datetime.now(UTC),
        }
        await self._attach_photo(upload, photo)
        await self._drop_upload(upload)
        log.info(
            "draft.photo_staged",
            draft_id=upload["draft_id"],
            upload_id=upload["_id"],
            requirement=upload["requirement"],
        )
        return {**upload, "photo": photo}

    async def _attach_photo(self, upload: Document, photo: Document) -> None:
        requirement = upload["requirement"]
        identifier = upload["draft_id"]
        async with self._locks.hold(f"draft:{identifier}"):
            draft = await self._drafts.find_one({"_id": identifier})
            if draft is None:
                await self._delete_objects([photo["key"]], draft_id=identifier)
                raise ConflictError(
                    "the draft was sent or deleted while the photo was uploading; "
                    "open the form again"
                )
            previous = draft["photos"].get(requirement)
            await self._drafts.update_one(
                {"_id": identifier},
                {
                    "$set": {
                        f"photos.{requirement}": photo,
                        "updated_at": photo["staged_at"],
                    }
                },
            )
        if previous is not None:
            await self._delete_objects([previous["key"]], draft_id=identifier)

    async def _drop_upload(self, upload: Document) -> None:
        await self._uploads.delete_one({"_id": upload["_id"]})
        keys = [chunk["key"] for chunk in upload["chunks"]]
        await self._delete_objects(keys, draft_id=upload["draft_id"])

    async def _delete_objects(self, keys: list[str], *, draft_id: str) -> None:
        for key in keys:
            try:
                await self._store.delete(key)
            except Exception:
                log.exception("draft.object_delete_failed", draft_id=draft_id, key=key)

    @staticmethod
    def _prefix(upload: Document) -> str:
        return f"{PREFIX}/{upload['draft_id']}/uploads/{upload['_id']}"


def upload_state(upload: Document) -> dict[str, Any]:
    """Describe an upload for the page's script."""
    state: dict[str, Any] = {
        "upload_id": upload["_id"],
        "requirement": upload["requirement"],
        "offset": upload["offset"],
        "size": upload["size"],
        "complete": "photo" in upload,
        "chunk_size": 64 * 1024,
    }
    if "photo" in upload:
        state["photo"] = {
            "filename": upload["photo"]["filename"],
            "size": upload["photo"]["size"],
        }
    return state
