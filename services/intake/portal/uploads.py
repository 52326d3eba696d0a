"""Resumable photo uploads of the resident pages (see drafts.py for storage).

POST creates an upload for one paper with its total size (the routes that
create uploads live in portal.py, per draft scope). PATCH with an
`Upload-Offset` header appends a chunk, and HEAD returns the offset to
continue from after a dropped connection. Only the principal who created an
upload can see or extend it; anyone else gets 404.
"""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import ClientDisconnect

from services.intake.drafts import (
    MAX_CHUNK_BYTES,
    DraftStore,
    owner_of,
    upload_state,
)
from shared.auth import Applicant
from shared.catalogue import ServiceEntry
from shared.database import Document
from shared.errors import PayloadTooLargeError, ServiceError, ValidationFailedError

log = structlog.get_logger()

router = APIRouter(include_in_schema=False)


def get_drafts(request: Request) -> DraftStore:
    drafts: DraftStore = request.app.state.drafts
    return drafts


Drafts = Annotated[DraftStore, Depends(get_drafts)]


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    requirement: str = Field(min_length=2, max_length=60)
    field: str = Field(min_length=2, max_length=60)
    size: int = Field(description="Total size of the photo in bytes")
    filename: str = Field(default="foto.jpg", max_length=255)


def check_field(entry: ServiceEntry, body: UploadRequest) -> None:
    """Raise ValidationFailedError unless the upload names a paper of the service
    and one of that paper's upload codes."""
    requirement = next(
        (r for r in entry.requirements if r.code == body.requirement), None
    )
    if requirement is None:
        raise ValidationFailedError(
            f"{body.requirement!r} is not a paper of {entry.code}; choose one of "
            f"{', '.join(r.code for r in entry.requirements)}",
            requirement=body.requirement,
        )
    if body.field not in requirement.accepted_codes:
        raise ValidationFailedError(
            f"{body.field!r} is not an upload code of {body.requirement}; use one of "
            f"{', '.join(requirement.accepted_codes)}",
            requirement=body.requirement,
        )


@router.head("/unggahan/{upload_id}")
async def upload_offset(
    upload_id: str, principal: Applicant, drafts: Drafts
) -> Response:
    """Return the upload's offset, to continue after a dropped connection."""
    upload = await drafts.upload_of(owner_of(principal), upload_id)
    return Response(
        status_code=200,
        headers={
            "Upload-Offset": str(upload["offset"]),
            "Upload-Length": str(upload["size"]),
            "Cache-Control": "no-store",
        },
    )


@router.patch("/unggahan/{upload_id}")
async def append_chunk(
    upload_id: str, request: Request, principal: Applicant, drafts: Drafts
) -> JSONResponse:
    """Append the body at the `Upload-Offset` header's byte; 409 at a wrong offset."""
    offset = _offset_header(request)
    owner = owner_of(principal)
    await drafts.upload_of(owner, upload_id)
    try:
        chunk = await _read_chunk(request, upload_id)
    except ClientDisconnect:
        # The client has disconnected and never reads this response. Its
        # script requests the offset with HEAD and sends from there.
        return JSONResponse({}, status_code=400)
    upload = await drafts.append(owner, upload_id, offset, chunk)
    return upload_response(upload, status_code=200)


def _offset_header(request: Request) -> int:
    raw = request.headers.get("upload-offset", "")
    if not raw.isdigit():
        raise ValidationFailedError(
            f"the Upload-Offset header is {raw or 'missing'}; send the byte offset "
            "of the chunk as a whole number (HEAD the upload to learn it)"
        )
    return int(raw)


async def _read_chunk(request: Request, upload_id: str) -> bytes:
    """Read a chunk body of at most MAX_CHUNK_BYTES; a cut connection stores nothing."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_CHUNK_BYTES:
        raise _chunk_too_large(int(declared))
    body = bytearray()
    try:
        async for part in request.stream():
            body.extend(part)
            if len(body) > MAX_CHUNK_BYTES:
                raise _chunk_too_large(len(body))
    except ClientDisconnect:
        log.info("portal.chunk_cut", upload_id=upload_id, received=len(body))
        raise
    if declared.isdigit() and len(body) != int(declared):
        log.info("portal.chunk_short", upload_id=upload_id, received=len(body))
        raise ValidationFailedError(
            f"the chunk has {len(body)} bytes but Content-Length declares {declared}; "
            "ask for the offset and send the chunk again"
        )
    return bytes(body)


def _chunk_too_large(size: int) -> ServiceError:
    return PayloadTooLargeError(
        f"the chunk has {size} bytes, more than {MAX_CHUNK_BYTES}; send smaller chunks"
    )


def upload_response(upload: Document, *, status_code: int) -> JSONResponse:
    return JSONResponse(
        upload_state(upload),
        status_code=status_code,
        headers={"Upload-Offset": str(upload["offset"]), "Cache-Control": "no-store"},
    )
