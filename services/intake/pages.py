"""Front-office pages: the queue at /loket, the check of one application, print.

Reads are open to the front office and to ops (read-only, so ops see no
action buttons); actions need the front-office role. Actions are htmx posts
that return a fragment, and plain form posts (no JavaScript) that redirect
back to the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from services.intake.api import Service
from services.intake.form_labels import form_rows
from services.intake.schemas import (
    DocumentsRequest,
    MissingFileRequest,
    QueueFilter,
    QueueItem,
)
from services.intake.service import (
    OPEN_FOR_FRONT_OFFICE,
    IntakeService,
    check_not_taken_by_colleague,
)
from shared.auth import Principal, Role, staff_with
from shared.catalogue import Requirement
from shared.database import Document
from shared.errors import ValidationFailedError
from shared.pages import Pages, language
from shared.web import reject_unknown_filters

router = APIRouter(include_in_schema=False)

FrontOffice = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE))]
QueueReader = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE, Role.OPS))]

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "submitted": ("Baru", "New"),
    "resubmitted": ("Berkas dilengkapi", "Papers resubmitted"),
    "documents_requested": ("Menunggu berkas", "Waiting for papers"),
    "accepted": ("Diterima", "Accepted"),
}
# Checklist marks: (value, Indonesian, English). The Indonesian label of a
# problem mark prefixes the reason the resident reads.
CHECK_MARKS = (
    ("ok", "Sesuai", "OK"),
    ("missing", "Tidak ada", "Missing"),
    ("unreadable", "Tidak terbaca", "Unreadable"),
)
PROBLEM_MARKS = {value: label_id for value, label_id, _ in CHECK_MARKS[1:]}
# Maximum length of the reason typed for one paper. With the mark's label in
# front ("Tidak terbaca: "), the stored reason stays within the 300 characters
# that MissingFileRequest allows.
REASON_MAX_LENGTH = 280
NOTE_MAX_LENGTH = 500


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def age_text(hours: float, lang: str) -> str:
    """Format an age in hours as minutes, hours or days."""
    if hours < 1:
        return f"{int(hours * 60)} {'min' if lang == 'en' else 'mnt'}"
    if hours < 48:
        return f"{int(hours)} {'h' if lang == 'en' else 'jam'}"
    return f"{int(hours // 24)} {'days' if lang == 'en' else 'hari'}"


def _queue_filter(
    principal: Principal,
    service: str | None,
    status: str | None,
    village: str | None,
    mine: str | None,
    overdue: str | None,
) -> QueueFilter:
    return QueueFilter(
        service_code=service or None,
        intake_status=status or None,
        village_code=village or None,
        assignee=principal.subject if mine else None,
        overdue_only=bool(overdue),
    )


QUEUE_FILTERS = ("service", "status", "village", "mine", "overdue")


@dataclass(frozen=True)
class QueueQuery:
    """The queue filters as sent in the query string (empty means any)."""

    service: str = ""
    status: str = ""
    village: str = ""
    mine: str = ""
    overdue: str = ""

    def encoded(self) -> str:
        values = {k: v for k, v in self.__dict__.items() if v}
        return urlencode(values)


def _queue_context(
    service: IntakeService, items: list[QueueItem], lang: str
) -> dict[str, Any]:
    names = {
        entry.code: entry.name_en if lang == "en" else entry.name_id
        for entry in service.catalogue.services
    }
    return {
        "items": items,
        "village_names": _village_names(service),
        "service_names": names,
        "status_labels": STATUS_LABELS,
        "age_text": age_text,
    }


async def _queue_items(
    request: Request, service: IntakeService, principal: Principal, query: QueueQuery
) -> list[QueueItem]:
    reject_unknown_filters(request, QUEUE_FILTERS)
    filters = _queue_filter(
        principal, query.service, query.status, query.village, query.mine, query.overdue
    )
    return await service.queue(filters)


@router.get("/loket")
async def queue_page(
    request: Request,
    service: Service,
    principal: QueueReader,
    query: Annotated[QueueQuery, Depends()],
) -> HTMLResponse:
    items = await _queue_items(request, service, principal, query)
    lang = language(request)
    return pages_of(request).render(
        request,
        "front_office_queue.html",
        query=query,
        services=service.catalogue.services,
        villages=service.regency.villages,
        open_statuses=OPEN_FOR_FRONT_OFFICE,
        **_queue_context(service, items, lang),
    )


@router.get("/loket/antrian")
async def queue_fragment(
    request: Request,
    service: Service,
    principal: QueueReader,
    query: Annotated[QueueQuery, Depends()],
) -> HTMLResponse:
    items = await _queue_items(request, service, principal, query)
    response = pages_of(request).render(
        request,
        "front_office_rows.html",
        **_queue_context(service, items, language(request)),
    )
    # A change of the filter form puts its filters in the address bar, so a
    # reload shows the same queue. The 5-second poll leaves the address alone.
    if request.headers.get("hx-trigger") == "saring":
        encoded = query.encoded()
        response.headers["HX-Replace-Url"] = (
            f"/loket?{encoded}" if encoded else "/loket"
        )
    return response


@dataclass(frozen=True)
class PaperCheck:
    """One required paper with the uploaded files that satisfy it."""

    requirement: Requirement
    files: list[tuple[str, str]]  # (upload code, label)


def _paper_checks(
    service: IntakeService, document: Document, lang: str
) -> list[PaperCheck]:
    entry = service.service_entry(document["service_code"])
    needed = set(document["required_files"])
    checks = []
    for requirement in entry.requirements:
        if requirement.code not in needed:
            continue
        files = []
        names = {requirement.code: (requirement.name_id, requirement.name_en)}
        names.update({o.code: (o.name_id, o.name_en) for o in requirement.options})
        for code in requirement.accepted_codes:
            if code in document["files"]:
                name_id, name_en = names[code]
                files.append((code, name_en if lang == "en" else name_id))
        checks.append(PaperCheck(requirement, files))
    return checks


def _village_names(service: IntakeService) -> dict[str, str]:
    return {v.code: v.name for v in service.regency.villages}


async def _detail_context(
    request: Request, service: IntakeService, application_id: str
) -> dict[str, Any]:
    document = await service.get(application_id)
    view = await service.view(application_id)
    lang = language(request)
    entry = service.service_entry(document["service_code"])
    village = service.regency.village(document["village_code"])
    return {
        "document": document,
        "view": view,
        "entry": entry,
        "item": service.queue_item(document),
        "village_name": village.name if village else document["village_code"],
        "rows": form_rows(document["form"], lang, _village_names(service)),
        "checks": _paper_checks(service, document, lang),
        "marks": CHECK_MARKS,
        "status_labels": STATUS_LABELS,
        "is_open": document["intake_status"] in OPEN_FOR_FRONT_OFFICE,
        "age_text": age_text,
        "reason_max_length": REASON_MAX_LENGTH,
        "note_max_length": NOTE_MAX_LENGTH,
    }


@router.get("/loket/{application_id}")
async def detail_page(
    application_id: str, request: Request, service: Service, principal: QueueReader
) -> HTMLResponse:
    context = await _detail_context(request, service, application_id)
    return pages_of(request).render(
        request,
        "front_office_detail.html",
        may_act=principal.has_any(frozenset({Role.FRONT_OFFICE})),
        **context,
    )


@router.get("/loket/{application_id}/cetak")
async def print_page(
    application_id: str, request: Request, service: Service, principal: QueueReader
) -> HTMLResponse:
    context = await _detail_context(request, service, application_id)
    return pages_of(request).render(request, "front_office_print.html", **context)


def _is_htmx(request: Request) -> bool:
    return "hx-request" in request.headers


def _after_action(
    request: Request, application_id: str, fragment: Response
) -> Response:
    """Return the fragment to htmx, or send a plain form post back to the page."""
    if _is_htmx(request):
        return fragment
    return RedirectResponse(f"/loket/{application_id}", status_code=303)


async def _assignee_fragment(
    request: Request, service: IntakeService, application_id: str, may_act: bool
) -> HTMLResponse:
    document = await service.get(application_id)
    return pages_of(request).render(
        request,
        "front_office_assignee.html",
        document=document,
        may_act=may_act,
        is_open=document["intake_status"] in OPEN_FOR_FRONT_OFFICE,
        with_version=True,
    )


@router.post("/loket/{application_id}/ambil")
async def assign_to_self(
    application_id: str, request: Request, service: Service, principal: FrontOffice
) -> Response:
    await service.assign(application_id, principal.subject, principal.name)
    fragment = await _assignee_fragment(request, service, application_id, True)
    return _after_action(request, application_id, fragment)


@router.post("/loket/{application_id}/lepas")
async def release(
    application_id: str, request: Request, service: Service, principal: FrontOffice
) -> Response:
    await service.release(application_id, principal.subject)
    fragment = await _assignee_fragment(request, service, application_id, True)
    return _after_action(request, application_id, fragment)


def _form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _form_version(form: FormData) -> int:
    text = _form_text(form, "version")
    if not text.isdigit():
        raise ValidationFailedError(
            f"the form has no valid version ({text!r}); reload the application and "
            "send the check again",
            field="version",
        )
    return int(text)


def _marks(form: FormData, checks: list[PaperCheck]) -> dict[str, str]:
    """Read every paper's checklist mark, or raise when a paper has none."""
    marks = {
        check.requirement.code: _form_text(form, f"check_{check.requirement.code}")
        for check in checks
    }
    allowed = {value for value, _, _ in CHECK_MARKS}
    unmarked = [
        check.requirement.name_id
        for check in checks
        if marks[check.requirement.code] not in allowed
    ]
    if unmarked:
        raise ValidationFailedError(
            f"the checklist is incomplete: mark {'; '.join(unmarked)} as OK, missing "
            "or unreadable before deciding",
            unmarked=unmarked,
        )
    return marks


