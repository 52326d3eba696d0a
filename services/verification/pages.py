"""Pages of the verification service: operator and verifier queues, case desk.

Queues refresh their table every 5 s through a fragment route. Actions on the
case page are htmx posts. One that changes the case's status returns the whole
case view and retargets the swap to it, so the status line shows the new
status. A rejected draft or reason returns only its form. Other errors are
returned as JSON, which the page shows in its message area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from services.verification.fields import (
    FIELD_PREFIX,
    draft_from_form,
    grouped,
    label,
    problems_by_field,
)
from services.verification.papers import INLINE_TYPES, PaperReader
from services.verification.schemas import CaseStatus, CaseView, ReturnRequest
from services.verification.service import VerificationService, to_view
from shared.auth import Principal, Role, staff_with
from shared.catalogue import Catalogue, Division
from shared.database import Document
from shared.errors import ValidationFailedError
from shared.pages import Pages
from shared.web import reject_unknown_filters

log = structlog.get_logger()

router = APIRouter(include_in_schema=False)

DIVISION_LABELS = {
    Division.POPULATION_REGISTRATION.value: (
        "Pendaftaran Penduduk",
        "Population registration",
    ),
    Division.CIVIL_REGISTRY.value: ("Pencatatan Sipil", "Civil registry"),
}
STATUS_LABELS = {
    CaseStatus.AWAITING_DRAFT.value: ("Menunggu draf", "Awaiting draft"),
    CaseStatus.AWAITING_VERIFICATION.value: (
        "Menunggu verifikasi",
        "Awaiting verification",
    ),
    CaseStatus.VERIFIED.value: ("Terverifikasi", "Verified"),
}

# Outcome messages of the case page per action, in Indonesian and English.
DONE = {
    "drafted": (
        "Draf tercatat dan diteruskan ke verifikator.",
        "Draft recorded and passed to a verifier.",
    ),
    "verified": (
        "Sesuai. Berkas diteruskan ke Kepala Dinas untuk ditandatangani.",
        "Verified. The case goes to the head of office for signing.",
    ),
    "returned": (
        "Dikembalikan ke operator dengan alasan yang Anda tulis.",
        "Returned to the operator with the reason you wrote.",
    ),
}


@dataclass(frozen=True)
class Queue:
    """One work queue page: who reads it and which cases it lists."""

    path: str
    status: CaseStatus
    worker: Role
    title: tuple[str, str]


OPERATOR_QUEUE = Queue(
    "/operator", CaseStatus.AWAITING_DRAFT, Role.OPERATOR, ("Antrean draf", "Drafts")
)
VERIFIER_QUEUE = Queue(
    "/verifikator",
    CaseStatus.AWAITING_VERIFICATION,
    Role.VERIFIER,
    ("Antrean verifikasi", "Verification queue"),
)

OperatorQueueReader = Annotated[Principal, Depends(staff_with(Role.OPERATOR, Role.OPS))]
VerifierQueueReader = Annotated[Principal, Depends(staff_with(Role.VERIFIER, Role.OPS))]
CaseReader = Annotated[
    Principal, Depends(staff_with(Role.OPERATOR, Role.VERIFIER, Role.OPS))
]
CaseWorker = Annotated[Principal, Depends(staff_with(Role.OPERATOR, Role.VERIFIER))]
Operator = Annotated[Principal, Depends(staff_with(Role.OPERATOR))]
Verifier = Annotated[Principal, Depends(staff_with(Role.VERIFIER))]


def _service(request: Request) -> VerificationService:
    service: VerificationService = request.app.state.service
    return service


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


PAGE_FILTERS = ("bidang", "layanan", "saya")


@dataclass(frozen=True)
class QueueFilters:
    division: str = ""
    service_code: str = ""
    mine: bool = False


def queue_filters(
    request: Request, bidang: str = "", layanan: str = "", saya: str = ""
) -> QueueFilters:
    """Read the filters `bidang`, `layanan` and `saya`, rejecting unknown values."""
    reject_unknown_filters(request, PAGE_FILTERS)
    if bidang and bidang not in DIVISION_LABELS:
        known = ", ".join(DIVISION_LABELS)
        raise ValidationFailedError(
            f"bidang {bidang!r} is not a division; use one of {known}, or leave it "
            "empty for every division"
        )
    catalogue = _service(request).catalogue
    if layanan and layanan not in catalogue.codes:
        raise ValidationFailedError(
            f"layanan {layanan!r} is not a service of the catalogue; use one of "
            f"{', '.join(catalogue.codes)}, or leave it empty for every service"
        )
    return QueueFilters(bidang, layanan, saya in {"1", "on", "true"})


Filters = Annotated[QueueFilters, Depends(queue_filters)]


def age_text(age: timedelta, lang: str) -> str:
    """Format a case's age as days, or hours and minutes under a day."""
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return f"{days} {'days' if lang == 'en' else 'hari'}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} {'h' if lang == 'en' else 'j'} {minutes} m"


