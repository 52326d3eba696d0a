"""HTTP routes of the signing service: approval queue and public verification."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import UploadFile as StarletteUploadFile

from services.signing.schemas import (
    ApprovalView,
    ApproveRequest,
    BatchApproveRequest,
    BatchApproveResult,
    PdfCheck,
    PublicVerification,
    RejectRequest,
    ReturnRequest,
)
from services.signing.service import SigningService
from shared.auth import Principal, Role
from shared.auth.web import staff_with
from shared.errors import PayloadTooLargeError, ValidationFailedError
from shared.pages import Pages, wants_html

router = APIRouter()
log = structlog.get_logger()

MAX_PDF_BYTES = 20 * 1024 * 1024


def get_service(request: Request) -> SigningService:
    service: SigningService = request.app.state.service
    return service


Service = Annotated[SigningService, Depends(get_service)]
# The head acts; operations staff may read the queue but take no action.
Head = Annotated[Principal, Depends(staff_with(Role.HEAD))]
QueueReader = Annotated[Principal, Depends(staff_with(Role.HEAD, Role.OPS))]
DocumentReader = Annotated[
    Principal, Depends(staff_with(Role.HEAD, Role.DISTRIBUTION, Role.OPS))
]


QUEUE_FILTERS = ("service_code", "division")


@router.get("/queue", tags=["head of office"])
async def approval_queue(
    request: Request,
    service: Service,
    principal: QueueReader,
    service_code: str | None = None,
    division: str | None = None,
) -> list[ApprovalView]:
    """List verified applications awaiting the head's approval, oldest first."""
    # FastAPI ignores unknown query parameters, so a misspelt filter would
    # otherwise list the whole queue as if it had been applied.
    unknown = sorted(set(request.query_params) - set(QUEUE_FILTERS))
    if unknown:
        raise ValidationFailedError(
            f"the queue has no filter {', '.join(repr(name) for name in unknown)}; "
            f"filter by {', '.join(QUEUE_FILTERS)}",
            field=unknown[0],
        )
    return await service.queue(service_code or None, division or None)


@router.get("/approvals/{application_id}", tags=["head of office"])
async def get_approval(
    application_id: str, service: Service, principal: QueueReader
) -> ApprovalView:
    """Show one approval with its draft and, once signed, its register number."""
    return service.view(await service.get(application_id))


@router.post("/approvals/{application_id}/approve", tags=["head of office"])
async def approve(
    application_id: str, request: ApproveRequest, service: Service, principal: Head
) -> ApprovalView:
    """Approve and sign electronically with the head's passphrase."""
    approval = await service.approve(
        application_id, principal.subject, request.passphrase
    )
    return service.view(approval)


@router.post("/approvals/batch-approve", tags=["head of office"])
async def approve_batch(
    request: BatchApproveRequest, service: Service, principal: Head
) -> BatchApproveResult:
    """Approve and sign several applications with one passphrase entry.

    A wrong passphrase signs nothing; otherwise each application is reported
    as signed or failed with the reason.
    """
    return await service.approve_batch(
        request.application_ids, principal.subject, request.passphrase
    )


@router.post("/approvals/{application_id}/return", tags=["head of office"])
async def return_to_operator(
    application_id: str, request: ReturnRequest, service: Service, principal: Head
) -> ApprovalView:
    """Send the draft back to the operator for correction, with the reason."""
    returned = await service.return_to_operator(
        application_id, request.reason, principal.subject
    )
    return service.view(returned)


@router.post("/approvals/{application_id}/reject", tags=["head of office"])
async def reject(
    application_id: str, request: RejectRequest, service: Service, principal: Head
) -> ApprovalView:
    """Refuse the application with a reason for the resident."""
    rejected = await service.reject(application_id, request.reason, principal.subject)
    return service.view(rejected)


