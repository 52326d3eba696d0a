"""HTTP routes of the verification service: operator and verifier queues."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.verification.schemas import (
    CaseStatus,
    CaseView,
    DraftRequest,
    ReturnRequest,
)
from services.verification.service import VerificationService, to_view
from shared.auth import Principal, Role, staff_with
from shared.web import reject_unknown_filters

router = APIRouter()


def get_service(request: Request) -> VerificationService:
    service: VerificationService = request.app.state.service
    return service


Service = Annotated[VerificationService, Depends(get_service)]
DivisionFilter = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Only this division: pendaftaran_penduduk or pencatatan_sipil",
    ),
]
ServiceFilter = Annotated[
    str | None, Query(max_length=40, description="Only this catalogue service code")
]
QueueLimit = Annotated[
    int, Query(ge=1, le=1000, description="Return at most this many cases")
]
AssigneeFilter = Annotated[
    str | None, Query(max_length=40, description="Only cases assigned to this username")
]
Operator = Annotated[Principal, Depends(staff_with(Role.OPERATOR))]
Verifier = Annotated[Principal, Depends(staff_with(Role.VERIFIER))]
OperatorQueueReader = Annotated[Principal, Depends(staff_with(Role.OPERATOR, Role.OPS))]
VerifierQueueReader = Annotated[Principal, Depends(staff_with(Role.VERIFIER, Role.OPS))]
CaseReader = Annotated[
    Principal, Depends(staff_with(Role.OPERATOR, Role.VERIFIER, Role.OPS))
]
CaseWorker = Annotated[Principal, Depends(staff_with(Role.OPERATOR, Role.VERIFIER))]


QUEUE_FILTERS = ("division", "service_code", "assignee", "limit")


@router.get("/queues/operator", tags=["operator"])
async def operator_queue(
    request: Request,
    service: Service,
    _: OperatorQueueReader,
    division: DivisionFilter = None,
    service_code: ServiceFilter = None,
    assignee: AssigneeFilter = None,
    limit: QueueLimit = 200,
) -> list[CaseView]:
    """List cases awaiting a draft, oldest first."""
    reject_unknown_filters(request, QUEUE_FILTERS)
    return await service.queue(
        CaseStatus.AWAITING_DRAFT,
        division or None,
        service_code=service_code or None,
        assignee=assignee or None,
        limit=limit,
    )


@router.get("/queues/verifier", tags=["verifier"])
async def verifier_queue(
    request: Request,
    service: Service,
    _: VerifierQueueReader,
    division: DivisionFilter = None,
    service_code: ServiceFilter = None,
    assignee: AssigneeFilter = None,
    limit: QueueLimit = 200,
) -> list[CaseView]:
    """List drafted cases awaiting verification, oldest first."""
    reject_unknown_filters(request, QUEUE_FILTERS)
    return await service.queue(
        CaseStatus.AWAITING_VERIFICATION,
        division or None,
        service_code=service_code or None,
        assignee=assignee or None,
        limit=limit,
    )


@router.get("/cases/{application_id}", tags=["operator", "verifier"])
async def get_case(application_id: str, service: Service, _: CaseReader) -> CaseView:
    """Show one case with the resident's form, files and the draft."""
    return to_view(await service.get(application_id))


@router.get("/cases/{application_id}/draft-template", tags=["operator"])
async def draft_template(
    application_id: str, service: Service, _: Operator
) -> dict[str, Any]:
    """Return a draft prefilled from the form; the operator fills each empty string."""
    return service.draft_template(await service.get(application_id))


@router.post("/cases/{application_id}/draft", tags=["operator"])
async def record_draft(
    application_id: str, request: DraftRequest, service: Service, staff: Operator
) -> CaseView:
    """Record the signed-in operator's draft and pass the case to a verifier."""
    case = await service.record_draft(application_id, request.draft, staff.subject)
    return to_view(case)


@router.post("/cases/{application_id}/verify", tags=["verifier"])
async def verify(application_id: str, service: Service, staff: Verifier) -> CaseView:
    """Confirm that draft and papers agree; the case goes to the head for signing."""
    return to_view(await service.verify(application_id, staff.subject))


@router.post("/cases/{application_id}/return", tags=["verifier"])
async def return_case(
    application_id: str, request: ReturnRequest, service: Service, staff: Verifier
) -> CaseView:
    """Send the draft back to the operator with the reason."""
    case = await service.return_to_operator(
        application_id, request.reason, staff.subject
    )
    return to_view(case)


@router.post("/cases/{application_id}/assign", tags=["operator", "verifier"])
async def assign(application_id: str, service: Service, staff: CaseWorker) -> CaseView:
    """Mark the case as being worked on by the signed-in operator or verifier."""
    return to_view(await service.assign(application_id, staff))


@router.post("/cases/{application_id}/release", tags=["operator", "verifier"])
async def release(application_id: str, service: Service, staff: CaseWorker) -> CaseView:
    """Clear the assignee; only the assignee may release a case."""
    return to_view(await service.release(application_id, staff.subject))
