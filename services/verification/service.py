"""Verification stage: the operator drafts the document, a verifier checks it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog

from services.verification.repository import CaseRepository
from services.verification.schemas import (
    BirthDeedDraft,
    CaseStatus,
    CaseView,
    DraftRequest,
    ReturnRequest,
)
from shared.catalogue import Catalogue, UnknownServiceError
from shared.consumer import PermanentError
from shared.database import Document
from shared.errors import ConflictError, ForbiddenError, NotFoundError
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


class VerificationService:
    def __init__(
        self,
        repository: CaseRepository,
        catalogue: Catalogue,
        on_outbox_written: Callable[[], None],
    ) -> None:
        self._catalogue = catalogue
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

    def draft_template(self, case: Document) -> BirthDeedDraft:
        """Prefill a birth-deed draft from the resident's form."""
        form = case["form"]
        father = form.get("father")
        return BirthDeedDraft(
            child_name=form["child"]["name"],
            child_sex=form["child"]["sex"],
            birth_date=form["child"]["birth_date"],
            birth_place=form["child"]["birth_place"],
            birth_order=form["child"]["birth_order"],
            father_name=father["name"] if father else None,
            mother_name=form["mother"]["name"],
        )

    async def record_draft(
        self, application_id: str, request: DraftRequest
    ) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_DRAFT, "drafted"
        )
        event = self._event(
            current,
            EventType.APPLICATION_DRAFTED,
            ApplicationDrafted(
                division=current["division"],
                draft=request.draft.model_dump(mode="json"),
                actor=request.actor,
            ),
        )
        changes = {
            "status": CaseStatus.AWAITING_VERIFICATION.value,
            "draft": request.draft.model_dump(mode="json"),
            "drafted_by": request.actor,
        }
        return await self._apply(current, changes, event)

    async def verify(self, application_id: str, actor: str) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_VERIFICATION, "verified"
        )
        if actor == current["drafted_by"]:
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
        changes = {"status": CaseStatus.VERIFIED.value, "verified_by": actor}
        return await self._apply(current, changes, event)

    async def return_to_operator(
        self, application_id: str, request: ReturnRequest
    ) -> Document:
        current = await self._case_in(
            application_id, CaseStatus.AWAITING_VERIFICATION, "returned"
        )
        event = self._event(
            current,
            EventType.APPLICATION_RETURNED,
            ApplicationReturned(
                stage="verification", reason=request.reason, actor=request.actor
            ),
        )
        returned = {
            "reason": request.reason,
            "actor": request.actor,
            "at": datetime.now(UTC).isoformat(),
        }
        changes = {
            "status": CaseStatus.AWAITING_DRAFT.value,
            "returns": [*current["returns"], returned],
        }
        return await self._apply(current, changes, event)

    async def get(self, application_id: str) -> Document:
        case = await self._repository.get(application_id)
        if case is None:
            raise NotFoundError(
                f"no verification case for application {application_id!r}; it may "
                "not have been accepted by the front office yet"
            )
        return case

    async def queue(
        self, status: CaseStatus, division: str | None, limit: int = 200
    ) -> list[CaseView]:
        cases = await self._repository.queue(status.value, division, limit)
        return [to_view(case) for case in cases]

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
        event = new_event(
            source=SOURCE,
            event_type=event_type,
            application_id=case["_id"],
            payload=payload,
        )
        return event.model_copy(update={"correlationid": case["correlation_id"]})

    async def _apply(
        self, current: Document, changes: dict[str, Any], event: Envelope
    ) -> Document:
        return await self._repository.cases.apply(
            current, changes, [event], on_written=self._on_outbox_written
        )


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
        received_at=case["received_at"],
    )