@dataclass(frozen=True)
class Timing:
    """Age of a case in verification against its service standard."""

    age: timedelta
    standard_days: int | None
    late: bool


def timing(pages: Pages, service: VerificationService, case: CaseView) -> Timing:
    # The standard counts calendar days in the office's time zone: a service
    # of N days is late from the day after the Nth day from the case's arrival.
    now = datetime.now(UTC)
    standard = service.service_standard_days(case.service_code)
    late = False
    if standard is not None:
        arrived = case.received_at.astimezone(pages.timezone).date()
        late = now.astimezone(pages.timezone).date() > arrived + timedelta(
            days=standard
        )
    return Timing(now - case.received_at, standard, late)


def service_names(catalogue: Catalogue) -> dict[str, tuple[str, str]]:
    return {entry.code: (entry.name_id, entry.name_en) for entry in catalogue.services}


def paper_names(catalogue: Catalogue, service_code: str) -> dict[str, tuple[str, str]]:
    """Name each upload code of a service, its requirements' and their options'."""
    if service_code not in catalogue.codes:
        return {}
    names: dict[str, tuple[str, str]] = {}
    for requirement in catalogue.service(service_code).requirements:
        names[requirement.code] = (requirement.name_id, requirement.name_en)
        for option in requirement.options:
            names[option.code] = (option.name_id, option.name_en)
    return names


def _common(request: Request) -> dict[str, Any]:
    service = _service(request)
    return {
        "division_labels": DIVISION_LABELS,
        "status_labels": STATUS_LABELS,
        "service_names": service_names(service.catalogue),
        "label": label,
        "age_text": age_text,
    }


async def _queue_rows(
    request: Request, queue: Queue, filters: QueueFilters, staff: Principal
) -> tuple[list[dict[str, Any]], int]:
    """Return the oldest cases of a queue as table rows, and the queue's size."""
    service = _service(request)
    pages = _pages(request)
    selection: dict[str, Any] = {
        "service_code": filters.service_code or None,
        "assignee": staff.subject if filters.mine else None,
    }
    division = filters.division or None
    cases = await service.queue(queue.status, division, **selection)
    total = await service.queue_size(queue.status, division, **selection)
    rows = [{"case": case, "timing": timing(pages, service, case)} for case in cases]
    return rows, total


async def _render_queue(
    request: Request,
    queue: Queue,
    filters: QueueFilters,
    staff: Principal,
    template: str,
) -> HTMLResponse:
    rows, total = await _queue_rows(request, queue, filters, staff)
    return _pages(request).render(
        request,
        template,
        queue=queue,
        filters=filters,
        rows=rows,
        total=total,
        can_take=queue.worker in staff.roles,
        now=datetime.now(UTC),
        **_common(request),
    )


@router.get("/operator")
async def operator_page(
    request: Request, staff: OperatorQueueReader, filters: Filters
) -> HTMLResponse:
    return await _render_queue(request, OPERATOR_QUEUE, filters, staff, "queue.html")


