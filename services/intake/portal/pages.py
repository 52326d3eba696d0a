"""Resident pages: the catalogue, applying from a saved draft, and following.

The catalogue and each service's requirements are public. Applying, the
status pages and the receipt need a resident or village official session,
and a page about one application returns 404 unless that principal was
granted access to it.

Photos go through the resumable uploads of uploads.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import segno
import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from services.intake.api import Service
from services.intake.drafts import DraftStore, owner_of
from services.intake.forms import FORMS
from services.intake.portal import uploads as upload_routes
from services.intake.portal.form import build_fields, row_count, to_document, to_values
from services.intake.portal.text import (
    condition_text,
    days_text,
    output_text,
    problem_text,
    required_codes,
    service_summary,
)
from services.intake.portal.uploads import (
    Drafts,
    UploadRequest,
    check_field,
    upload_response,
)
from services.intake.schemas import ApplicationView
from services.intake.service import IntakeService, Upload
from shared.auth import Applicant, Principal, current_principal
from shared.auth.web import identity, require_application_access
from shared.catalogue import Output, ServiceEntry
from shared.database import Document
from shared.errors import (
    ConflictError,
    NotFoundError,
    ServiceError,
    ValidationFailedError,
)
from shared.events import EventType
from shared.pages import Pages, language

log = structlog.get_logger()

router = APIRouter(include_in_schema=False)
router.include_router(upload_routes.router)

# The newest applications listed on the home page.
MAX_LISTED_APPLICATIONS = 20


def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


PageRenderer = Annotated[Pages, Depends(get_pages)]


def service_scope(code: str) -> str:
    return f"service:{code}"


def resubmit_scope(application_id: str) -> str:
    return f"resubmit:{application_id}"


# Catalogue ---------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, service: Service, pages: PageRenderer) -> Response:
    principal = await current_principal(request)
    applications: list[ListedApplication] = []
    if principal is not None and (
        principal.is_resident or principal.is_village_official
    ):
        applications = await _applications_of(request, service, principal)
    return pages.render(
        request,
        "portal_home.html",
        services=[service_summary(entry) for entry in service.catalogue.services],
        applications=applications,
        may_apply=principal is not None
        and (principal.is_resident or principal.is_village_official),
    )


@dataclass(frozen=True)
class ListedApplication:
    view: ApplicationView
    entry: ServiceEntry


async def _applications_of(
    request: Request, service: Service, principal: Principal
) -> list[ListedApplication]:
    # NOTE: two queries per application (document and timeline). That is
    # fine for a resident's handful, slow for a village official's hundreds.
    ids = await identity(request).visible_applications(principal)
    listed = []
    for application_id in ids:
        try:
            view = await service.view(application_id)
        except NotFoundError:
            # A grant written before its application was stored, or after a
            # failed submission; nothing to show yet.
            continue
        entry = service.service_entry(view.service_code)
        listed.append(ListedApplication(view, entry))
    listed.sort(key=lambda item: item.view.submitted_at, reverse=True)
    return listed[:MAX_LISTED_APPLICATIONS]


@router.get("/layanan/{code}", response_class=HTMLResponse)
async def service_page(
    code: str, request: Request, service: Service, pages: PageRenderer
) -> Response:
    entry = service.service_entry(code)
    principal = await current_principal(request)
    return pages.render(
        request,
        "portal_service.html",
        entry=entry,
        summary=service_summary(entry),
        output=output_text(entry),
        condition_text=condition_text,
        signed_in=principal is not None,
    )


# Applying ----------------------------------------------------------------


@router.get("/layanan/{code}/ajukan", response_class=HTMLResponse)
async def apply_page(
    code: str,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
    pages: PageRenderer,
) -> Response:
    entry = service.service_entry(code)
    draft = await drafts.get(owner_of(principal), service_scope(code))
    values = to_values(draft["form"]) if draft is not None else _prefill(principal)
    return _render_apply(request, pages, service, entry, draft, values, {})


def _prefill(principal: Principal) -> dict[str, str]:
    """Start a resident's own form with their NIK and name."""
    if not principal.is_resident:
        return {}
    return {"applicant.nik": principal.subject, "applicant.name": principal.name}


def _render_apply(
    request: Request,
    pages: Pages,
    service: IntakeService,
    entry: ServiceEntry,
    draft: Document | None,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
    message: str = "",
) -> HTMLResponse:
    fields = build_fields(FORMS[entry.form])
    form = to_document(fields, values)
    return pages.render(
        request,
        "portal_apply.html",
        status_code=status_code,
        entry=entry,
        fields=fields,
        values=values,
        errors=errors,
        message=message,
        photos=draft["photos"] if draft else {},
        saved_at=draft["updated_at"] if draft else None,
        saved_clock=_clock(pages, draft["updated_at"]) if draft else "",
        required=required_codes(entry, form, service.regency.today()),
        districts=service.regency.districts,
        condition_text=condition_text,
        row_count=row_count,
        max_upload_bytes=request.app.state.max_upload_bytes,
    )


