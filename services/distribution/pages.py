"""Pages of the distribution desk: print queue, dispatch, hand-over, register.

Reading pages admit the roles distribution and ops, and actions need
distribution. A village official may list the documents dispatched to their
village (/distribusi/desa), record their hand-over and open the receipt, and
nothing else. Forms post as plain HTML forms (the hand-over and dispatch
work without JavaScript). Buttons in the print queue post with htmx and the
queue reloads itself every 5 seconds and after each action.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from services.distribution.schemas import (
    AppointmentRequest,
    BatchDispatchRequest,
    DeliveryStatus,
    HandOverRequest,
    RegisterSearch,
)
from services.distribution.service import DistributionService
from shared.auth import Principal, Role
from shared.auth.web import staff_with
from shared.catalogue import Output
from shared.database import Document
from shared.errors import ForbiddenError, ServiceError, ValidationFailedError
from shared.pages import Pages, language
from shared.web import reject_unknown_filters

log = structlog.get_logger()

router = APIRouter(include_in_schema=False)

# Tells the print queue (hx-trigger "antrian from:body") to reload itself.
QUEUE_CHANGED = {"HX-Trigger": "antrian"}
STATUS_LABELS: dict[DeliveryStatus, tuple[str, str]] = {
    DeliveryStatus.AWAITING_PRINT: ("Menunggu cetak", "Awaiting print"),
    DeliveryStatus.AWAITING_APPOINTMENT: ("Menunggu jadwal", "Awaiting appointment"),
    DeliveryStatus.APPOINTMENT_SCHEDULED: ("Terjadwal", "Appointment booked"),
    DeliveryStatus.PRINTED: ("Sudah dicetak", "Printed"),
    DeliveryStatus.DISPATCHED: ("Dikirim ke desa", "Sent to the village"),
    DeliveryStatus.HANDED_OVER: ("Sudah diserahkan", "Handed over"),
}
FIELD_LABELS = {
    "collector_name": ("Nama penerima", "Collector's name"),
    "collector_nik": ("NIK penerima", "Collector's NIK"),
    "relationship": ("Hubungan dengan pemohon", "Relation to the applicant"),
    "starts_at": ("Waktu kunjungan", "Visit time"),
    "place": ("Tempat", "Place"),
    "village_code": ("Desa", "Village"),
    "application_ids": ("Dokumen", "Documents"),
}


def get_service(request: Request) -> DistributionService:
    service: DistributionService = request.app.state.service
    return service


def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


Service = Annotated[DistributionService, Depends(get_service)]
PageRenderer = Annotated[Pages, Depends(get_pages)]
Clerk = Annotated[Principal, Depends(staff_with(Role.DISTRIBUTION))]
Reader = Annotated[Principal, Depends(staff_with(Role.DISTRIBUTION, Role.OPS))]
VillageOfficial = Annotated[Principal, Depends(staff_with(Role.VILLAGE))]
# Hand-over and receipt also admit a village official, limited to documents
# dispatched to their village (see `delivery_for`).
HandOverActor = Annotated[
    Principal, Depends(staff_with(Role.DISTRIBUTION, Role.VILLAGE))
]
ReceiptReader = Annotated[
    Principal, Depends(staff_with(Role.DISTRIBUTION, Role.OPS, Role.VILLAGE))
]
# Statuses of a village official's list: documents waiting at the village
# office, and those already handed over there.
VILLAGE_STATUSES = (DeliveryStatus.DISPATCHED, DeliveryStatus.HANDED_OVER)


def village_of(principal: Principal) -> str | None:
    """Return the village a village official is limited to; None for office staff."""
    if not principal.is_village_official:
        return None
    if not principal.village_code:
        raise ForbiddenError(
            "your village official account has no village code; ask the admin to set it"
        )
    return principal.village_code


async def delivery_for(
    service: DistributionService, principal: Principal, application_id: str
) -> Document:
    """Return a delivery the principal may open; 404 for another village's."""
    village_code = village_of(principal)
    if village_code is None:
        return await service.get(application_id)
    return await service.get_in_village(application_id, village_code)


