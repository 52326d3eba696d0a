"""Event envelope, event types, payload models and topic names.

Every hand-over between services is one of these events on Kafka. The
envelope carries the CloudEvents 1.0 attributes. Its `subject` is the
application id, which is also the Kafka key, so each application's events
stay in order within a topic.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Topic(StrEnum):
    """One topic per producing stage, plus the dead-letter topic."""

    INTAKE = "dompak.intake.events"
    VERIFICATION = "dompak.verification.events"
    SIGNING = "dompak.signing.events"
    DISTRIBUTION = "dompak.distribution.events"
    NOTIFY = "dompak.notify.events"
    DEAD_LETTER = "dompak.deadletter"


STAGE_TOPICS: tuple[Topic, ...] = (
    Topic.INTAKE,
    Topic.VERIFICATION,
    Topic.SIGNING,
    Topic.DISTRIBUTION,
    Topic.NOTIFY,
)


class EventType(StrEnum):
    """Event types, named `entity.past_participle`."""

    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_DOCUMENTS_REQUESTED = "application.documents_requested"
    APPLICATION_RESUBMITTED = "application.resubmitted"
    APPLICATION_ACCEPTED = "application.accepted"
    APPLICATION_DRAFTED = "application.drafted"
    APPLICATION_VERIFIED = "application.verified"
    APPLICATION_RETURNED = "application.returned"
    APPLICATION_REJECTED = "application.rejected"
    DOCUMENT_SIGNED = "document.signed"
    DOCUMENT_PRINTED = "document.printed"
    DOCUMENT_DISPATCHED = "document.dispatched"
    APPOINTMENT_SCHEDULED = "appointment.scheduled"
    DOCUMENT_HANDED_OVER = "document.handed_over"
    REGISTER_RECORDED = "register.recorded"
    NOTIFICATION_SENT = "notification.sent"
    SIGN_IN_CODE_REQUESTED = "sign_in.code_requested"
    CHAT_MESSAGE_POSTED = "chat.message_posted"


class Payload(BaseModel):
    """Base of every event payload: immutable, unknown fields kept."""

    model_config = ConfigDict(frozen=True, extra="allow")


class Applicant(Payload):
    """The resident who applies and receives the notifications."""

    nik: str
    name: str
    email: str | None = None
    phone: str | None = None


class StoredFile(Payload):
    """An uploaded requirement file, stored in S3 before any event names it."""

    requirement: str
    object_key: str
    sha256: str
    content_type: str
    size: int


class ApplicationSubmitted(Payload):
    service_code: str
    tracking_code: str
    applicant: Applicant
    village_code: str
    form: dict[str, Any]
    files: list[StoredFile]


class MissingFile(Payload):
    requirement: str
    reason: str
    label: str = ""  # the requirement in words the resident reads


class ApplicationDocumentsRequested(Payload):
    missing: list[MissingFile]
    note: str = ""
    actor: str


class ApplicationResubmitted(Payload):
    files: list[StoredFile]


class ApplicationAccepted(Payload):
    service_code: str
    tracking_code: str
    applicant: Applicant
    village_code: str
    form: dict[str, Any]
    files: list[StoredFile]
    actor: str


class ApplicationDrafted(Payload):
    division: str
    draft: dict[str, Any]
    actor: str


class ApplicationVerified(Payload):
    service_code: str
    tracking_code: str
    applicant: Applicant
    village_code: str
    division: str
    draft: dict[str, Any]
    actor: str


class ApplicationReturned(Payload):
    stage: str
    reason: str
    actor: str


class ApplicationRejected(Payload):
    stage: str
    reason: str
    actor: str


class DocumentSigned(Payload):
    document_id: str
    service_code: str
    tracking_code: str
    register_number: str
    object_key: str
    sha256: str
    subject_name: str
    applicant: Applicant
    village_code: str
    signed_at: datetime
    actor: str


class DocumentPrinted(Payload):
    document_id: str
    actor: str


class DocumentDispatched(Payload):
    document_id: str
    village_code: str
    actor: str


class AppointmentScheduled(Payload):
    """A visit to the office for biometric recording and card collection."""

    document_id: str
    starts_at: datetime
    place: str
    actor: str


class DocumentHandedOver(Payload):
    document_id: str
    register_number: str
    receipt_number: str
    collector_name: str
    collector_nik: str
    actor: str


class RegisterRecorded(Payload):
    register_number: str
    document_id: str
    service_code: str
    recorded_on: date
    actor: str


class NotificationSent(Payload):
    notification_id: str
    channel: str
    about_event_id: str
    about_event_type: str


class SignInCodeRequested(Payload):
    """Sign-in request of a resident; notify sends its one-time code.

    The envelope's subject is the sign-in request id, not an application.
    The code is valid for ten minutes and only once. The event log shows it,
    so the log must be kept as confidential as the mailbox it goes to.
    """

    nik: str
    name: str
    email: str | None = None
    phone: str | None = None
    code: str
    expires_at: datetime


class ChatMessagePosted(Payload):
    """A message in the conversation between a resident and the office."""

    message_id: str
    author_kind: Literal["resident", "staff"]
    author: str
    text_length: int


PAYLOAD_MODELS: dict[EventType, type[Payload]] = {
    EventType.APPLICATION_SUBMITTED: ApplicationSubmitted,
    EventType.APPLICATION_DOCUMENTS_REQUESTED: ApplicationDocumentsRequested,
    EventType.APPLICATION_RESUBMITTED: ApplicationResubmitted,
    EventType.APPLICATION_ACCEPTED: ApplicationAccepted,
    EventType.APPLICATION_DRAFTED: ApplicationDrafted,
    EventType.APPLICATION_VERIFIED: ApplicationVerified,
    EventType.APPLICATION_RETURNED: ApplicationReturned,
    EventType.APPLICATION_REJECTED: ApplicationRejected,
    EventType.DOCUMENT_SIGNED: DocumentSigned,
    EventType.DOCUMENT_PRINTED: DocumentPrinted,
    EventType.DOCUMENT_DISPATCHED: DocumentDispatched,
    EventType.APPOINTMENT_SCHEDULED: AppointmentScheduled,
    EventType.DOCUMENT_HANDED_OVER: DocumentHandedOver,
    EventType.REGISTER_RECORDED: RegisterRecorded,
    EventType.NOTIFICATION_SENT: NotificationSent,
    EventType.SIGN_IN_CODE_REQUESTED: SignInCodeRequested,
    EventType.CHAT_MESSAGE_POSTED: ChatMessagePosted,
}


class Envelope(BaseModel):
    """A CloudEvents 1.0 envelope with DOMPAK's extension attributes.

    CloudEvents extension names must be lower-case letters and digits, hence
    `schemaversion`, `correlationid` and `causationid`.
    """

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    schemaversion: int = SCHEMA_VERSION
    correlationid: str
    causationid: str | None = None
    data: dict[str, Any]

    @property
    def event_type(self) -> EventType | None:
        """Return the known event type, or None for a type this build lacks."""
        try:
            return EventType(self.type)
        except ValueError:
            return None

    def payload(self) -> Payload:
        """Parse `data` with the model of this event's type.

        Raises ValueError for an unknown type and pydantic.ValidationError
        for data that does not fit the model.
        """
        event_type = self.event_type
        if event_type is None:
            raise ValueError(f"unknown event type {self.type!r}")
        return PAYLOAD_MODELS[event_type].model_validate(self.data)


def new_event(
    *,
    source: str,
    event_type: EventType,
    application_id: str,
    payload: Payload,
    cause: Envelope | None = None,
    correlation_id: str | None = None,
) -> Envelope:
    """Build an envelope.

    The correlation id is `correlation_id` when given, else the cause's, else
    the application id.
    """
    if correlation_id is None:
        correlation_id = cause.correlationid if cause else application_id
    return Envelope(
        source=source,
        type=event_type.value,
        subject=application_id,
        correlationid=correlation_id,
        causationid=cause.id if cause else None,
        data=payload.model_dump(mode="json"),
    )
