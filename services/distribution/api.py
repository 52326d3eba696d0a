"""HTTP routes of the distribution service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.distribution.schemas import (
    AppointmentRequest,
    DeliveryStatus,
    DeliveryView,
    DispatchRequest,
    HandOverRequest,
    RegisterEntry,
    StaffAction,
)
from services.distribution.service import DistributionService, to_view

router = APIRouter()


def get_service(request: Request) -> DistributionService:
    service: DistributionService = request.app.state.service
    return service


Service = Annotated[DistributionService, Depends(get_service)]


@router.get("/queue", tags=["distribution"])
async def delivery_queue(
    service: Service,
    status: DeliveryStatus = DeliveryStatus.AWAITING_PRINT,
    village_code: Annotated[str | None, Query(description="Only this village")] = None,
) -> list[DeliveryView]:
    """List deliveries in one status (default: awaiting print), oldest first."""
    return await service.queue(status, village_code)


@router.get("/deliveries/{application_id}", tags=["distribution"])
async def get_delivery(application_id: str, service: Service) -> DeliveryView:
    """Show one delivery."""
    return to_view(await service.get(application_id))


@router.get("/deliveries/{application_id}/pdf", tags=["distribution"])
async def delivery_pdf(application_id: str, service: Service) -> Response:
    """Return the signed PDF for printing."""
    pdf = await service.document_pdf(application_id)
    return Response(content=pdf, media_type="application/pdf")


@router.post("/deliveries/{application_id}/print", tags=["distribution"])
async def mark_printed(
    application_id: str, action: StaffAction, service: Service
) -> DeliveryView:
    """Record that the document was printed."""
    return to_view(await service.mark_printed(application_id, action.actor))


@router.post("/deliveries/{application_id}/appointment", tags=["distribution"])
async def schedule_appointment(
    application_id: str, request: AppointmentRequest, service: Service
) -> DeliveryView:
    """Book the visit for biometric recording and card collection (KTP-el)."""
    return to_view(await service.schedule_appointment(application_id, request))


@router.post("/deliveries/{application_id}/dispatch", tags=["distribution"])
async def dispatch(
    application_id: str, request: DispatchRequest, service: Service
) -> DeliveryView:
    """Send the printed document to the village office for hand-over."""
    return to_view(await service.dispatch(application_id, request))


@router.post("/deliveries/{application_id}/hand-over", tags=["distribution"])
async def hand_over(
    application_id: str, request: HandOverRequest, service: Service
) -> DeliveryView:
    """Hand the document over against a receipt and record it in the register."""
    return to_view(await service.hand_over(application_id, request))


@router.get("/register", tags=["distribution"])
async def search_register(
    service: Service,
    number: Annotated[str | None, Query(description="Exact register number")] = None,
    name: Annotated[str | None, Query(description="Exact name on the document")] = None,
) -> list[RegisterEntry]:
    """Search the register book by number or name."""
    return await service.search_register(number, name)
