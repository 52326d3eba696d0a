"""HTTP routes of the signing service: approval queue and public verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.signing.schemas import (
    ApprovalView,
    ApproveRequest,
    PdfCheck,
    PublicVerification,
    RejectRequest,
    ReturnRequest,
)
from services.signing.service import SigningService, to_view
from shared.errors import PayloadTooLargeError

router = APIRouter()

MAX_PDF_BYTES = 20 * 1024 * 1024


def get_service(request: Request) -> SigningService:
    service: SigningService = request.app.state.service
    return service


Service = Annotated[SigningService, Depends(get_service)]


@router.get("/queue", tags=["head of office"])
async def approval_queue(service: Service) -> list[ApprovalView]:
    """List verified applications awaiting the head's approval, oldest first."""
    return await service.queue()


@router.get("/approvals/{application_id}", tags=["head of office"])
async def get_approval(application_id: str, service: Service) -> ApprovalView:
    """Show one approval with its draft and, once signed, its register number."""
    return to_view(await service.get(application_id))


@router.post("/approvals/{application_id}/approve", tags=["head of office"])
async def approve(
    application_id: str, request: ApproveRequest, service: Service
) -> ApprovalView:
    """Approve and sign electronically with the head's passphrase."""
    approval = await service.approve(
        application_id, request.actor.strip(), request.passphrase
    )
    return to_view(approval)


@router.post("/approvals/{application_id}/return", tags=["head of office"])
async def return_to_operator(
    application_id: str, request: ReturnRequest, service: Service
) -> ApprovalView:
    """Send the draft back to the operator for correction, with the reason."""
    return to_view(await service.return_to_operator(application_id, request))


@router.post("/approvals/{application_id}/reject", tags=["head of office"])
async def reject(
    application_id: str, request: RejectRequest, service: Service
) -> ApprovalView:
    """Refuse the application with a reason for the resident."""
    return to_view(await service.reject(application_id, request))


@router.get("/documents/{document_id}/pdf", tags=["documents"])
async def document_pdf(document_id: str, service: Service) -> Response:
    """Return the signed PDF of an issued document."""
    pdf = await service.document_pdf(document_id)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{document_id}.pdf"'},
    )


@router.get("/v/{document_id}", tags=["public"])
async def verify_document(document_id: str, service: Service) -> PublicVerification:
    """Public check of a document reached from its QR code: genuine and active."""
    return await service.verify_public(document_id)


@router.post("/verify-pdf", tags=["public"])
async def verify_pdf(request: Request, service: Service) -> PdfCheck:
    """Check an uploaded PDF (request body, application/pdf) against issued deeds."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_PDF_BYTES:
            raise PayloadTooLargeError(
                f"the PDF is larger than {MAX_PDF_BYTES} bytes; a DOMPAK deed is "
                "far smaller, so this is not one"
            )
    return await service.check_pdf(bytes(body))