def _clock(pages: Pages, moment: datetime) -> str:
    """Format a time as hh:mm in the regency's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(pages.timezone).strftime("%H:%M")


async def _posted_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {
        key: value
        for key, value in form.multi_items()
        if isinstance(value, str) and key != "csrf_token"
    }


@router.post("/layanan/{code}/ajukan/draf", response_class=HTMLResponse)
async def save_draft(
    code: str,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
    pages: PageRenderer,
) -> Response:
    """Store the form as typed so far; return the saved time and required papers."""
    entry = service.service_entry(code)
    fields = build_fields(FORMS[entry.form])
    form = to_document(fields, await _posted_values(request))
    saved_at = await drafts.save_form(owner_of(principal), service_scope(code), form)
    return pages.render(
        request,
        "portal_draft_saved.html",
        saved_clock=_clock(pages, saved_at),
        required=required_codes(entry, form, service.regency.today()),
    )


@router.post("/layanan/{code}/ajukan/kirim", response_model=None)
async def submit_draft(
    code: str,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
    pages: PageRenderer,
) -> Response:
    """Submit the draft: its form and staged photos go to IntakeService.submit."""
    entry = service.service_entry(code)
    owner, scope = owner_of(principal), service_scope(code)
    fields = build_fields(FORMS[entry.form])
    values = await _posted_values(request)
    form = to_document(fields, values)

    await drafts.save_form(owner, scope, form)
    draft = await drafts.get(owner, scope)
    if draft is None:
        raise ConflictError(
            "the draft was sent from another window a moment ago; open your "
            "applications on the home page"
        )
    uploads = [
        Upload(field=photo.field, filename=photo.filename, data=photo.data)
        for photo in await drafts.staged_photos(draft)
    ]

    try:
        document = await service.submit(
            code, json.dumps(form), uploads, submitter=principal
        )
    except ServiceError as error:
        log.info("portal.submit_rejected", service=code, code=error.code)
        return _render_apply(
            request,
            pages,
            service,
            entry,
            draft,
            values,
            _field_errors(error, language(request)),
            status_code=error.status_code,
            message=error.message,
        )

    await drafts.discard(owner, scope)
    log.info("portal.submitted", application_id=document["_id"], service=code)
    return RedirectResponse(
        f"/permohonan/{document['_id']}/tanda-terima", status_code=303
    )


def _field_errors(error: ServiceError, lang: str) -> dict[str, str]:
    """Map a rejected submission's problems to input names and paper codes."""
    errors: dict[str, str] = {}
    for problem in error.detail.get("problems", []):
        errors.setdefault(problem["field"], problem_text(problem["message"], lang))
    for code in error.detail.get("missing", []):
        errors.setdefault(f"photo:{code}", error.message)
    if "requirement" in error.detail:
        errors.setdefault(f"photo:{error.detail['requirement']}", error.message)
    return errors


# Resumable uploads --------------------------------------------------------


@router.post("/layanan/{code}/ajukan/unggahan", status_code=201)
async def start_service_upload(
    code: str,
    body: UploadRequest,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
) -> JSONResponse:
    """Create a resumable upload for one paper of the service's draft."""
    entry = service.service_entry(code)
    check_field(entry, body)
    upload = await drafts.start_upload(
        owner_of(principal),
        service_scope(code),
        requirement=body.requirement,
        field=body.field,
        size=body.size,
        filename=body.filename,
        empty_form=_prefill_document(principal),
    )
    return upload_response(upload, status_code=201)


def _prefill_document(principal: Principal) -> dict[str, Any]:
    values = _prefill(principal)
    if not values:
        return {}
    return {"applicant": {"nik": values["applicant.nik"], "name": principal.name}}


# Following an application ----------------------------------------------------


async def _open(
    request: Request, principal: Principal, service: IntakeService, application_id: str
) -> Document:
    await require_application_access(request, principal, application_id)
    return await service.get(application_id)


@router.get("/permohonan/{application_id}", response_class=HTMLResponse)
async def status_page(
    application_id: str,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
    pages: PageRenderer,
) -> Response:
    document = await _open(request, principal, service, application_id)
    return await _render_status(request, principal, service, drafts, pages, document)


async def _render_status(
    request: Request,
    principal: Principal,
    service: IntakeService,
    drafts: DraftStore,
    pages: Pages,
    document: Document,
    *,
    status_code: int = 200,
    message: str = "",
) -> HTMLResponse:
    view = await service.view(document["_id"])
    entry = service.service_entry(view.service_code)
    draft = await drafts.get(owner_of(principal), resubmit_scope(document["_id"]))
    return pages.render(
        request,
        "portal_status.html",
        status_code=status_code,
        message=message,
        view=view,
        entry=entry,
        applicant_name=document["applicant"]["name"],
        missing=_missing_papers(entry, document),
        photos=draft["photos"] if draft else {},
        condition_text=condition_text,
        download=_download_document(entry, view.timeline),
        max_upload_bytes=request.app.state.max_upload_bytes,
    )