@router.post("/approvals/{application_id}/assign", tags=["head of office"])
async def assign(
    application_id: str, service: Service, principal: Head
) -> ApprovalView:
    """Take the approval: the queue shows who is working on it."""
    assigned = await service.assign(application_id, principal.subject, principal.name)
    return service.view(assigned)


@router.post("/approvals/{application_id}/release", tags=["head of office"])
async def release(
    application_id: str, service: Service, principal: Head
) -> ApprovalView:
    """Give back an approval taken with assign."""
    return service.view(await service.release(application_id, principal.subject))


@router.get("/documents/{document_id}/pdf", tags=["documents"])
async def document_pdf(
    document_id: str, service: Service, principal: DocumentReader
) -> Response:
    """Return the signed PDF of an issued document."""
    pdf = await service.document_pdf(document_id)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{document_id}.pdf"'},
    )


@router.get(
    "/v/{document_id}",
    tags=["public"],
    response_model=PublicVerification,
    responses={200: {"content": {"text/html": {}}}},
)
async def verify_document(
    document_id: str, request: Request, service: Service
) -> Response | PublicVerification:
    """Public check of a document reached from its QR code: genuine and active.

    Browsers (Accept: text/html) get the verification page; API clients get JSON.
    """
    result = await service.verify_public(document_id)
    if wants_html(request):
        pages: Pages = request.app.state.pages
        return pages.render(request, "verify.html", result=result, check=None)
    return result


async def read_pdf_body(request: Request) -> bytes:
    """Read a request body of at most MAX_PDF_BYTES."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_PDF_BYTES:
            raise PayloadTooLargeError(
                f"the PDF is larger than {MAX_PDF_BYTES} bytes; a DOMPAK deed is "
                "far smaller, so this is not one"
            )
    return bytes(body)


async def read_pdf_upload(request: Request) -> bytes:
    """Read the PDF of a browser form (multipart field `berkas`)."""
    declared = request.headers.get("content-length", "")
    # Starlette spools a form's file to disk before any size check, so an
    # upload must declare its length (browsers always do) to be refused early.
    if not declared.isdigit():
        raise ValidationFailedError(
            "the upload has no Content-Length header; send the form from a "
            "browser, or post the PDF itself as application/pdf"
        )
    if int(declared) > MAX_PDF_BYTES + 64 * 1024:
        raise PayloadTooLargeError(
            f"the file is larger than {MAX_PDF_BYTES} bytes; a DOMPAK document is "
            "far smaller, so this is not one"
        )
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("berkas")
    if not isinstance(upload, StarletteUploadFile):
        raise ValidationFailedError(
            "no file was sent in the field berkas; choose the PDF to check"
        )
    pdf = await upload.read(MAX_PDF_BYTES + 1)
    if len(pdf) > MAX_PDF_BYTES:
        raise PayloadTooLargeError(
            f"the file is larger than {MAX_PDF_BYTES} bytes; a DOMPAK document is "
            "far smaller, so this is not one"
        )
    if not pdf.startswith(b"%PDF-"):
        raise ValidationFailedError(
            f"the chosen file {upload.filename or ''!r} is not a PDF; choose the "
            "document's PDF file"
        )
    return pdf


@router.post(
    "/verify-pdf",
    tags=["public"],
    response_model=PdfCheck,
    responses={200: {"content": {"text/html": {}}}},
)
async def verify_pdf(request: Request, service: Service) -> Response | PdfCheck:
    """Check an uploaded PDF against the issued documents.

    API clients send the PDF itself as the body (application/pdf) and get JSON.
    The verification page's form sends it as multipart field `berkas` and gets
    the result page.
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return await service.check_pdf(await read_pdf_body(request))
    check = await service.check_pdf(await read_pdf_upload(request))
    log.info(
        "document.pdf_checked",
        issued_here=check.issued_here,
        intact=check.intact,
        document_id=check.document.document_id if check.document else None,
    )
    pages: Pages = request.app.state.pages
    return pages.render(request, "verify.html", result=check.document, check=check)