@router.get("/operator/antrean")
async def operator_rows(
    request: Request, staff: OperatorQueueReader, filters: Filters
) -> HTMLResponse:
    return await _render_queue(
        request, OPERATOR_QUEUE, filters, staff, "_queue_table.html"
    )


@router.get("/verifikator")
async def verifier_page(
    request: Request, staff: VerifierQueueReader, filters: Filters
) -> HTMLResponse:
    return await _render_queue(request, VERIFIER_QUEUE, filters, staff, "queue.html")


@router.get("/verifikator/antrean")
async def verifier_rows(
    request: Request, staff: VerifierQueueReader, filters: Filters
) -> HTMLResponse:
    return await _render_queue(
        request, VERIFIER_QUEUE, filters, staff, "_queue_table.html"
    )


def _may_work(staff: Principal, case: Document) -> bool:
    """Return whether the staff member has the role of the case's current stage."""
    if case["status"] == CaseStatus.AWAITING_DRAFT:
        return Role.OPERATOR in staff.roles
    if case["status"] == CaseStatus.AWAITING_VERIFICATION:
        return Role.VERIFIER in staff.roles
    return False


def _draft_shape(service: VerificationService, case: Document) -> dict[str, Any]:
    # A returned case keeps its last draft, so the operator corrects only
    # what the verifier or the head pointed out.
    draft = case["draft"]
    if isinstance(draft, dict) and draft:
        return draft
    return service.draft_template(case)


