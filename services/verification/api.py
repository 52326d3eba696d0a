"""HTTP routes of the verification service: operator and verifier queues."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.verification.schemas import (
    CaseStatus,
    CaseView,
    DraftRequest,
    ReturnRequest,
    StaffAction,
)
from services.verification.service import VerificationService, to_view
from shared.catalogue import Division

router = APIRouter()


def get_service(request: Request) -> VerificationService:
    service: VerificationService = request.app.state.service
    return service


Service = Annotated[VerificationService, Depends(get_service)]
DivisionFilter = Annotated[Division | None, Query(description="Only this division")]


@router.get("/queues/operator", tags=["operator"])
async def operator_queue(
    service: Service, division: DivisionFilter = None
) -> list[CaseView]:
    """List cases awaiting a draft, oldest first."""
    return await service.queue(CaseStatus.AWAITING_DRAFT, division)


@router.get("/queues/verifier", tags=["verifier"])
async def verifier_queue(
    service: Service, division: DivisionFilter = None
) -> list[CaseView]:
    """List drafted cases awaiting verification, oldest first."""
    return await service.queue(CaseStatus.AWAITING_VERIFICATION, division)


@router.get("/cases/{application_id}", tags=["operator", "verifier"])
async def get_case(application_id: str, service: Service) -> CaseView:
    """Show one case with the resident's form, files and the draft."""
    return to_view(await service.get(application_id))


@router.get("/cases/{application_id}/draft-template", tags=["operator"])
async def draft_template(application_id: str, service: Service) -> dict[str, Any]:
    """Return a draft prefilled from the form; the operator fills each empty string."""
    return service.draft_template(await service.get(application_id))


@router.post("/cases/{application_id}/draft", tags=["operator"])
async def record_draft(
    application_id: str, request: DraftRequest, service: Service
) -> CaseView:
    """Record the operator's draft and pass the case to a verifier."""
    return to_view(await service.record_draft(application_id, request))


@router.post("/cases/{application_id}/verify", tags=["verifier"])
async def verify(
    application_id: str, action: StaffAction, service: Service
) -> CaseView:
    """Confirm that draft and papers agree; the case goes to the head for signing."""
    return to_view(await service.verify(application_id, action.actor))


@router.post("/cases/{application_id}/return", tags=["verifier"])
async def return_case(
    application_id: str, request: ReturnRequest, service: Service
) -> CaseView:
    """Send the draft back to the operator with the reason."""
    return to_view(await service.return_to_operator(application_id, request))
