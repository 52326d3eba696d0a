"""Request and response models of the intake API (the forms are in forms/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SubmittedResponse(BaseModel):
    application_id: str
    tracking_code: str
    status: str
    required_files: list[str]


class StaffAction(BaseModel):
    """A front-office action; the actor is the signed-in staff member."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int | None = Field(
        default=None,
        ge=1,
        description="Version of the application the staff member looked at; the "
        "action fails with 409 when the application has changed since",
    )


class MissingFileRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    requirement: str = Field(min_length=2, max_length=60)
    reason: str = Field(min_length=3, max_length=300)


class DocumentsRequest(StaffAction):
    missing: list[MissingFileRequest] = Field(min_length=1)
    note: str = Field(default="", max_length=500)


class TimelineEntry(BaseModel):
    event_id: str
    event_type: str
    time: datetime
    status: str
    label_id: str
    label_en: str
    detail: dict[str, Any] = {}


class ApplicationView(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    intake_status: str
    status: str
    status_label_id: str
    status_label_en: str
    missing: list[dict[str, str]]
    files: list[str]
    timeline: list[TimelineEntry]
    submitted_at: datetime


class Assignee(BaseModel):
    """The staff member working on an application (assign-to-self)."""

    username: str
    name: str
    at: datetime


class QueueItem(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    intake_status: str
    applicant_name: str
    village_code: str
    submitted_at: datetime
    age_hours: float
    standard_days: int
    overdue: bool
    flags: list[str]
    assignee: Assignee | None = None
    version: int


class QueueFilter(BaseModel):
    """Filters of the front-office queue; None or False means no filter."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    service_code: str | None = None
    intake_status: str | None = None
    village_code: str | None = None
    assignee: str | None = Field(default=None, description="Staff username")
    overdue_only: bool = False


class ResidentCodeRequest(BaseModel):
    """Ask for a sign-in code; name and email register a NIK without an account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nik: str = Field(max_length=32, description="NIK: 16 digits")
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)


class ResidentCodeSent(BaseModel):
    request_id: str
    sent_to: str = Field(description="The masked email address the code went to")
    expires_at: datetime


class ResidentCodeConfirmation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    request_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=16)


class ResidentSession(BaseModel):
    token: str
    csrf_token: str
    expires_at: datetime


class ApplicationSummary(BaseModel):
    """One line of a resident's or village official's list of applications."""

    application_id: str
    tracking_code: str
    service_code: str
    applicant_name: str
    village_code: str
    status: str
    status_label_id: str
    status_label_en: str
    submitted_at: datetime
