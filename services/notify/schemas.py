"""Models of the notify API and the message texts per event type."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from shared.events import EventType


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"


# Message per event type, in Bahasa Indonesia then English. {tracking_code}
# and the event's data fields fill the placeholders.
MESSAGES: dict[EventType, tuple[str, str]] = {
    EventType.APPLICATION_SUBMITTED: (
        "Permohonan {tracking_code} sudah kami terima dan menunggu pemeriksaan berkas.",
        "We received application {tracking_code}; its papers await checking.",
    ),
    EventType.APPLICATION_DOCUMENTS_REQUESTED: (
        "Permohonan {tracking_code}: berkas perlu dilengkapi. {missing_text}",
        "Application {tracking_code}: please send these papers again. {missing_text}",
    ),
    EventType.APPLICATION_RESUBMITTED: (
        "Berkas tambahan untuk permohonan {tracking_code} sudah kami terima.",
        "We received the additional papers for application {tracking_code}.",
    ),
    EventType.APPLICATION_ACCEPTED: (
        "Berkas permohonan {tracking_code} lengkap dan diteruskan ke operator.",
        "The papers of application {tracking_code} are complete; it went to the "
        "operator.",
    ),
    EventType.APPLICATION_DRAFTED: (
        "Draf dokumen untuk permohonan {tracking_code} sudah disusun.",
        "The document draft for application {tracking_code} is ready.",
    ),
    EventType.APPLICATION_VERIFIED: (
        "Permohonan {tracking_code} sudah diverifikasi dan menunggu tanda tangan "
        "Kepala Dinas.",
        "Application {tracking_code} is verified and awaits the head's signature.",
    ),
    EventType.APPLICATION_RETURNED: (
        "Draf permohonan {tracking_code} sedang diperbaiki petugas: {reason}",
        "Staff are correcting the draft of application {tracking_code}: {reason}",
    ),
    EventType.APPLICATION_REJECTED: (
        "Permohonan {tracking_code} ditolak: {reason}",
        "Application {tracking_code} was rejected: {reason}",
    ),
    EventType.DOCUMENT_SIGNED: (
        "Dokumen permohonan {tracking_code} sudah ditandatangani secara elektronik "
        "dengan nomor {register_number}.",
        "The document of application {tracking_code} is signed electronically, "
        "number {register_number}.",
    ),
    EventType.DOCUMENT_PRINTED: (
        "Dokumen permohonan {tracking_code} sudah dicetak.",
        "The document of application {tracking_code} is printed.",
    ),
    EventType.DOCUMENT_DISPATCHED: (
        "Dokumen permohonan {tracking_code} dikirim ke kantor desa Anda untuk diambil.",
        "The document of application {tracking_code} was sent to your village office "
        "for collection.",
    ),
    EventType.APPOINTMENT_SCHEDULED: (
        "Permohonan {tracking_code}: silakan datang ke {place} pada {starts_at} untuk "
        "perekaman biometrik dan pengambilan kartu.",
        "Application {tracking_code}: please come to {place} at {starts_at} for "
        "biometric recording and card collection.",
    ),
    EventType.DOCUMENT_HANDED_OVER: (
        "Dokumen permohonan {tracking_code} sudah diserahkan (tanda terima "
        "{receipt_number}).",
        "The document of application {tracking_code} was handed over (receipt "
        "{receipt_number}).",
    ),
    EventType.REGISTER_RECORDED: (
        "Permohonan {tracking_code} selesai dan tercatat di buku register.",
        "Application {tracking_code} is complete and recorded in the register.",
    ),
}


class NotificationView(BaseModel):
    notification_id: str
    application_id: str
    tracking_code: str
    event_type: str
    text_id: str
    text_en: str
    channels: dict[str, str]
    created_at: datetime


class AuthorKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"


class CodeDelivery(StrEnum):
    """Outcome of sending one sign-in code."""

    PENDING = "pending"
    EMAILED = "emailed"
    # The resident registered only a phone number and no SMS channel exists.
    CHANNEL_UNAVAILABLE = "channel_unavailable"
    EXPIRED = "expired"


class ChatMessageIn(BaseModel):
    # A coarse bound on the parsed input. The service checks the 1000-character
    # limit after removing control characters.
    text: str = Field(max_length=10_000)


class ChatMessageView(BaseModel):
    seq: int
    message_id: str
    author_kind: AuthorKind
    author: str
    author_name: str
    text: str
    posted_at: datetime


class Assignee(BaseModel):
    username: str
    name: str
    at: datetime


class ConversationView(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str | None
    applicant_name: str
    message_count: int
    last_message_at: datetime | None
    last_author_kind: AuthorKind | None
    unanswered: bool
    assignee: Assignee | None
