"""Models of the distribution API: print, dispatch, hand-over, register book."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class DeliveryStatus(StrEnum):
    AWAITING_APPOINTMENT = "awaiting_appointment"
    APPOINTMENT_SCHEDULED = "appointment_scheduled"
    AWAITING_PRINT = "awaiting_print"
    PRINTED = "printed"
    DISPATCHED = "dispatched"
    HANDED_OVER = "handed_over"


VILLAGE_CODE_PATTERN = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
MAX_DISPATCH_BATCH = 100


class StaffRequest(BaseModel):
    """Body of a staff action. The actor comes from the session, not the body."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DispatchRequest(StaffRequest):
    village_code: str | None = Field(
        default=None,
        pattern=VILLAGE_CODE_PATTERN,
        description="Village office that hands the document over; defaults to "
        "the applicant's village.",
    )


class AppointmentRequest(StaffRequest):
    starts_at: AwareDatetime = Field(
        description="Start of the visit for biometric recording and card "
        "collection, with its time zone, e.g. 2026-12-11T09:00:00+07:00"
    )
    place: str = Field(default="Kantor Disdukcapil", min_length=3, max_length=120)


class HandOverRequest(StaffRequest):
    collector_name: str = Field(min_length=1, max_length=80)
    collector_nik: str = Field(
        pattern=r"^[0-9]{16}$", description="NIK of the collector, 16 digits"
    )

    @field_validator("collector_name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        if not any(c.isalpha() for c in value) or any(
            not (c.isalpha() or c in " '.-") for c in value
        ):
            raise ValueError(
                f"collector_name {value!r} must be a person's name: letters, spaces, "
                "apostrophes, dots and hyphens"
            )
        return value

    @field_validator("collector_nik")
    @classmethod
    def _a_nik(cls, value: str) -> str:
        day, month = int(value[6:8]) % 40, int(value[8:10])
        if not (1 <= day <= 31 and 1 <= month <= 12) or value[12:] == "0000":
            raise ValueError(
                f"collector_nik {value!r} is not a NIK: digits 7-12 must be a birth "
                "date (DDMMYY, day + 40 for women) and the serial is not 0000"
            )
        return value

    relationship: str = Field(
        min_length=2, max_length=40, description="Collector's relation to the applicant"
    )


class BatchDispatchRequest(StaffRequest):
    village_code: str = Field(
        pattern=VILLAGE_CODE_PATTERN,
        description="Village office that receives every document of the batch",
    )
    application_ids: list[str] = Field(
        min_length=1,
        max_length=MAX_DISPATCH_BATCH,
        description="Printed documents of that village, by application id",
    )


class Assignee(BaseModel):
    """Staff member working on a delivery (assign-to-self)."""

    username: str
    name: str
    at: datetime


class DeliveryView(BaseModel):
    application_id: str
    document_id: str
    tracking_code: str
    service_code: str
    register_number: str
    subject_name: str
    applicant_name: str
    village_code: str
    status: DeliveryStatus
    output: str
    appointment: dict[str, str] | None
    dispatched_to: str | None
    receipt_number: str | None
    received_at: datetime
    assignee: Assignee | None = None
    dispatch_list_id: str | None = None


class DispatchListView(BaseModel):
    """One dispatch to a village office: the sheet that travels with the batch."""

    dispatch_list_id: str
    village_code: str
    application_ids: list[str]
    # Documents someone else changed while the batch ran, so they were not sent.
    left_behind: list[str]
    dispatched_by: str
    dispatched_at: datetime


class RegisterSearch(BaseModel):
    """Criteria of a register book search, all of which an entry must match."""

    model_config = ConfigDict(str_strip_whitespace=True)

    number: str | None = Field(
        default=None, max_length=40, description="Exact register number"
    )
    name: str | None = Field(
        default=None,
        max_length=80,
        description="Part of the name on the document, any letter case",
    )
    service_code: str | None = Field(default=None, max_length=40)
    date_from: date | None = Field(default=None, description="Recorded on or after")
    date_to: date | None = Field(default=None, description="Recorded on or before")

    def query(self) -> dict[str, Any]:
        """Build the database filter of these criteria."""
        query: dict[str, Any] = {}
        if self.number:
            query["register_number"] = self.number
        if self.name:
            query["subject_name"] = {"$regex": re.escape(self.name), "$options": "i"}
        if self.service_code:
            query["service_code"] = self.service_code
        recorded: dict[str, str] = {}
        if self.date_from:
            recorded["$gte"] = self.date_from.isoformat()
        if self.date_to:
            recorded["$lte"] = self.date_to.isoformat()
        if recorded:
            query["recorded_on"] = recorded
        return query


class RegisterEntry(BaseModel):
    register_number: str
    document_id: str
    application_id: str
    service_code: str
    subject_name: str
    receipt_number: str
    collector_name: str
    recorded_on: date
    recorded_by: str
