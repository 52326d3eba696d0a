"""Pages of the signing service: the head's approval desk and the resident's
download of a signed PDF. The public verification page is served by
GET /v/{document_id} and POST /verify-pdf in api.py, for browsers and API
clients alike."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import SecretStr

from services.signing.api import QUEUE_FILTERS, Service
from services.signing.desk_errors import (
    LONG_PASSPHRASE,
    MISSING_PASSPHRASE,
    NOTHING_SELECTED,
    REASON_LENGTH,
    batch_item_error,
    desk_errors,
    long_reason_wording,
    page_problem,
    unknown_division_wording,
    unknown_filter_wording,
    unknown_service_wording,
)
from services.signing.documents import TEMPLATES
from services.signing.schemas import MAX_BATCH, ApprovalView
from services.signing.service import SigningService
from shared.auth import Principal, Role
from shared.auth.web import Applicant, require_application_access, staff_with
from shared.catalogue import Division
from shared.errors import NotFoundError
from shared.pages import Pages, language

router = APIRouter(include_in_schema=False)
log = structlog.get_logger()

Head = Annotated[Principal, Depends(staff_with(Role.HEAD))]
QueueReader = Annotated[Principal, Depends(staff_with(Role.HEAD, Role.OPS))]
# htmx event that makes the desk reload its queue rows at once.
QUEUE_CHANGED = {"HX-Trigger": "antrian-berubah"}

DIVISION_LABELS: dict[str, tuple[str, str]] = {
    Division.POPULATION_REGISTRATION.value: (
        "Pendaftaran Penduduk",
        "Population registration",
    ),
    Division.CIVIL_REGISTRY.value: ("Pencatatan Sipil", "Civil registry"),
}
# Indonesian and English labels of draft fields. Other fields show their key.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "address": ("Alamat", "Address"),
    "birth_date": ("Tanggal lahir", "Date of birth"),
    "birth_order": ("Anak ke-", "Birth order"),
    "birth_place": ("Tempat lahir", "Place of birth"),
    "blood_type": ("Golongan darah", "Blood type"),
    "cause": ("Sebab kematian", "Cause of death"),
    "child_name": ("Nama anak", "Child's name"),
    "child_sex": ("Jenis kelamin anak", "Child's sex"),
    "court": ("Pengadilan", "Court"),
    "death_date": ("Tanggal kematian", "Date of death"),
    "death_place": ("Tempat kematian", "Place of death"),
    "deceased": ("Yang meninggal", "Deceased"),
    "destination": ("Alamat tujuan", "Destination"),
    "district": ("Kecamatan", "District"),
    "education": ("Pendidikan", "Education"),
    "father_name": ("Nama ayah", "Father's name"),
    "former_husband": ("Mantan suami", "Former husband"),
    "former_wife": ("Mantan istri", "Former wife"),
    "head_of_family": ("Kepala keluarga", "Head of family"),
    "head_of_family_name": ("Nama kepala keluarga", "Head of family's name"),
    "husband": ("Suami", "Husband"),
    "kk_number": ("Nomor KK", "Family card number"),
    "marital_status": ("Status perkawinan", "Marital status"),
    "marriage_date": ("Tanggal perkawinan", "Date of marriage"),
    "marriage_place": ("Tempat perkawinan", "Place of marriage"),
    "members": ("Anggota keluarga", "Family members"),
    "mother_name": ("Nama ibu", "Mother's name"),
    "moving_date": ("Tanggal pindah", "Moving date"),
    "name": ("Nama", "Name"),
    "nik": ("NIK", "NIK"),
    "occupation": ("Pekerjaan", "Occupation"),
    "origin": ("Alamat asal", "Origin"),
    "postal_code": ("Kode pos", "Postal code"),
    "province": ("Provinsi", "Province"),
    "reason": ("Alasan", "Reason"),
    "regency": ("Kabupaten/kota", "Regency"),
    "relationship": ("Hubungan keluarga", "Relationship"),
    "religion": ("Agama", "Religion"),
    "religious_leader": ("Pemuka agama", "Religious leader"),
    "reporter_name": ("Nama pelapor", "Reporter's name"),
    "rt": ("RT", "RT"),
    "ruling_date": ("Tanggal putusan", "Ruling date"),
    "ruling_final_on": ("Putusan berkekuatan hukum tetap", "Ruling final on"),
    "ruling_number": ("Nomor putusan", "Ruling number"),
    "rw": ("RW", "RW"),
    "sex": ("Jenis kelamin", "Sex"),
    "street": ("Jalan", "Street"),
    "village": ("Desa/kelurahan", "Village"),
    "wife": ("Istri", "Wife"),
}


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def field_label(key: str, lang: str) -> str:
    labels = FIELD_LABELS.get(key)
    if labels is None:
        return key.replace("_", " ").capitalize()
    return labels[1] if lang == "en" else labels[0]


def draft_rows(
    draft: Mapping[str, Any], lang: str, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """Flatten a draft into (label, value) rows, labelling nested fields by path."""
    for key, value in draft.items():
        label = f"{prefix}{field_label(key, lang)}"
        if isinstance(value, Mapping):
            yield from draft_rows(value, lang, f"{label} / ")
        elif isinstance(value, list):
            for number, item in enumerate(value, start=1):
                if isinstance(item, Mapping):
                    yield from draft_rows(item, lang, f"{label} {number} / ")
                else:
                    yield f"{label} {number}", str(item)
        else:
            yield label, "-" if value is None or value == "" else str(value)


def age_text(received_at: datetime, now: datetime, lang: str) -> str:
    moment = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    hours = max(0, int((now - moment).total_seconds() // 3600))
    days, hours = divmod(hours, 24)
    if lang == "en":
        return f"{days} d {hours} h" if days else f"{hours} h"
    return f"{days} hr {hours} jam" if days else f"{hours} jam"


def is_late(view: ApprovalView, now: datetime) -> bool:
    """Return True when the item waited longer than its service standard.

    A standard of 0 days (same day) counts as one day, so nothing is late at once.
    """
    received = view.received_at
    if received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    allowed_days = max(1, view.standard_days)
    return (now - received).total_seconds() > allowed_days * 86400


def queue_rows(
    service: SigningService, views: list[ApprovalView], lang: str
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = []
    for view in views:
        entry = service.service_entry(view.service_code)
        rows.append(
            {
                "view": view,
                "service_name": (entry.name_en if lang == "en" else entry.name_id)
                if entry
                else view.service_code,
                "age": age_text(view.received_at, now, lang),
                "late": is_late(view, now),
            }
        )
    return rows


def filter_choices(service: SigningService, lang: str) -> dict[str, Any]:
    index = 1 if lang == "en" else 0
    return {
        "services": [
            (entry.code, entry.name_en if lang == "en" else entry.name_id)
            for entry in service.catalogue.services
        ],
        "divisions": [
            (code, labels[index]) for code, labels in DIVISION_LABELS.items()
        ],
    }


def checked_filters(
    request: Request, service: SigningService, service_code: str, division: str
) -> tuple[str | None, str | None]:
    """Return the filters as given, or raise on an unknown filter, service or
    division, worded in the page's language."""
    unknown = sorted(set(request.query_params) - set(QUEUE_FILTERS))
    if unknown:
        raise page_problem(request, unknown_filter_wording(unknown, QUEUE_FILTERS))
    if service_code and service.service_entry(service_code) is None:
        codes = service.catalogue.codes
        raise page_problem(request, unknown_service_wording(service_code, codes))
    if division and division not in DIVISION_LABELS:
        divisions = list(DIVISION_LABELS)
        raise page_problem(request, unknown_division_wording(division, divisions))
    return service_code or None, division or None


