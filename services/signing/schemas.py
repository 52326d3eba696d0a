"""Models of the signing API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ApprovalStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    SIGNED = "signed"
    REJECTED = "rejected"
    RETURNED = "returned"


MAX_BATCH = 50


class StaffAction(BaseModel):
    """Body of a staff action; the acting staff member comes from the session."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApproveRequest(BaseModel):
    # No whitespace stripping: a passphrase is used exactly as typed.
    model_config = ConfigDict(extra="forbid")

    passphrase: SecretStr = Field(
        min_length=1,
        max_length=200,
        description="The head's signing passphrase; used for this call only.",
    )


class BatchApproveRequest(ApproveRequest):
    application_ids: list[str] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Applications to approve and sign with one passphrase entry.",
    )


class RejectRequest(StaffAction):
    reason: str = Field(min_length=3, max_length=500)


class ReturnRequest(StaffAction):
    reason: str = Field(min_length=3, max_length=500)


class Assignee(BaseModel):
    """The staff member working on an approval (assign-to-self)."""

    username: str
    name: str
    at: datetime


class ApprovalView(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    status: ApprovalStatus
    document_id: str
    applicant_name: str
    draft: dict[str, Any]
    register_number: str | None
    signed_at: datetime | None
    received_at: datetime
    division: str
    standard_days: int
    assignee: Assignee | None


class BatchItemResult(BaseModel):
    """Outcome of batch signing for one application."""

    application_id: str
    tracking_code: str | None
    signed: bool
    register_number: str | None
    error: str | None
    # The failure's error code (as in an error response), for callers that
    # word the failure themselves; "internal_error" for a server fault.
    error_code: str | None = None


class BatchApproveResult(BaseModel):
    signed: int
    failed: int
    items: list[BatchItemResult]


class PublicVerification(BaseModel):
    """Public facts about a document, shown to anyone who scans its QR code."""

    genuine: bool
    active: bool
    document_id: str
    document_number: str | None
    document_type: str | None
    name: str | None
    nik_masked: str | None
    signed_at: datetime | None
    issuer: str
    message: str


class PdfCheck(BaseModel):
    """The result of checking an uploaded PDF against the issued documents."""

    issued_here: bool
    signed: bool
    intact: bool
    trusted: bool
    document: PublicVerification | None
    detail: str
    extra_bytes: int = Field(
        default=0,
        description="Bytes after the signed part of an issued document, which no "
        "signature covers; 0 when the file is the issued PDF exactly",
    )
