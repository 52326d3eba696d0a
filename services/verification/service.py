"""Verification stage: the operator drafts the document, a verifier checks it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog

from services.verification.drafts import (
    PlaceNames,
    check_templates,
    prefill,
    validate_draft,
)
from services.verification.repository import CaseRepository
from services.verification.schemas import (
    CaseStatus,
    CaseView,
)
from shared.auth.roles import Principal, Role
from shared.catalogue import Catalogue, Division, UnknownServiceError
from shared.consumer import PermanentError
from shared.database import Document
from shared.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from shared.events import (
    Applicant,
    ApplicationAccepted,
    ApplicationDrafted,
    ApplicationReturned,
    ApplicationVerified,
    Envelope,
    EventType,
    new_event,
)

log = structlog.get_logger()

SOURCE = "/dompak/verification"
SIGNING_STAGE = "signing"
# The role that works on a case in each open status; assign-to-self checks it.
STAGE_ROLES = {
    CaseStatus.AWAITING_DRAFT.value: Role.OPERATOR,
    CaseStatus.AWAITING_VERIFICATION.value: Role.VERIFIER,
}


class VerificationService:
    def __init__(
        self,
        repository: CaseRepository,
        catalogue: Catalogue,
        places: PlaceNames,
        on_outbox_written: Callable[[], None],
    ) -> None:
        """Raise UnknownTemplateError when a catalogue service names no known draft."""
        check_templates(entry.template for entry in catalogue.services)
        self._catalogue = catalogue
        self._places = places
        self._repository = repository
        self._on_outbox_written = on_outbox_written

    async def open_case(self, event: Envelope) -> None:
        """Open a case for an accepted application; a redelivery changes nothing."""
        accepted = ApplicationAccepted.model_validate(event.data)
        try:
            division = self._catalogue.service(accepted.service_code).division
        except UnknownServiceError as error:
            raise PermanentError(
                f"{error}; add the service to the catalogue of the verification "
                "service too"
            ) from None
        created = await self._repository.cases.insert(
            {
                "_id": event.subject,
                "tracking_code": accepted.tracking_code,
                "service_code": accepted.service_code,
                "division": division.value,
                "status": CaseStatus.AWAITING_DRAFT.value,
                "applicant": accepted.applicant.model_dump(mode="json"),
                "village_code": accepted.village_code,
                "form": accepted.form,
                "files": [f.model_dump(mode="json") for f in accepted.files],
                "draft": None,
                "drafted_by": None,
                "returns": [],
                "assignee": None,
                "correlation_id": event.correlationid,
                "opened_by_event": event.id,
                "received_at": datetime.now(UTC),
            },
            [],
        )
        if created:
            log.info("case.opened", division=division.value)
        else:
            log.info("case.duplicate_ignored")

    def draft_template(self, case: Document) -> dict[str, Any]:
        """Prefill a draft of the service's document from the resident's form."""
        return prefill(self._template(case), case["form"], self._places)

    async def record_draft(
        self, application_id: str, draft: Mapping[str, Any], actor: str
    ) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_DRAFT, "drafted"
        )
        checked = validate_draft(
            self._template(current), draft, current["form"], self._places.today()
        )
        event = self._event(
            current,
            EventType.APPLICATION_DRAFTED,
            ApplicationDrafted(
                division=current["division"], draft=checked, actor=actor
            ),
        )
        changes = {
            "status": CaseStatus.AWAITING_VERIFICATION.value,
            "draft": checked,
            "drafted_by": actor,
            "assignee": None,
        }
        return await self._apply(current, changes, event)

    async def verify(self, application_id: str, actor: str) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_VERIFICATION, "verified"
        )
        if same_staff(actor, current["drafted_by"]):
            raise ForbiddenError(
                f"{actor} drafted application {application_id}, so another verifier "
                "must check it (four-eyes rule)"
            )
        event = self._event(
            current,
            EventType.APPLICATION_VERIFIED,
            ApplicationVerified(
                service_code=current["service_code"],
                tracking_code=current["tracking_code"],
                applicant=Applicant.model_validate(current["applicant"]),
                village_code=current["village_code"],
                division=current["division"],
                draft=current["draft"],
                actor=actor,
            ),
        )
        changes = {
            "status": CaseStatus.VERIFIED.value,
            "verified_by": actor,
            "assignee": None,
        }
        return await self._apply(current, changes, event)

    async def return_to_operator(
        self, application_id: str, reason: str, actor: str
    ) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_VERIFICATION, "returned"
        )
        event = self._event(
            current,
            EventType.APPLICATION_RETURNED,
            ApplicationReturned(stage="verification", reason=reason, actor=actor),
        )
        returned = {
            "stage": "verification",
            "reason": reason,
            "actor": actor,
            "at": datetime.now(UTC).isoformat(),
        }
        changes = {
            "status": CaseStatus.AWAITING_DRAFT.value,
            "returns": [*current["returns"], returned],
            "assignee": None,
        }
        return await self._apply(current, changes, event)

    async def return_from_signing(self, event: Envelope) -> None:
        """Reopen a verified case that the head returned, once per event id.

        The signing service has published the return already, so this change
        publishes no event of its own.
        """
        returned = ApplicationReturned.model_validate(event.data)
        case = await self._repository.get(event.subject)
        if case is None:
            raise PermanentError(
                f"the signing service returned application {event.subject}, but "
                "verification has no case for it; check the verification database, "
                "then replay the event from the dead-letter topic"
            )
        if any(entry.get("event_id") == event.id for entry in case["returns"]):
            log.info("case.return_duplicate_ignored")
            return
        if returned.stage != SIGNING_STAGE or case["status"] != CaseStatus.VERIFIED:
            log.warning(
                "case.return_ignored", stage=returned.stage, status=case["status"]
            )
            return
        entry = {
            "stage": returned.stage,
            "reason": returned.reason,
            "actor": returned.actor,
            "at": event.time.isoformat(),
            "event_id": event.id,
        }
        changes = {
            "status": CaseStatus.AWAITING_DRAFT.value,
            "returns": [*case["returns"], entry],
            "assignee": None,
        }
        await self._apply(case, changes, None)
        log.info("case.returned_from_signing", actor=returned.actor)

    async def assign(self, application_id: str, staff: Principal) -> Document:
        """Mark the case as worked on by `staff`; a repeat by the same staff is a no-op.

        Only a holder of the role of the case's current stage may take it, and
        the operator who drafted a case may not take it for verification.
        """
        current = await self.get(application_id)
        role = STAGE_ROLES.get(current["status"])
        if role is None:
            raise ConflictError(
                f"application {application_id} is {current['status']}, so nobody "
                "works on it in verification any more",
                status=current["status"],
            )
        if role not in staff.roles:
            raise ForbiddenError(
                f"application {application_id} is {current['status']}, which is "
                f"work for the role {role}; your account does not hold it",
                needed=[role.value],
            )
        if role is Role.VERIFIER and same_staff(staff.subject, current["drafted_by"]):
            raise ForbiddenError(
                f"{staff.subject} drafted application {application_id}, so another "
                "verifier must check it (four-eyes rule)"
            )
        holder = current.get("assignee")
        if holder is not None:
            if same_staff(holder["username"], staff.subject):
                return current
            raise ConflictError(
                f"application {application_id} is assigned to {holder['name']} "
                f"({holder['username']}); ask them to release it first",
                assignee=holder["username"],
            )
        now = datetime.now(UTC)
        # BSON dates keep milliseconds; trimming here makes the returned case
        # equal to the stored one.
        at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        assignee = {"username": staff.subject, "name": staff.name, "at": at}
        assigned = await self._apply(current, {"assignee": assignee}, None)
        log.info("case.assigned", application_id=application_id, actor=staff.subject)
        return assigned

    async def release(self, application_id: str, actor: str) -> Document:
        """Clear the assignee; only the assignee may release an assigned case."""
        current = await self.get(application_id)
        holder = current.get("assignee")
        if holder is None:
            return current
        if not same_staff(holder["username"], actor):
            raise ForbiddenError(
                f"application {application_id} is assigned to {holder['name']} "
                f"({holder['username']}), so only they can release it"
            )
        released = await self._apply(current, {"assignee": None}, None)
        log.info("case.released", application_id=application_id, actor=actor)
        return released

    async def get(self, application_id: str) -> Document:
        case = await self._repository.get(application_id)
        if case is None:
            raise NotFoundError(
                f"no verification case for application {application_id!r}; it may "
                "not have been accepted by the front office yet"
            )
        return case

    async def queue(
        self,
        status: CaseStatus,
        division: str | None,
        *,
        service_code: str | None = None,
        assignee: str | None = None,
        limit: int = 200,
    ) -> list[CaseView]:
        """List cases in `status`, oldest first, filtered by the given values."""
        self._check_filters(division, service_code)
        cases = await self._repository.queue(
            status.value,
            division,
            service_code=service_code,
            assignee=assignee,
            limit=limit,
        )
        return [to_view(case) for case in cases]

    async def queue_size(
        self,
        status: CaseStatus,
        division: str | None,
        *,
        service_code: str | None = None,
        assignee: str | None = None,
    ) -> int:
        """Count the cases that `queue` lists with the same filters, without a limit."""
        self._check_filters(division, service_code)
        return await self._repository.count(
            status.value, division, service_code=service_code, assignee=assignee
        )

    def _check_filters(self, division: str | None, service_code: str | None) -> None:
        """Raise for a division or service code that no case can have."""
        divisions = [d.value for d in Division]
        if division is not None and division not in divisions:
            raise ValidationFailedError(
                f"division {division!r} is not a division of the office; filter by "
                f"{' or '.join(divisions)}, or leave it empty for every division",
                field="division",
            )
        codes = self._catalogue.codes
        if service_code is not None and service_code not in codes:
            raise ValidationFailedError(
                f"service {service_code!r} is not in the catalogue; filter by one of "
                f"{', '.join(codes)}, or leave it empty for every service",
                field="service_code",
            )

    def service_standard_days(self, service_code: str) -> int | None:
        """Return the service standard in days, or None for a withdrawn service."""
        try:
            return self._catalogue.service(service_code).standard_days
        except UnknownServiceError:
            return None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def _template(self, case: Document) -> str:
        try:
            return self._catalogue.service(case["service_code"]).template
        except UnknownServiceError as error:
            raise ConflictError(
                f"{error}; the catalogue no longer offers the service of application "
                f"{case['_id']}, so restore the service entry to draft it"
            ) from None

    async def _case_in(
        self, application_id: str, status: CaseStatus, action: str
    ) -> Document:
        case = await self.get(application_id)
        if case["status"] != status.value:
            raise ConflictError(
                f"application {application_id} is {case['status']}, so it cannot be "
                f"{action}; it must be {status.value}",
                status=case["status"],
            )
        return case

    def _event(self, case: Document, event_type: EventType, payload: Any) -> Envelope:
        return new_event(
            source=SOURCE,
            event_type=event_type,
            application_id=case["_id"],
            payload=payload,
            correlation_id=case["correlation_id"],
        )

    async def _apply(
        self, current: Document, changes: dict[str, Any], event: Envelope | None
    ) -> Document:
        events = [event] if event is not None else []
        return await self._repository.cases.apply(
            current, changes, events, on_written=self._on_outbox_written
        )


def same_staff(first: str | None, second: str | None) -> bool:
    """Tell whether two staff usernames match, ignoring case and outer white space."""
    if first is None or second is None:
        return False
    return first.strip().casefold() == second.strip().casefold()


def to_view(case: Document) -> CaseView:
    return CaseView(
        application_id=case["_id"],
        tracking_code=case["tracking_code"],
        service_code=case["service_code"],
        division=case["division"],
        status=case["status"],
        applicant_name=case["applicant"]["name"],
        village_code=case["village_code"],
        form=case["form"],
        files=case["files"],
        draft=case["draft"],
        drafted_by=case["drafted_by"],
        returns=case["returns"],
        assignee=case.get("assignee"),
        received_at=case["received_at"],
    )