# Approval desk ----------------------------------------------------------


@router.get("/persetujuan")
async def approval_desk(
    request: Request,
    service: Service,
    principal: QueueReader,
    service_code: str = "",
    division: str = "",
) -> HTMLResponse:
    pages = pages_of(request)
    lang = language(request)
    code, chosen_division = checked_filters(request, service, service_code, division)
    views = await service.queue(code, chosen_division)
    return pages.render(
        request,
        "approval_desk.html",
        rows=queue_rows(service, views, lang),
        service_code=service_code,
        division=division,
        may_act=Role.HEAD in principal.roles,
        max_batch=MAX_BATCH,
        **filter_choices(service, lang),
    )


@router.get("/persetujuan/antrian")
async def approval_queue_rows(
    request: Request,
    service: Service,
    principal: QueueReader,
    service_code: str = "",
    division: str = "",
) -> HTMLResponse:
    """Render the queue's table rows; the desk polls this every 5 seconds."""
    pages = pages_of(request)
    lang = language(request)
    code, chosen_division = checked_filters(request, service, service_code, division)
    views = await service.queue(code, chosen_division)
    return pages.render(
        request,
        "_queue_rows.html",
        rows=queue_rows(service, views, lang),
        may_act=Role.HEAD in principal.roles,
    )


def passphrase_from(request: Request, value: str) -> SecretStr:
    if not value:
        raise page_problem(request, MISSING_PASSPHRASE)
    if len(value) > 200:
        raise page_problem(request, LONG_PASSPHRASE)
    return SecretStr(value)


REASON_MAX_LENGTH = 500


def reason_from(request: Request, value: str) -> str:
    reason = value.strip()
    if len(reason) > REASON_MAX_LENGTH:
        wording = long_reason_wording(len(reason), REASON_MAX_LENGTH)
        raise page_problem(request, wording)
    if len(reason) < 3:
        raise page_problem(request, REASON_LENGTH)
    return reason


