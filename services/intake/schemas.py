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
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    actor: str = Field(min_length=2, max_length=60, description="Staff username")


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
