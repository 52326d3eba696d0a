"""Models of the verification API: divisions, drafts and staff actions."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.catalogue import Division


class CaseStatus(StrEnum):
    AWAITING_DRAFT = "awaiting_draft"
    AWAITING_VERIFICATION = "awaiting_verification"
    VERIFIED = "verified"


class BirthDeedDraft(BaseModel):
    """The deed's content as the operator prepares it from the papers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    child_name: str = Field(min_length=1, max_length=100)
    child_sex: str = Field(pattern="^[LP]$", description="L: laki-laki, P: perempuan")
    birth_date: date
    birth_place: str = Field(min_length=2, max_length=100)
    birth_order: int = Field(ge=1, le=30)
    father_name: str | None = Field(default=None, max_length=100)
    mother_name: str = Field(min_length=1, max_length=100)

    @field_validator("child_name", "mother_name", "father_name")
    @classmethod
    def _normalise(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # A blank optional name (no recorded father) means no name at all.
        return " ".join(unicodedata.normalize("NFC", value).split()) or None

    @field_validator("birth_date")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        # The office's date (context "today") decides, not the server's UTC date.
        context = info.context if isinstance(info.context, dict) else {}
        today = context.get("today") or date.today()
        if value > today:
            raise ValueError(f"birth_date {value.isoformat()} is in the future")
        return value


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft: dict[str, Any] = Field(
        description="The document's content without the issue facts; start from "
        "the case's draft template"
    )


class ReturnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=500)


class Assignee(BaseModel):
    """The staff member working on a case, set by assign-to-self."""

    username: str
    name: str
    at: datetime


class CaseView(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    division: Division
    status: CaseStatus
    applicant_name: str
    village_code: str
    form: dict[str, Any]
    files: list[dict[str, Any]]
    draft: dict[str, Any] | None
    drafted_by: str | None
    returns: list[dict[str, Any]]
    assignee: Assignee | None
    received_at: datetime