@router.post("/persetujuan/tandatangani")
async def sign_batch(
    request: Request,
    service: Service,
    principal: Head,
    application_id: Annotated[list[str] | None, Form()] = None,
    passphrase: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Sign the selected applications with one passphrase; report each item."""
    ids = list(dict.fromkeys(application_id or []))
    if not ids:
        raise page_problem(request, NOTHING_SELECTED)
    if len(ids) > MAX_BATCH:
        too_many = (
            f"{len(ids)} permohonan dipilih; tanda tangani paling banyak "
            f"{MAX_BATCH} sekaligus.",
            f"{len(ids)} applications are selected; sign at most {MAX_BATCH} at once.",
        )
        raise page_problem(request, too_many)
    secret = passphrase_from(request, passphrase)
    async with desk_errors(request):
        result = await service.approve_batch(ids, principal.subject, secret)
    errors = {
        item.application_id: batch_item_error(request, item)
        for item in result.items
        if not item.signed
    }
    return pages_of(request).render(
        request,
        "_batch_result.html",
        result=result,
        errors=errors,
        headers=QUEUE_CHANGED,
    )


@router.get("/persetujuan/{application_id}")
async def approval_page(
    application_id: str, request: Request, service: Service, principal: QueueReader
) -> HTMLResponse:
    pages = pages_of(request)
    lang = language(request)
    approval = await service.get(application_id)
    view = service.view(approval)
    return pages.render(
        request,
        "approval.html",
        view=view,
        row=queue_rows(service, [view], lang)[0],
        draft=list(draft_rows(view.draft, lang)),
        division_label=DIVISION_LABELS.get(view.division, ("-", "-"))[
            1 if lang == "en" else 0
        ],
        printable_at_home=TEMPLATES[approval["template"]].printable_at_home,
        reason=approval.get("reason"),
        may_act=Role.HEAD in principal.roles,
    )


@router.get("/persetujuan/{application_id}/pratinjau.pdf")
async def approval_preview(
    application_id: str, request: Request, service: Service, principal: QueueReader
) -> Response:
    """Render the document as it will print, unsigned and stamped PRATINJAU."""
    async with desk_errors(request, application_id):
        pdf = await service.preview_pdf(application_id)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'inline; filename="pratinjau-{application_id}.pdf"',
            "cache-control": "no-store",
        },
    )


@router.post("/persetujuan/{application_id}/setujui")
async def approve_and_sign(
    application_id: str,
    request: Request,
    service: Service,
    principal: Head,
    passphrase: Annotated[str, Form()] = "",
) -> HTMLResponse:
    secret = passphrase_from(request, passphrase)
    async with desk_errors(request, application_id):
        signed = await service.approve(application_id, principal.subject, secret)
    return pages_of(request).render(
        request, "_action_result.html", view=service.view(signed)
    )


@router.post("/persetujuan/{application_id}/kembalikan")
async def return_page_action(
    application_id: str,
    request: Request,
    service: Service,
    principal: Head,
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse:
    checked = reason_from(request, reason)
    async with desk_errors(request, application_id):
        returned = await service.return_to_operator(
            application_id, checked, principal.subject
        )
    return pages_of(request).render(
        request, "_action_result.html", view=service.view(returned)
    )


@router.post("/persetujuan/{application_id}/tolak")
async def reject_page_action(
    application_id: str,
    request: Request,
    service: Service,
    principal: Head,
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse:
    checked = reason_from(request, reason)
    async with desk_errors(request, application_id):
        rejected = await service.reject(application_id, checked, principal.subject)
    return pages_of(request).render(
        request, "_action_result.html", view=service.view(rejected)
    )


@router.post("/persetujuan/{application_id}/ambil")
async def take_page_action(
    application_id: str, request: Request, service: Service, principal: Head
) -> HTMLResponse:
    async with desk_errors(request, application_id):
        taken = await service.assign(application_id, principal.subject, principal.name)
    return pages_of(request).render(
        request,
        "_assignee.html",
        view=service.view(taken),
        may_act=True,
        headers=QUEUE_CHANGED,
    )


@router.post("/persetujuan/{application_id}/lepas")
async def release_page_action(
    application_id: str, request: Request, service: Service, principal: Head
) -> HTMLResponse:
    async with desk_errors(request, application_id):
        released = await service.release(application_id, principal.subject)
    return pages_of(request).render(
        request,
        "_assignee.html",
        view=service.view(released),
        may_act=True,
        headers=QUEUE_CHANGED,
    )


# Resident download -----------------------------------------------------------


@router.get("/dokumen/{document_id}/unduh")
async def resident_download(
    document_id: str, request: Request, service: Service, principal: Applicant
) -> Response:
    """Send the signed PDF to the applicant it was issued for, if printable at home."""
    not_visible = (
        f"no document {document_id} is visible to you; open it from your "
        "application's status page"
    )
    try:
        approval = await service.signed_approval(document_id)
        # The grant check's own message names the application id, which must
        # not leak to someone who only has a document id.
        await require_application_access(request, principal, approval["_id"])
    except NotFoundError:
        raise NotFoundError(not_visible) from None
    pdf = await service.resident_pdf(approval)
    log.info(
        "document.downloaded",
        application_id=approval["_id"],
        document_id=document_id,
    )
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="{document_id}.pdf"',
            "cache-control": "private, no-store",
        },
    )