def _draft_context(
    service: VerificationService,
    case: Document,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    draft = values if values is not None else _draft_shape(service, case)
    groups = grouped(draft)
    names = {field.name for group in groups for field in group.fields}
    by_field = problems_by_field(problems or [])
    general = [
        f"{field.removeprefix(FIELD_PREFIX)}: {message}"
        for field, messages in by_field.items()
        if field not in names
        for message in messages
    ]
    return {"groups": groups, "problems": by_field, "general_problems": general}


def _queue_path(staff: Principal, status: str) -> str:
    """Return the queue a case's back link leads to, one the staff member can read."""
    readers = {
        OPERATOR_QUEUE.path: frozenset({Role.OPERATOR, Role.OPS}),
        VERIFIER_QUEUE.path: frozenset({Role.VERIFIER, Role.OPS}),
    }
    preferred = (
        OPERATOR_QUEUE.path
        if status == CaseStatus.AWAITING_DRAFT
        else VERIFIER_QUEUE.path
    )
    if staff.has_any(readers[preferred]):
        return preferred
    return next(path for path, roles in readers.items() if staff.has_any(roles))


def _case_context(request: Request, staff: Principal, case: Document) -> dict[str, Any]:
    service = _service(request)
    view = to_view(case)
    context: dict[str, Any] = {
        "case": view,
        "queue_path": _queue_path(staff, case["status"]),
        "timing": timing(_pages(request), service, view),
        "form_groups": grouped(case["form"]),
        "draft_groups": grouped(case["draft"]) if case["draft"] else [],
        "paper_names": paper_names(service.catalogue, case["service_code"]),
        "can_take": _may_work(staff, case),
        "can_draft": case["status"] == CaseStatus.AWAITING_DRAFT
        and Role.OPERATOR in staff.roles,
        "can_verify": case["status"] == CaseStatus.AWAITING_VERIFICATION
        and Role.VERIFIER in staff.roles,
        **_common(request),
    }
    if context["can_draft"]:
        context.update(_draft_context(service, case))
    return context


@router.get("/kasus/{application_id}")
async def case_page(
    request: Request, application_id: str, staff: CaseReader
) -> HTMLResponse:
    case = await _service(request).get(application_id)
    log.info("case.opened_by_staff", application_id=application_id, actor=staff.subject)
    return _pages(request).render(
        request, "case.html", **_case_context(request, staff, case)
    )


@router.get("/kasus/{application_id}/berkas/{requirement}")
async def paper(
    request: Request, application_id: str, requirement: str, staff: CaseReader
) -> Response:
    case = await _service(request).get(application_id)
    reader: PaperReader = request.app.state.papers
    found = await reader.read(case, requirement)
    log.info(
        "case.paper_read",
        application_id=application_id,
        requirement=requirement,
        actor=staff.subject,
    )
    inline = found.content_type in INLINE_TYPES
    media_type = found.content_type if inline else "application/octet-stream"
    disposition = "inline" if inline else "attachment"
    return Response(
        found.data,
        media_type=media_type,
        headers={
            "content-disposition": f'{disposition}; filename="{requirement}"',
            # The bytes behind a key never change (their digest is checked),
            # so the browser may keep them while the desk works on the case.
            "cache-control": "private, max-age=3600",
        },
    )


def _assignee_fragment(
    request: Request, staff: Principal, case: Document
) -> HTMLResponse:
    return _pages(request).render(
        request,
        "_assignee.html",
        case=to_view(case),
        can_take=_may_work(staff, case),
    )


@router.post("/kasus/{application_id}/ambil")
async def take(request: Request, application_id: str, staff: CaseWorker) -> Response:
    case = await _service(request).assign(application_id, staff)
    return _assignee_fragment(request, staff, case)


@router.post("/kasus/{application_id}/lepas")
async def release(request: Request, application_id: str, staff: CaseWorker) -> Response:
    case = await _service(request).release(application_id, staff.subject)
    return _assignee_fragment(request, staff, case)


# htmx swaps the returned case view over the old one, whichever form was sent,
# and scrolls to the top, where the new status and the outcome are shown.
WHOLE_CASE = {"HX-Retarget": "#kasus", "HX-Reswap": "outerHTML show:window:top"}


def _done(
    request: Request, staff: Principal, case: Document, message: tuple[str, str]
) -> HTMLResponse:
    """Render the whole case view after an action, with its outcome on top."""
    return _pages(request).render(
        request,
        "_case_view.html",
        headers=WHOLE_CASE,
        done=message,
        **_case_context(request, staff, case),
    )


@router.post("/kasus/{application_id}/draf")
async def record_draft(
    request: Request, application_id: str, staff: Operator
) -> Response:
    service = _service(request)
    case = await service.get(application_id)
    form = {
        key: value
        for key, value in (await request.form()).multi_items()
        if isinstance(value, str) and key.startswith(FIELD_PREFIX)
    }
    draft = draft_from_form(_draft_shape(service, case), form)
    try:
        recorded = await service.record_draft(application_id, draft, staff.subject)
    except ValidationFailedError as error:
        # Status 200 makes htmx swap the form in, with each problem at its field.
        # NOTE: the draft checks word their problems in English, so the form
        # shows them in English whatever the page's language.
        log.info(
            "case.draft_rejected",
            application_id=application_id,
            actor=staff.subject,
            fields=[p.get("field") for p in error.detail.get("problems", [])],
        )
        problems = error.detail.get("problems") or [
            {"field": "draft", "message": error.message}
        ]
        return _pages(request).render(
            request,
            "_draft_form.html",
            case=to_view(case),
            **_draft_context(service, case, draft, problems),
        )
    return _done(request, staff, recorded, DONE["drafted"])


@router.post("/kasus/{application_id}/sesuai")
async def verify(request: Request, application_id: str, staff: Verifier) -> Response:
    case = await _service(request).verify(application_id, staff.subject)
    return _done(request, staff, case, DONE["verified"])


@router.post("/kasus/{application_id}/kembalikan")
async def return_case(
    request: Request, application_id: str, staff: Verifier
) -> Response:
    form = await request.form()
    reason = form.get("reason")
    try:
        checked = ReturnRequest(reason=reason if isinstance(reason, str) else "")
    except ValidationError:
        service = _service(request)
        case = await service.get(application_id)
        return _pages(request).render(
            request,
            "_verify_panel.html",
            case=to_view(case),
            reason=reason if isinstance(reason, str) else "",
            reason_error=True,
        )
    case = await _service(request).return_to_operator(
        application_id, checked.reason, staff.subject
    )
    return _done(request, staff, case, DONE["returned"])