def age_text(since: datetime, lang: str, now: datetime | None = None) -> str:
    """Format the time since `since` as days and hours, or minutes when short."""
    elapsed = (now or datetime.now(UTC)) - since
    minutes = max(int(elapsed.total_seconds() // 60), 0)
    days, hours = minutes // 1440, minutes % 1440 // 60
    day, hour, minute = ("d", "h", "min") if lang == "en" else ("hari", "jam", "mnt")
    if days:
        return f"{days} {day} {hours} {hour}"
    if hours:
        return f"{hours} {hour}"
    return f"{minutes} {minute}"


def problems_text(error: ValidationError, lang: str) -> str:
    """Join pydantic's problems into one sentence per field, with page labels."""
    parts = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        label = FIELD_LABELS.get(field, (field, field))[1 if lang == "en" else 0]
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{label}: {message}")
    return "; ".join(parts)


def lookups(service: DistributionService) -> dict[str, Any]:
    """Catalogue and area names the templates show in place of codes."""
    regency = service.regency
    return {
        "services": service.catalogue.services,
        "service_names": {
            entry.code: (entry.name_id, entry.name_en)
            for entry in service.catalogue.services
        },
        "standards": {
            entry.code: entry.standard_days for entry in service.catalogue.services
        },
        "districts": regency.districts,
        "village_names": {v.code: v.name for v in regency.villages},
        "status_labels": STATUS_LABELS,
        "statuses": list(STATUS_LABELS),
    }


def form_text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


# Print queue


@router.get("/distribusi", response_class=HTMLResponse)
async def print_queue_page(
    request: Request, service: Service, pages: PageRenderer, reader: Reader
) -> HTMLResponse:
    filters, rows = await _queue_rows(request, service)
    return pages.render(
        request,
        "distribution_queue.html",
        filters=filters,
        rows=rows,
        can_act=Role.DISTRIBUTION in reader.roles,
        refreshed_at=datetime.now(UTC),
        **lookups(service),
    )


@router.get("/distribusi/antrian", response_class=HTMLResponse)
async def print_queue_fragment(
    request: Request, service: Service, pages: PageRenderer, reader: Reader
) -> HTMLResponse:
    filters, rows = await _queue_rows(request, service)
    return pages.render(
        request,
        "distribution_queue_rows.html",
        filters=filters,
        rows=rows,
        can_act=Role.DISTRIBUTION in reader.roles,
        refreshed_at=datetime.now(UTC),
        **lookups(service),
    )


QUEUE_FILTERS = ("status", "village_code", "service_code")


def delivery_status_filter(text: str) -> DeliveryStatus:
    """Read the queue's status filter; empty means awaiting print."""
    try:
        return DeliveryStatus(text or DeliveryStatus.AWAITING_PRINT.value)
    except ValueError:
        raise ValidationFailedError(
            f"status {text!r} is not a delivery status; choose one of "
            f"{', '.join(s.value for s in DeliveryStatus)}",
            field="status",
        ) from None


async def _queue_rows(
    request: Request, service: DistributionService
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    reject_unknown_filters(request, QUEUE_FILTERS)
    params = request.query_params
    status = delivery_status_filter(params.get("status", ""))
    village_code = params.get("village_code") or None
    service_code = params.get("service_code") or None
    views = await service.queue(status, village_code, service_code)
    lang = language(request)
    now = datetime.now(UTC)
    rows = [
        {"delivery": view, "age": age_text(view.received_at, lang, now)}
        for view in views
    ]
    filters = {
        "status": status.value,
        "village_code": village_code or "",
        "service_code": service_code or "",
    }
    return filters, rows


@router.post("/distribusi/kiriman/{application_id}/ambil")
async def take_delivery(
    application_id: str, service: Service, clerk: Clerk
) -> Response:
    await service.assign(application_id, clerk.subject, clerk.name)
    return Response(status_code=200, headers=QUEUE_CHANGED)


@router.post("/distribusi/kiriman/{application_id}/lepas")
async def release_delivery(
    application_id: str, service: Service, clerk: Clerk
) -> Response:
    await service.release(application_id, clerk.subject)
    return Response(status_code=200, headers=QUEUE_CHANGED)


@router.post("/distribusi/kiriman/{application_id}/cetak")
async def mark_printed(application_id: str, service: Service, clerk: Clerk) -> Response:
    await service.mark_printed(application_id, clerk.subject)
    return Response(status_code=200, headers=QUEUE_CHANGED)


# Village office: documents dispatched to the official's village


@router.get("/distribusi/desa", response_class=HTMLResponse)
async def village_page(
    request: Request, service: Service, pages: PageRenderer, official: VillageOfficial
) -> HTMLResponse:
    return await _render_village(
        request, service, pages, official, "distribution_village.html"
    )


@router.get("/distribusi/desa/daftar", response_class=HTMLResponse)
async def village_fragment(
    request: Request, service: Service, pages: PageRenderer, official: VillageOfficial
) -> HTMLResponse:
    return await _render_village(
        request, service, pages, official, "distribution_village_rows.html"
    )


async def _render_village(
    request: Request,
    service: DistributionService,
    pages: Pages,
    official: Principal,
    template: str,
) -> HTMLResponse:
    village_code = village_of(official)
    assert village_code is not None, "VillageOfficial admits only village officials"

    params = request.query_params
    status_text = params.get("status") or DeliveryStatus.DISPATCHED.value
    allowed = {status.value: status for status in VILLAGE_STATUSES}
    if status_text not in allowed:
        raise ValidationFailedError(
            f"status {status_text!r} is not shown at a village office; choose "
            f"{' or '.join(allowed)}"
        )
    service_code = params.get("service_code") or None
    if service_code is not None and service_code not in service.catalogue.codes:
        raise ValidationFailedError(
            f"service {service_code!r} is not in the catalogue; choose one from "
            "the service list, or leave it empty for every service"
        )

    views = await service.village_deliveries(
        village_code, allowed[status_text], service_code
    )
    lang = language(request)
    now = datetime.now(UTC)
    rows = [
        {"delivery": view, "age": age_text(view.received_at, lang, now)}
        for view in views
    ]
    return pages.render(
        request,
        template,
        filters={"status": status_text, "service_code": service_code or ""},
        rows=rows,
        village_code=village_code,
        village_statuses=VILLAGE_STATUSES,
        refreshed_at=now,
        **lookups(service),
    )


# Dispatch by village


@router.get("/distribusi/kirim", response_class=HTMLResponse)
async def dispatch_page(
    request: Request,
    service: Service,
    pages: PageRenderer,
    reader: Reader,
    village_code: str = "",
) -> HTMLResponse:
    return await _render_dispatch(request, service, pages, reader, village_code)


@router.post("/distribusi/kirim", response_model=None)
async def dispatch_form(
    request: Request, service: Service, pages: PageRenderer, clerk: Clerk
) -> Response:
    form = await request.form()
    village_code = form_text(form, "village_code")
    chosen = [v for v in form.getlist("application_id") if isinstance(v, str)]
    lang = language(request)
    try:
        batch = BatchDispatchRequest(village_code=village_code, application_ids=chosen)
        dispatch_list = await service.dispatch_batch(batch, clerk.subject)
    except ValidationError as error:
        message = problems_text(error, lang)
        return await _render_dispatch(
            request, service, pages, clerk, village_code, error=message, status=422
        )
    except ServiceError as error:
        log.info("dispatch.form_rejected", village_code=village_code, code=error.code)
        return await _render_dispatch(
            request,
            service,
            pages,
            clerk,
            village_code,
            error=error.message,
            status=error.status_code,
        )
    return RedirectResponse(
        f"/distribusi/kirim/{dispatch_list['_id']}", status_code=303
    )


async def _render_dispatch(
    request: Request,
    service: DistributionService,
    pages: Pages,
    principal: Principal,
    village_code: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    village = service.regency.village(village_code) if village_code else None
    documents = []
    if village is not None:
        printed = await service.queue(DeliveryStatus.PRINTED, village.code)
        documents = [d for d in printed if d.output == Output.A4_DOCUMENT.value]
    return pages.render(
        request,
        "distribution_dispatch.html",
        status_code=status,
        village=village,
        village_code=village_code,
        documents=documents,
        error=error,
        can_act=Role.DISTRIBUTION in principal.roles,
        **lookups(service),
    )


@router.get("/distribusi/kirim/{dispatch_list_id}", response_class=HTMLResponse)
async def dispatch_list_page(
    dispatch_list_id: str,
    request: Request,
    service: Service,
    pages: PageRenderer,
    reader: Reader,
) -> HTMLResponse:
    dispatch_list = await service.dispatch_list(dispatch_list_id)
    deliveries = await service.deliveries(dispatch_list["application_ids"])
    return pages.render(
        request,
        "distribution_dispatch_list.html",
        dispatch_list=dispatch_list,
        village=service.regency.village(dispatch_list["village_code"]),
        deliveries=deliveries,
        **lookups(service),
    )


# Hand-over, appointment and receipt


@router.get("/distribusi/serah/{application_id}", response_class=HTMLResponse)
async def hand_over_page(
    application_id: str,
    request: Request,
    service: Service,
    pages: PageRenderer,
    actor: HandOverActor,
) -> HTMLResponse:
    delivery = await delivery_for(service, actor, application_id)
    return _render_hand_over(request, service, pages, delivery, actor)


@router.post("/distribusi/serah/{application_id}", response_model=None)
async def hand_over_form(
    application_id: str,
    request: Request,
    service: Service,
    pages: PageRenderer,
    actor: HandOverActor,
) -> Response:
    form = await request.form()
    values = {
        name: form_text(form, name)
        for name in ("collector_name", "collector_nik", "relationship")
    }
    delivery = await delivery_for(service, actor, application_id)
    try:
        hand_over = HandOverRequest.model_validate(values)
        await service.hand_over(
            application_id, hand_over, actor.subject, village_of(actor)
        )
    except ValidationError as error:
        message = problems_text(error, language(request))
        return _render_hand_over(
            request,
            service,
            pages,
            delivery,
            actor,
            values=values,
            error=message,
            status=422,
        )
    except ServiceError as error:
        log.info(
            "hand_over.form_rejected", application_id=application_id, code=error.code
        )
        return _render_hand_over(
            request,
            service,
            pages,
            delivery,
            actor,
            values=values,
            error=error.message,
            status=error.status_code,
        )
    return RedirectResponse(
        f"/distribusi/tanda-terima/{application_id}", status_code=303
    )


@router.post("/distribusi/serah/{application_id}/jadwal", response_model=None)
async def appointment_form(
    application_id: str,
    request: Request,
    service: Service,
    pages: PageRenderer,
    clerk: Clerk,
) -> Response:
    form = await request.form()
    values = {name: form_text(form, name) for name in ("day", "time", "place")}
    delivery = await service.get(application_id)
    try:
        starts_at = _local_moment(values["day"], values["time"], service)
        booking = AppointmentRequest(
            starts_at=starts_at, place=values["place"] or "Kantor Disdukcapil"
        )
        await service.schedule_appointment(application_id, booking, clerk.subject)
    except ValidationError as error:
        message = problems_text(error, language(request))
        return _render_hand_over(
            request,
            service,
            pages,
            delivery,
            clerk,
            booking=values,
            error=message,
            status=422,
        )
    except ServiceError as error:
        return _render_hand_over(
            request,
            service,
            pages,
            delivery,
            clerk,
            booking=values,
            error=error.message,
            status=error.status_code,
        )
    return RedirectResponse(f"/distribusi/serah/{application_id}", status_code=303)


def _local_moment(day: str, clock: str, service: DistributionService) -> datetime:
    """Read a date and a time typed in the regency's time zone."""
    try:
        return datetime.combine(
            date.fromisoformat(day),
            time.fromisoformat(clock),
            tzinfo=ZoneInfo(service.regency.timezone),
        )
    except ValueError:
        raise ValidationFailedError(
            f"the visit date {day!r} and time {clock!r} are not a valid date "
            "(YYYY-MM-DD) and time (HH:MM); pick them again"
        ) from None


def _render_hand_over(
    request: Request,
    service: DistributionService,
    pages: Pages,
    delivery: Document,
    principal: Principal,
    *,
    values: dict[str, str] | None = None,
    booking: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    state = DeliveryStatus(delivery["status"])
    at_village = village_of(principal) is not None
    # A village office hands over only what was dispatched to it, and books
    # no office visits.
    hand_over_from = (
        (DeliveryStatus.DISPATCHED,)
        if at_village
        else (DeliveryStatus.PRINTED, DeliveryStatus.DISPATCHED)
    )
    bookable = (
        DeliveryStatus.AWAITING_APPOINTMENT,
        DeliveryStatus.APPOINTMENT_SCHEDULED,
    )
    return pages.render(
        request,
        "distribution_hand_over.html",
        status_code=status,
        delivery=delivery,
        state=state,
        at_village=at_village,
        can_hand_over=state in hand_over_from,
        can_book=not at_village and state in bookable,
        values=values or {},
        booking=booking or {},
        error=error,
        **lookups(service),
    )


@router.get("/distribusi/tanda-terima/{application_id}", response_class=HTMLResponse)
async def receipt_page(
    application_id: str,
    request: Request,
    service: Service,
    pages: PageRenderer,
    reader: ReceiptReader,
) -> HTMLResponse:
    delivery = await delivery_for(service, reader, application_id)
    if delivery["status"] != DeliveryStatus.HANDED_OVER.value:
        raise ValidationFailedError(
            f"the document of application {application_id} is not handed over "
            "yet, so it has no receipt; record the hand-over first"
        )
    found = await service.search_register(
        RegisterSearch(number=delivery["register_number"])
    )
    entry = next((e for e in found if e.document_id == delivery["document_id"]), None)
    return pages.render(
        request,
        "distribution_receipt.html",
        delivery=delivery,
        entry=entry,
        at_village=village_of(reader) is not None,
        **lookups(service),
    )


# Register book


async def register_results(
    request: Request, service: DistributionService, search: RegisterSearch
) -> tuple[list[Any], str | None]:
    """Run a register search for a page, turning bad criteria into a message."""
    try:
        return await service.search_register(search), None
    except ServiceError as error:
        log.info("register.search_rejected", code=error.code)
        return [], error.message


def register_page(
    request: Request,
    service: DistributionService,
    search: RegisterSearch,
    entries: list[Any],
    error: str | None,
) -> HTMLResponse:
    """Render the register book search page (GET /register from a browser)."""
    pages = get_pages(request)
    return pages.render(
        request,
        "distribution_register.html",
        status_code=200 if error is None else 422,
        search=search,
        entries=entries,
        error=error,
        **lookups(service),
    )


@router.get("/register/hasil", response_class=HTMLResponse)
async def register_fragment(
    request: Request,
    service: Service,
    pages: PageRenderer,
    reader: Reader,
    search: Annotated[RegisterSearch, Query()],
) -> HTMLResponse:
    entries, error = await register_results(request, service, search)
    if error is not None:
        raise ValidationFailedError(error)
    return pages.render(
        request,
        "distribution_register_rows.html",
        search=search,
        entries=entries,
        **lookups(service),
    )


@router.get("/register/cetak", response_class=HTMLResponse)
async def register_print(
    request: Request,
    service: Service,
    pages: PageRenderer,
    reader: Reader,
    search: Annotated[RegisterSearch, Query()],
) -> HTMLResponse:
    entries = await service.search_register(search, limit=1000)
    return pages.render(
        request,
        "distribution_register_print.html",
        search=search,
        entries=entries,
        printed_at=datetime.now(UTC),
        **lookups(service),
    )
