"""Models of the distribution API: print, dispatch, hand-over, register book."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class DeliveryStatus(StrEnum):
    AWAITING_APPOINTMENT = "awaiting_appointment"
    APPOINTMENT_SCHEDULED = "appointment_scheduled"
    AWAITING_PRINT = "awaiting_print"
    PRINTED = "printed"
    DISPATCHED = "dispatched"
    HANDED_OVER = "handed_over"


class StaffAction(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    actor: str = Field(min_length=2, max_length=60, description="Staff username")


class DispatchRequest(StaffAction):
    village_code: str | None = Field(
        default=None,
        pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
        description="Village office that hands the document over; defaults to "
        "the applicant's village.",
    )


class AppointmentRequest(StaffAction):
    starts_at: AwareDatetime = Field(
        description="Start of the visit for biometric recording and card "
        "collection, with its time zone, e.g. 2026-12-11T09:00:00+07:00"
    )
    place: str = Field(default="Kantor Disdukcapil", min_length=3, max_length=120)


class HandOverRequest(StaffAction):
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
