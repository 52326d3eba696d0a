"""Distribution stage: print, dispatch to the village, hand over, register."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from services.distribution.repository import DeliveryRepository
from services.distribution.schemas import (
    AppointmentRequest,
    DeliveryStatus,
    DeliveryView,
    DispatchRequest,
    HandOverRequest,
    RegisterEntry,
)
from services.distribution.settings import DistributionSettings
from shared.catalogue import Catalogue, Output, UnknownServiceError
from shared.consumer import PermanentError
from shared.database import Document
from shared.errors import (
    ConflictError,
    NotFoundError,
    ServiceError,
    ValidationFailedError,
)
from shared.events import (
    AppointmentScheduled,
    DocumentDispatched,
    DocumentHandedOver,
    DocumentPrinted,
    DocumentSigned,
    Envelope,
    EventType,
    Payload,
    RegisterRecorded,
    new_event,
)
from shared.regency import Regency
from shared.storage import IntegrityError, ObjectNotFoundError, ObjectStore

log = structlog.get_logger()

SOURCE = "/dompak/distribution"
HANDED_OVER_FROM = (DeliveryStatus.PRINTED, DeliveryStatus.DISPATCHED)
MAX_APPOINTMENT_AHEAD = timedelta(days=90)
# A booked visit can be moved until the card is printed.
RESCHEDULABLE = (
    DeliveryStatus.AWAITING_APPOINTMENT,
    DeliveryStatus.APPOINTMENT_SCHEDULED,
)
PRINTED_FROM = (DeliveryStatus.AWAITING_PRINT, DeliveryStatus.APPOINTMENT_SCHEDULED)


class DocumentUnavailableError(ServiceError):
    """The signed PDF is missing from storage or does not match its SHA-256."""

    status_code = 500
    code = "document_unavailable"


class DistributionService:
    def __init__(
        self,
        repository: DeliveryRepository,
        documents: ObjectStore,
        settings: DistributionSettings,
        catalogue: Catalogue,
        regency: Regency,
        on_outbox_written: Callable[[], None],
    ) -> None:
        self._catalogue = catalogue
        self._regency = regency
        self._repository = repository
        self._documents = documents
        self._settings = settings
        self._on_outbox_written = on_outbox_written

    async def open_delivery(self, event: Envelope) -> None:
        """Queue a signed document for print or appointment; redelivery is a no-op."""
        signed = DocumentSigned.model_validate(event.data)
        try:
            entry = self._catalogue.service(signed.service_code)
        except UnknownServiceError as error:
            raise PermanentError(str(error)) from None
        first = (
            DeliveryStatus.AWAITING_APPOINTMENT
            if entry.appointment
            else DeliveryStatus.AWAITING_PRINT
        )
        created = await self._repository.deliveries.insert(
            {
                "_id": event.subject,
                "document_id": signed.document_id,
                "tracking_code": signed.tracking_code,
                "service_code": signed.service_code,
                "register_number": signed.register_number,
                "object_key": signed.object_key,
                "sha256": signed.sha256,
                "subject_name": signed.subject_name,
                "applicant": signed.applicant.model_dump(mode="json"),
                "village_code": signed.village_code,
                "status": first.value,
                "output": entry.output.value,
                "appointment": None,
                "dispatched_to": None,
                "receipt_number": None,
                "correlation_id": event.correlationid,
                "received_at": datetime.now(UTC),
            },
            [],
        )
        log.info("delivery.opened" if created else "delivery.duplicate_ignored")

    async def document_pdf(self, application_id: str) -> bytes:
        """Return the signed PDF, checked against the digest in the signing event."""
        delivery = await self.get(application_id)
        object_key = delivery["object_key"]
        try:
            return await self._documents.get(
                object_key, expected_sha256=delivery["sha256"]
            )
        except (IntegrityError, ObjectNotFoundError) as error:
            log.error(
                "document.unavailable",
                application_id=application_id,
                object_key=object_key,
                error=str(error),
            )
            raise DocumentUnavailableError(
                f"the signed PDF of application {application_id} cannot be served: "
                f"{error}; restore the object from a backup before printing",
                object_key=object_key,
            ) from error

    async def mark_printed(self, application_id: str, actor: str) -> Document:
        current = await self._in_status(application_id, PRINTED_FROM, "printed")
        event = self._event(
            current,
            EventType.DOCUMENT_PRINTED,
            DocumentPrinted(document_id=current["document_id"], actor=actor),
        )
        changes = {"status": DeliveryStatus.PRINTED.value, "printed_by": actor}
        return await self._apply(current, changes, [event])

    async def schedule_appointment(
        self, application_id: str, request: AppointmentRequest
    ) -> Document:
        """Book the resident's visit for biometric recording and card collection."""
        current = await self._in_status(application_id, RESCHEDULABLE, "scheduled")
        now = datetime.now(UTC)
        if request.starts_at <= now:
            raise ValidationFailedError(
                f"starts_at {request.starts_at.isoformat()} is not in the future; "
                "choose a coming day and time"
            )
        if request.starts_at > now + MAX_APPOINTMENT_AHEAD:
            raise ValidationFailedError(
                f"starts_at {request.starts_at.isoformat()} is more than "
                f"{MAX_APPOINTMENT_AHEAD.days} days ahead; choose an earlier day"
            )
        event = self._event(
            current,
            EventType.APPOINTMENT_SCHEDULED,
            AppointmentScheduled(
                document_id=current["document_id"],
                starts_at=request.starts_at,
                place=request.place,
                actor=request.actor,
            ),
        )
        changes = {
            "status": DeliveryStatus.APPOINTMENT_SCHEDULED.value,
            "appointment": {
                "starts_at": request.starts_at.isoformat(),
                "place": request.place,
            },
        }
        return await self._apply(current, changes, [event])

    async def dispatch(self, application_id: str, request: DispatchRequest) -> Document:
        current = await self._in_status(
            application_id, (DeliveryStatus.PRINTED,), "dispatched"
        )
        if current["output"] == Output.CARD_PRINT.value:
            raise ConflictError(
                f"the document of application {application_id} is a card, which the "
                "resident collects in person at the office; hand it over there"
            )
        village_code = request.village_code or current["village_code"]
        if self._regency.village(village_code) is None:
            raise ValidationFailedError(
                f"village {village_code!r} is not in {self._regency.name}; dispatch "
                "to one of the regency's village offices"
            )
        event = self._event(
            current,
            EventType.DOCUMENT_DISPATCHED,
            DocumentDispatched(
                document_id=current["document_id"],
                village_code=village_code,
                actor=request.actor,
            ),
        )
        changes = {
            "status": DeliveryStatus.DISPATCHED.value,
            "dispatched_to": village_code,
            "dispatched_by": request.actor,
        }
        return await self._apply(current, changes, [event])

    async def hand_over(
        self, application_id: str, request: HandOverRequest
    ) -> Document:
        """Record the hand-over with a receipt and enter the deed in the register.

        The register entry is written first, keyed by the register number; a
        retry after a crash finds it and reuses its receipt number.
        """
        current = await self._in_status(application_id, HANDED_OVER_FROM, "handed over")
        entry = await self._register(current, request)
        handed_over = self._event(
            current,
            EventType.DOCUMENT_HANDED_OVER,
            DocumentHandedOver(
                document_id=current["document_id"],
                register_number=current["register_number"],
                receipt_number=entry["receipt_number"],
                collector_name=request.collector_name,
                collector_nik=request.collector_nik,
                actor=request.actor,
            ),
        )
        recorded = self._event(
            current,
            EventType.REGISTER_RECORDED,
            RegisterRecorded(
                register_number=current["register_number"],
                document_id=current["document_id"],
                service_code=current["service_code"],
                recorded_on=entry["recorded_on"],
                actor=request.actor,
            ),
        )
        changes = {
            "status": DeliveryStatus.HANDED_OVER.value,
            "receipt_number": entry["receipt_number"],
            "collector": {
                "name": request.collector_name,
                "nik": request.collector_nik,
                "relationship": request.relationship,
            },
            "handed_over_by": request.actor,
        }
        return await self._apply(current, changes, [handed_over, recorded])

    async def _register(self, delivery: Document, request: HandOverRequest) -> Document:
        today = self._regency.today()
        region = self._regency.region_digits

        def build(serial: int) -> Document:
            return {
                "_id": delivery["document_id"],
                "register_number": delivery["register_number"],
                "year": today.year,
                "serial": serial,
                "receipt_number": f"TT-{region}-{today.year}-{serial:06d}",
                "document_id": delivery["document_id"],
                "application_id": delivery["_id"],
                "service_code": delivery["service_code"],
                "subject_name": delivery["subject_name"],
                "collector_name": request.collector_name,
                "recorded_on": today.isoformat(),
                "recorded_by": request.actor,
            }

        entry = await self._repository.record_in_register(
            delivery["document_id"], year=today.year, build=build
        )
        log.info("register.entry_written", document_id=entry["_id"])
        return entry

    async def get(self, application_id: str) -> Document:
        delivery = await self._repository.get(application_id)
        if delivery is None:
            raise NotFoundError(
                f"no delivery for application {application_id!r}; it may not have "
                "been signed yet"
            )
        return delivery

    async def queue(
        self, status: DeliveryStatus, village_code: str | None, limit: int = 200
    ) -> list[DeliveryView]:
        deliveries = await self._repository.queue(status.value, village_code, limit)
        return [to_view(delivery) for delivery in deliveries]

    async def search_register(
        self, number: str | None, name: str | None, limit: int = 100
    ) -> list[RegisterEntry]:
        query: dict[str, Any] = {}
        if number:
            query["register_number"] = number
        if name:
            query["subject_name"] = name
        entries = await self._repository.find_in_register(query, limit)
        return [RegisterEntry.model_validate(entry) for entry in entries]

    async def _in_status(
        self,
        application_id: str,
        allowed: tuple[DeliveryStatus, ...],
        action: str,
    ) -> Document:
        delivery = await self.get(application_id)
        if delivery["status"] not in {s.value for s in allowed}:
            expected = " or ".join(s.value for s in allowed)
            raise ConflictError(
                f"document of application {application_id} is {delivery['status']}, "
                f"so it cannot be {action}; it must be {expected}",
                status=delivery["status"],
            )
        return delivery

    def _event(
        self, delivery: Document, event_type: EventType, payload: Payload
    ) -> Envelope:
        return new_event(
            source=SOURCE,
            event_type=event_type,
            application_id=delivery["_id"],
            payload=payload,
            correlation_id=delivery["correlation_id"],
        )

    async def _apply(
        self, current: Document, changes: dict[str, Any], events: list[Envelope]
    ) -> Document:
        return await self._repository.deliveries.apply(
            current, changes, events, on_written=self._on_outbox_written
        )


def to_view(delivery: Document) -> DeliveryView:
    return DeliveryView(
        application_id=delivery["_id"],
        document_id=delivery["document_id"],
        tracking_code=delivery["tracking_code"],
        service_code=delivery["service_code"],
        register_number=delivery["register_number"],
        subject_name=delivery["subject_name"],
        applicant_name=delivery["applicant"]["name"],
        village_code=delivery["village_code"],
        status=delivery["status"],
        output=delivery["output"],
        appointment=delivery["appointment"],
        dispatched_to=delivery["dispatched_to"],
        receipt_number=delivery["receipt_number"],
        received_at=delivery["received_at"],
    )