async def _checked_application(
    request: Request, service: IntakeService, application_id: str, actor: str
) -> tuple[FormData, list[PaperCheck], dict[str, str], int]:
    form = await request.form()
    document = await service.get(application_id)
    # A colleague's hold is checked before the checklist, so a staff member who
    # may not act learns that first. The service checks the hold again when it
    # writes, together with the version.
    check_not_taken_by_colleague(document, actor)
    checks = _paper_checks(service, document, "id")
    return form, checks, _marks(form, checks), _form_version(form)


async def _outcome(
    request: Request, service: IntakeService, application_id: str
) -> HTMLResponse:
    document = await service.get(application_id)
    return pages_of(request).render(
        request,
        "front_office_outcome.html",
        document=document,
        status_labels=STATUS_LABELS,
    )


@router.post("/loket/{application_id}/terima")
async def accept(
    application_id: str, request: Request, service: Service, principal: FrontOffice
) -> Response:
    _, checks, marks, version = await _checked_application(
        request, service, application_id, principal.subject
    )
    problems = [
        check.requirement.name_id
        for check in checks
        if marks[check.requirement.code] != "ok"
    ]
    if problems:
        raise ValidationFailedError(
            f"{'; '.join(problems)} is marked missing or unreadable, so the "
            "application cannot be accepted; use Minta berkas to ask the resident",
            problems=problems,
        )
    await service.accept(application_id, principal.subject, version=version)
    fragment = await _outcome(request, service, application_id)
    return _after_action(request, application_id, fragment)


