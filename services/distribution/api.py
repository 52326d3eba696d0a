"""HTTP routes of the distribution service.

Every route needs a staff session: actions take the role distribution, and
reads also admit ops. A village official may also record the hand-over of a
document dispatched to their village. The acting staff member is the
session's username.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.distribution.pages import (
    QUEUE_FILTERS,
    delivery_status_filter,
    register_page,
    register_results,
    village_of,
)
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
from services.distribution.service import (
    DistributionService,
    to_dispatch_list_view,
    to_view,
)
from shared.auth import Principal, Role
from shared.auth.web import staff_with
from shared.pages import wants_html
from shared.web import reject_unknown_filters

router = APIRouter()


def get_service(request: Request) -> DistributionService:
    service: DistributionService = request.app.state.service
    return service


Service = Annotated[DistributionService, Depends(get_service)]
Clerk = Annotated[Principal, Depends(staff_with(Role.DISTRIBUTION))]
Reader = Annotated[Principal, Depends(staff_with(Role.DISTRIBUTION, Role.OPS))]
# A village official hands over only documents dispatched to their village.
HandOverActor = Annotated[
    Principal, Depends(staff_with(Role.DISTRIBUTION, Role.VILLAGE))
]


@router.get("/queue", tags=["distribution"])
async def delivery_queue(
    request: Request,
    service: Service,
    reader: Reader,
    status: Annotated[
        str,
        Query(
            max_length=40,
            description="Delivery status; empty means awaiting_print",
        ),
    ] = DeliveryStatus.AWAITING_PRINT.value,
    village_code: Annotated[str | None, Query(description="Only this village")] = None,
    service_code: Annotated[str | None, Query(description="Only this service")] = None,
) -> list[DeliveryView]:
    """List deliveries in one status (default: awaiting print), oldest first."""
    reject_unknown_filters(request, QUEUE_FILTERS)
    return await service.queue(
        delivery_status_filter(status), village_code or None, service_code or None
    )


@router.get("/deliveries/{application_id}", tags=["distribution"])
async def get_delivery(
    application_id: str, service: Service, reader: Reader
) -> DeliveryView:
    """Show one delivery."""
    return to_view(await service.get(application_id))


@router.get("/deliveries/{application_id}/pdf", tags=["distribution"])
async def delivery_pdf(application_id: str, service: Service, clerk: Clerk) -> Response:
    """Return the signed PDF for printing."""
    pdf = await service.document_pdf(application_id)
    return Response(content=pdf, media_type="application/pdf")


@router.post("/deliveries/{application_id}/assign", tags=["distribution"])
async def assign_delivery(
    application_id: str, service: Service, clerk: Clerk
) -> DeliveryView:
    """Take the delivery to work on it; 409 when a colleague has taken it."""
    delivery = await service.assign(application_id, clerk.subject, clerk.name)
    return to_view(delivery)


@router.post("/deliveries/{application_id}/release", tags=["distribution"])
async def release_delivery(
    application_id: str, service: Service, clerk: Clerk
) -> DeliveryView:
    """Give back a delivery you took, so a colleague can take it."""
    return to_view(await service.release(application_id, clerk.subject))


@router.post("/deliveries/{application_id}/print", tags=["distribution"])
async def mark_printed(
    application_id: str, service: Service, clerk: Clerk
) -> DeliveryView:
    """Record that the document was printed."""
    return to_view(await service.mark_printed(application_id, clerk.subject))


@router.post("/deliveries/{application_id}/appointment", tags=["distribution"])
async def schedule_appointment(
    application_id: str, request: AppointmentRequest, service: Service, clerk: Clerk
) -> DeliveryView:
    """Book the visit for biometric recording and card collection (KTP-el)."""
    delivery = await service.schedule_appointment(
        application_id, request, clerk.subject
    )
    return to_view(delivery)


@router.post("/deliveries/{application_id}/dispatch", tags=["distribution"])
async def dispatch(
    application_id: str,
    service: Service,
    clerk: Clerk,
    request: DispatchRequest | None = None,
) -> DeliveryView:
    """Send the printed document to the village office for hand-over.

    Without a body the document goes to the applicant's village office.
    """
    delivery = await service.dispatch(
        application_id, request or DispatchRequest(), clerk.subject
    )
    return to_view(delivery)


@router.post("/dispatches", tags=["distribution"])
async def dispatch_batch(
    request: BatchDispatchRequest, service: Service, clerk: Clerk
) -> DispatchListView:
    """Dispatch several printed documents of one village with one dispatch list."""
    dispatch_list = await service.dispatch_batch(request, clerk.subject)
    return to_dispatch_list_view(dispatch_list)


@router.get("/dispatches/{dispatch_list_id}", tags=["distribution"])
async def get_dispatch_list(
    dispatch_list_id: str, service: Service, reader: Reader
) -> DispatchListView:
    """Show one dispatch list."""
    return to_dispatch_list_view(await service.dispatch_list(dispatch_list_id))


@router.post("/deliveries/{application_id}/hand-over", tags=["distribution"])
async def hand_over(
    application_id: str,
    request: HandOverRequest,
    service: Service,
    actor: HandOverActor,
) -> DeliveryView:
    """Hand the document over against a receipt and record it in the register.

    A village official may hand over only a document dispatched to their
    village; any other document returns 404.
    """
    delivery = await service.hand_over(
        application_id, request, actor.subject, village_of(actor)
    )
    return to_view(delivery)


@router.get("/register", tags=["distribution"], response_model=list[RegisterEntry])
async def search_register(
    request: Request,
    service: Service,
    reader: Reader,
    search: Annotated[RegisterSearch, Query()],
) -> Response | list[RegisterEntry]:
    """Search the register book by number, name, service and recording date.

    A browser navigation (Accept: text/html) gets the register search page.
    """
    if wants_html(request):
        entries, error = await register_results(request, service, search)
        return register_page(request, service, search, entries, error)
    return await service.search_register(search)
