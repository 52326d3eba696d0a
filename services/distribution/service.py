"""Distribution stage: print, dispatch to the village, hand over, register."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from services.distribution.repository import DeliveryRepository
from services.distribution.schemas import (
    AppointmentRequest,
    BatchDispatchRequest,
    DeliveryStatus,
    DeliveryView,
    DispatchListView,
    DispatchRequest,
    HandOverRequest,
    RegisterEntry,
    RegisterSearch,
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


def stored_now() -> datetime:
    """Return the current time cut to milliseconds, the precision stored."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


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

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    @property
    def regency(self) -> Regency:
        return self._regency

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
        changes = {
            "status": DeliveryStatus.PRINTED.value,
            "printed_by": actor,
            "assignee": None,
        }
        return await self._apply(current, changes, [event])

    async def assign(self, application_id: str, username: str, name: str) -> Document:
        """Mark the delivery as being worked on by this staff member."""
        current = await self.get(application_id)
        holder = current.get("assignee")
        if holder is not None and holder["username"] != username:
            raise ConflictError(
                f"{holder['name']} ({holder['username']}) is already working on "
                f"the document of application {application_id}; ask them to "
                "release it first",
                assignee=holder["username"],
            )
        if holder is not None:
            return current
        assignee = {"username": username, "name": name, "at": stored_now()}
        updated = await self._apply(current, {"assignee": assignee}, [])
        log.info("delivery.assigned", application_id=application_id, assignee=username)
        return updated

    async def release(self, application_id: str, username: str) -> Document:
        """Clear the assignee. Only the staff member who took the item may do so."""
        current = await self.get(application_id)
        holder = current.get("assignee")
        if holder is None:
            return current
        if holder["username"] != username:
            raise ConflictError(
                f"the document of application {application_id} is assigned to "
                f"{holder['name']} ({holder['username']}), not to you; only they "
                "can release it",
                assignee=holder["username"],
            )
        updated = await self._apply(current, {"assignee": None}, [])
        log.info("delivery.released", application_id=application_id, assignee=username)
        return updated

    async def schedule_appointment(
        self, application_id: str, request: AppointmentRequest, actor: str
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
                actor=actor,
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

    async def dispatch(
        self, application_id: str, request: DispatchRequest, actor: str
    ) -> Document:
        current = await self._dispatchable(application_id)
        village_code = request.village_code or current["village_code"]
        self._check_village(village_code)
        return await self._dispatch(current, village_code, actor, None)

    async def dispatch_batch(
        self, request: BatchDispatchRequest, actor: str
    ) -> Document:
        """Dispatch printed documents of one village together, with one list.

        Every document is checked before any is dispatched, so a document of
        another village, or one that is not printed, rejects the whole batch.
        """
        village_code = request.village_code
        self._check_village(village_code)
        application_ids = list(dict.fromkeys(request.application_ids))
        deliveries = [await self._dispatchable(i) for i in application_ids]
        foreign = [d["_id"] for d in deliveries if d["village_code"] != village_code]
        if foreign:
            raise ValidationFailedError(
                f"application(s) {', '.join(foreign)} belong to a village other "
                f"than {village_code}; dispatch them with their own village's list",
                application_ids=foreign,
            )
        list_id = str(uuid.uuid4())
        dispatched: list[str] = []
        left_behind: list[str] = []
        for delivery in deliveries:
            # NOTE: without multi-document transactions, a delivery that someone
            # else changed after the check above stays behind. The list names
            # it under `left_behind`, and the others are still dispatched.
            try:
                await self._dispatch(delivery, village_code, actor, list_id)
            except ConflictError as error:
                log.warning(
                    "dispatch.item_conflict",
                    application_id=delivery["_id"],
                    dispatch_list_id=list_id,
                    error=error.message,
                )
                left_behind.append(delivery["_id"])
            else:
                dispatched.append(delivery["_id"])
        if not dispatched:
            raise ConflictError(
                "none of the documents could be dispatched because each was "
                "changed by someone else meanwhile; reload the page and try again",
                application_ids=left_behind,
            )
        dispatch_list = await self._repository.add_dispatch_list(
            {
                "_id": list_id,
                "village_code": village_code,
                "application_ids": dispatched,
                "left_behind": left_behind,
                "dispatched_by": actor,
                "dispatched_at": stored_now(),
            }
        )
        log.info(
            "dispatch.list_written",
            dispatch_list_id=list_id,
            village_code=village_code,
            documents=len(dispatched),
        )
        return dispatch_list

    async def dispatch_list(self, list_id: str) -> Document:
        found = await self._repository.get_dispatch_list(list_id)
        if found is None:
            raise NotFoundError(
                f"no dispatch list {list_id!r}; open it from the dispatch page"
            )
        return found

    async def deliveries(self, application_ids: list[str]) -> list[Document]:
        """Return the deliveries with these ids, in the order given."""
        found = await self._repository.get_many(application_ids)
        by_id = {delivery["_id"]: delivery for delivery in found}
        return [by_id[i] for i in application_ids if i in by_id]

    async def _dispatchable(self, application_id: str) -> Document:
        current = await self._in_status(
            application_id, (DeliveryStatus.PRINTED,), "dispatched"
        )
        if current["output"] == Output.CARD_PRINT.value:
            raise ConflictError(
                f"the document of application {application_id} is a card, which the "
                "resident collects in person at the office; hand it over there"
            )
        return current

    def _check_village(self, village_code: str) -> None:
        if self._regency.village(village_code) is None:
            raise ValidationFailedError(
                f"village {village_code!r} is not in {self._regency.name}; dispatch "
                "to one of the regency's village offices"
            )

    async def _dispatch(
        self,
        current: Document,
        village_code: str,
        actor: str,
        list_id: str | None,
    ) -> Document:
        event = self._event(
            current,
            EventType.DOCUMENT_DISPATCHED,
            DocumentDispatched(
                document_id=current["document_id"],
                village_code=village_code,
                actor=actor,
            ),
        )
        changes = {
            "status": DeliveryStatus.DISPATCHED.value,
            "dispatched_to": village_code,
            "dispatched_by": actor,
            "dispatch_list_id": list_id,
            "assignee": None,
        }
        return await self._apply(current, changes, [event])

    async def hand_over(
        self,
        application_id: str,
        request: HandOverRequest,
        actor: str,
        village_code: str | None = None,
    ) -> Document:
        """Record the hand-over with a receipt and enter the deed in the register.

        With `village_code` (a village official's hand-over) only a document
        dispatched to that village is handed over; any other is not found.
        The register entry is written first, keyed by the register number; a
        retry after a crash finds it and reuses its receipt number.
        """
        if village_code is not None:
            await self.get_in_village(application_id, village_code)
        allowed = (DeliveryStatus.DISPATCHED,) if village_code else HANDED_OVER_FROM
        current = await self._in_status(application_id, allowed, "handed over")
        entry = await self._register(current, request, actor)
        handed_over = self._event(
            current,
            EventType.DOCUMENT_HANDED_OVER,
            DocumentHandedOver(
                document_id=current["document_id"],
                register_number=current["register_number"],
                receipt_number=entry["receipt_number"],
                collector_name=request.collector_name,
                collector_nik=request.collector_nik,
                actor=actor,
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
                actor=actor,
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
            "handed_over_by": actor,
            "assignee": None,
        }
        return await self._apply(current, changes, [handed_over, recorded])

    async def _register(
        self, delivery: Document, request: HandOverRequest, actor: str
    ) -> Document:
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
                "recorded_by": actor,
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

    async def get_in_village(self, application_id: str, village_code: str) -> Document:
        """Return a delivery dispatched to `village_code`, else raise NotFoundError.

        A village official may open only what was sent to their village office,
        so another village's document and one not yet dispatched are not found.
        """
        delivery = await self._repository.get(application_id)
        if delivery is None or delivery.get("dispatched_to") != village_code:
            raise NotFoundError(
                f"no document of application {application_id!r} was dispatched to "
                f"village {village_code}; open one from your village's list"
            )
        return delivery

    async def village_deliveries(
        self,
        village_code: str,
        status: DeliveryStatus,
        service_code: str | None = None,
        limit: int = 200,
    ) -> list[DeliveryView]:
        """List the deliveries dispatched to a village in one status.

        Waiting documents come oldest first, handed-over ones newest first.
        """
        newest_first = status is DeliveryStatus.HANDED_OVER
        deliveries = await self._repository.dispatched_to(
            village_code, status.value, service_code, limit, newest_first=newest_first
        )
        return [to_view(delivery) for delivery in deliveries]

    async def queue(
        self,
        status: DeliveryStatus,
        village_code: str | None,
        service_code: str | None = None,
        limit: int = 200,
    ) -> list[DeliveryView]:
        """List deliveries in `status`, oldest first, of a village and service.

        Raises ValidationFailedError for a village outside the regency or a
        service code outside the catalogue.
        """
        if village_code is not None:
            village_code = self.checked_village_filter(village_code)
        if service_code is not None:
            self._check_service_filter(service_code)
        deliveries = await self._repository.queue(
            status.value, village_code, service_code, limit
        )
        return [to_view(delivery) for delivery in deliveries]

    def checked_village_filter(self, village_code: str) -> str:
        """Return the village code in dotted form, or raise for an unknown one."""
        try:
            village = self._regency.village(village_code)
        except ValueError:
            village = None
        if village is None:
            villages = self._regency.villages
            raise ValidationFailedError(
                f"village {village_code!r} is not a village of {self._regency.name}; "
                f"filter by one of its {len(villages)} village codes as listed in the "
                f"village filter (such as {villages[0].code}), or leave it empty for "
                "every village",
                field="village_code",
            )
        return village.code

    def _check_service_filter(self, service_code: str) -> None:
        codes = self._catalogue.codes
        if service_code not in codes:
            raise ValidationFailedError(
                f"service {service_code!r} is not in the catalogue; filter by one of "
                f"{', '.join(codes)}, or leave it empty for every service",
                field="service_code",
            )

    async def search_register(
        self, search: RegisterSearch, limit: int = 100
    ) -> list[RegisterEntry]:
        """Find the register entries that match every given criterion."""
        if search.service_code:
            self._check_service_filter(search.service_code)
        if search.date_from and search.date_to and search.date_from > search.date_to:
            raise ValidationFailedError(
                f"date_from {search.date_from} is after date_to {search.date_to}; "
                "swap the dates"
            )
        entries = await self._repository.find_in_register(search.query(), limit)
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
        assignee=delivery.get("assignee"),
        dispatch_list_id=delivery.get("dispatch_list_id"),
    )


def to_dispatch_list_view(dispatch_list: Document) -> DispatchListView:
    return DispatchListView(
        dispatch_list_id=dispatch_list["_id"],
        village_code=dispatch_list["village_code"],
        application_ids=dispatch_list["application_ids"],
        left_behind=dispatch_list["left_behind"],
        dispatched_by=dispatch_list["dispatched_by"],
        dispatched_at=dispatch_list["dispatched_at"],
    )