def _missing_papers(entry: ServiceEntry, document: Document) -> list[dict[str, Any]]:
    """Select the papers the office requested again, with their reasons."""
    if document["intake_status"] != "documents_requested":
        return []
    by_code = {r.code: r for r in entry.requirements}
    papers = []
    for missing in document["missing"]:
        requirement = by_code.get(missing["requirement"])
        if requirement is not None:
            papers.append({"requirement": requirement, "reason": missing["reason"]})
    return papers


def _download_document(entry: ServiceEntry, timeline: list[Any]) -> str | None:
    """Return the signed document's id when its output is printable at home."""
    if entry.output is not Output.A4_DOCUMENT:
        return None
    for item in reversed(timeline):
        if item.event_type == EventType.DOCUMENT_SIGNED:
            document_id = item.detail.get("document_id")
            return str(document_id) if document_id else None
    return None


@router.get("/permohonan/{application_id}/linimasa", response_class=HTMLResponse)
async def timeline_fragment(
    application_id: str,
    request: Request,
    principal: Applicant,
    service: Service,
    pages: PageRenderer,
) -> Response:
    """Render the status and timeline alone, for the status page to poll."""
    document = await _open(request, principal, service, application_id)
    view = await service.view(application_id)
    entry = service.service_entry(view.service_code)
    return pages.render(
        request,
        "portal_timeline.html",
        view=view,
        entry=entry,
        download=_download_document(entry, view.timeline),
        documents_requested=document["intake_status"] == "documents_requested",
    )


@router.post("/permohonan/{application_id}/unggahan", status_code=201)
async def start_resubmit_upload(
    application_id: str,
    body: UploadRequest,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
) -> JSONResponse:
    """Create a resumable upload for a paper the office requested again."""
    document = await _open(request, principal, service, application_id)
    entry = service.service_entry(document["service_code"])
    requested = {p["requirement"].code for p in _missing_papers(entry, document)}
    if body.requirement not in requested:
        raise ValidationFailedError(
            f"the office did not request {body.requirement!r} again; send "
            f"{', '.join(sorted(requested)) or 'nothing: no paper is requested'}",
            requirement=body.requirement,
        )
    check_field(entry, body)
    upload = await drafts.start_upload(
        owner_of(principal),
        resubmit_scope(application_id),
        requirement=body.requirement,
        field=body.field,
        size=body.size,
        filename=body.filename,
        empty_form={},
    )
    return upload_response(upload, status_code=201)


@router.post("/permohonan/{application_id}/berkas", response_model=None)
async def resubmit_papers(
    application_id: str,
    request: Request,
    principal: Applicant,
    service: Service,
    drafts: Drafts,
    pages: PageRenderer,
) -> Response:
    """Send the staged photos of the requested papers with IntakeService.resubmit."""
    document = await _open(request, principal, service, application_id)
    owner, scope = owner_of(principal), resubmit_scope(application_id)
    draft = await drafts.get(owner, scope)
    photos = await drafts.staged_photos(draft) if draft is not None else []
    uploads = [Upload(p.field, p.filename, p.data) for p in photos]
    try:
        await service.resubmit(document["tracking_code"], uploads)
    except ServiceError as error:
        log.info(
            "portal.resubmit_rejected", application_id=application_id, code=error.code
        )
        return await _render_status(
            request,
            principal,
            service,
            drafts,
            pages,
            document,
            status_code=error.status_code,
            message=error.message,
        )
    await drafts.discard(owner, scope)
    log.info("portal.resubmitted", application_id=application_id)
    return RedirectResponse(f"/permohonan/{application_id}", status_code=303)


@router.get("/permohonan/{application_id}/tanda-terima", response_class=HTMLResponse)
async def receipt(
    application_id: str,
    request: Request,
    principal: Applicant,
    service: Service,
    pages: PageRenderer,
) -> Response:
    """Render a printable receipt: tracking code and a QR code of the status page."""
    document = await _open(request, principal, service, application_id)
    entry = service.service_entry(document["service_code"])
    portal = str(service.regency.public_urls.resident_portal).rstrip("/")
    status_url = f"{portal}/permohonan/{application_id}"
    qr = segno.make(status_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", omitsize=True
    )
    submitted_at: datetime = document["submitted_at"]
    return pages.render(
        request,
        "portal_receipt.html",
        document=document,
        entry=entry,
        status_url=status_url,
        qr_svg=qr,
        days=days_text(entry.standard_days),
        submitted_at=submitted_at,
    )