@router.post("/loket/{application_id}/minta-berkas")
async def request_documents(
    application_id: str, request: Request, service: Service, principal: FrontOffice
) -> Response:
    form, checks, marks, version = await _checked_application(
        request, service, application_id, principal.subject
    )
    missing = []
    for check in checks:
        code = check.requirement.code
        if marks[code] == "ok":
            continue
        reason = _form_text(form, f"reason_{code}")
        if len(reason) < 3:
            raise ValidationFailedError(
                f"give the resident a reason of at least 3 characters for "
                f"{check.requirement.name_id}",
                requirement=code,
            )
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationFailedError(
                f"the reason for {check.requirement.name_id} has {len(reason)} "
                f"characters; shorten it to at most {REASON_MAX_LENGTH}",
                requirement=code,
            )
        text = f"{PROBLEM_MARKS[marks[code]]}: {reason}"
        missing.append({"requirement": code, "reason": text})
    if not missing:
        raise ValidationFailedError(
            "every paper is marked OK; mark the missing or unreadable papers, or "
            "accept the application"
        )
    note = _form_text(form, "note")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailedError(
            f"the note to the resident has {len(note)} characters; shorten it to at "
            f"most {NOTE_MAX_LENGTH}",
            field="note",
        )
    try:
        documents_request = DocumentsRequest(
            missing=[MissingFileRequest.model_validate(m) for m in missing],
            note=note,
            version=version,
        )
    except ValidationError as error:
        summary = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ValidationFailedError(f"the request is invalid: {summary}") from None
    await service.request_documents(
        application_id, documents_request, principal.subject
    )
    fragment = await _outcome(request, service, application_id)
    return _after_action(request, application_id, fragment)
