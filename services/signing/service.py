"""Signing stage: the head approves, the deed gets its number, PDF and signature."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import structlog

from services.signing.rendering import BirthDeedContent, render_birth_deed
from services.signing.repository import ApprovalRepository
from services.signing.schemas import (
    ApprovalStatus,
    ApprovalView,
    PdfCheck,
    PublicVerification,
    RejectRequest,
)
from services.signing.settings import SigningSettings
from services.signing.signer import DocumentSigner, verify_signed_pdf
from shared.consumer import PermanentError
from shared.database import Document
from shared.errors import ConflictError, NotFoundError, ValidationFailedError
from shared.events import (
    Applicant,
    ApplicationRejected,
    ApplicationVerified,
    DocumentSigned,
    Envelope,
    EventType,
    Payload,
    new_event,
)
from shared.storage import ObjectStore

log = structlog.get_logger()

SOURCE = "/dompak/signing"
DOCUMENT_TYPE_NAMES = {"birth_deed": "Kutipan Akta Kelahiran"}


def mask_nik(nik: str) -> str:
    """Keep the region (first 6 digits) and the last 2; hide birth date and serial.

    Anything that is not a 16-digit NIK is hidden completely.
    """
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return "*" * len(nik)
    return nik[:6] + "*" * 8 + nik[-2:]


class SigningService:
    def __init__(
        self,
        repository: ApprovalRepository,
        store: ObjectStore,
        signer: DocumentSigner,
        settings: SigningSettings,
        trust_roots: list[bytes],
        on_outbox_written: Callable[[], None],
    ) -> None:
        self._repository = repository
        self._store = store
        self._signer = signer
        self._settings = settings
        self._trust_roots = trust_roots
        self._on_outbox_written = on_outbox_written

    async def open_approval(self, event: Envelope) -> None:
        """Queue a verified application for the head; a redelivery changes nothing."""
        verified = ApplicationVerified.model_validate(event.data)
        if verified.service_code not in self._settings.deed_codes:
            raise PermanentError(
                f"no register code is configured for service {verified.service_code!r};"
                " add it to DOMPAK_DEED_CODES"
            )
        created = await self._repository.approvals.insert(
            {
                "_id": event.subject,
                "document_id": str(uuid.uuid4()),
                "tracking_code": verified.tracking_code,
                "service_code": verified.service_code,
                "status": ApprovalStatus.AWAITING_APPROVAL.value,
                "applicant": verified.applicant.model_dump(mode="json"),
                "village_code": verified.village_code,
                "draft": verified.draft,
                "register_number": None,
                "sha256": None,
                "object_key": None,
                "signed_at": None,
                "correlation_id": event.correlationid,
                "received_at": datetime.now(UTC),
            },
            [],
        )
        log.info("approval.opened" if created else "approval.duplicate_ignored")

    async def approve(
        self, application_id: str, actor: str, passphrase: str
    ) -> Document:
        """Reserve the register number, render, sign and store the deed.

        Retrying after any failure is safe: the number reserved by an earlier
        attempt belongs to the application and is reused, so a wrong passphrase
        or a crash never burns a number.
        """
        current = await self._awaiting(application_id, "approved")
        reservation = await self._reserve_number(current)
        pdf = await self._render(current, reservation)
        signed_pdf = await asyncio.to_thread(
            self._signer.sign,
            pdf,
            passphrase,
            reason=f"Persetujuan Kepala Dinas atas {reservation['_id']}",
            location=self._settings.issue_place,
        )
        key = f"documents/{current['document_id']}-{uuid.uuid4().hex[:8]}.pdf"
        stored = await self._store.put(key, signed_pdf, "application/pdf")
        signed_at = datetime.now(UTC)
        event = self._event(
            current,
            EventType.DOCUMENT_SIGNED,
            DocumentSigned(
                document_id=current["document_id"],
                service_code=current["service_code"],
                tracking_code=current["tracking_code"],
                register_number=reservation["_id"],
                object_key=key,
                sha256=stored.sha256,
                subject_name=current["draft"]["child_name"],
                applicant=Applicant.model_validate(current["applicant"]),
                village_code=current["village_code"],
                signed_at=signed_at,
                actor=actor,
            ),
        )
        changes = {
            "status": ApprovalStatus.SIGNED.value,
            "register_number": reservation["_id"],
            "sha256": stored.sha256,
            "object_key": key,
            "signed_at": signed_at,
            "signed_by": actor,
        }
        try:
            return await self._apply(current, changes, event)
        except ConflictError:
            await self._store.delete(key)
            raise

    async def _reserve_number(self, current: Document) -> Document:
        deed_code = self._settings.deed_codes[current["service_code"]]
        today = datetime.now(UTC).date()

        def build(serial: int) -> Document:
            number = self._settings.register_number_format.format(
                region=self._settings.region_code,
                code=deed_code,
                date=today,
                serial=serial,
            )
            return {
                "_id": number,
                "deed_code": deed_code,
                "year": today.year,
                "serial": serial,
                "application_id": current["_id"],
                "document_id": current["document_id"],
                "reserved_on": today.isoformat(),
            }

        reservation = await self._repository.reserve_number(
            current["_id"], deed_code=deed_code, year=today.year, build=build
        )
        log.info("register_number.reserved", register_number=reservation["_id"])
        return reservation

    async def _render(self, current: Document, reservation: Document) -> bytes:
        draft = current["draft"]
        content = BirthDeedContent(
            child_name=draft["child_name"],
            child_sex=draft["child_sex"],
            birth_date=draft["birth_date"],
            birth_place=draft["birth_place"],
            birth_order=draft["birth_order"],
            father_name=draft.get("father_name"),
            mother_name=draft["mother_name"],
            register_number=reservation["_id"],
            document_id=current["document_id"],
            issued_on=date.fromisoformat(reservation["reserved_on"]),
            issued_at=self._settings.issue_place,
            regency_name=self._settings.regency_name,
            office_name=self._settings.office_name,
            head_name=self._settings.head_name,
            verify_url=f"{self._settings.public_verify_base_url}/{current['document_id']}",
        )
        return await asyncio.to_thread(render_birth_deed, content)

    async def reject(self, application_id: str, request: RejectRequest) -> Document:
        current = await self._awaiting(application_id, "rejected")
        event = self._event(
            current,
            EventType.APPLICATION_REJECTED,
            ApplicationRejected(
                stage="signing", reason=request.reason, actor=request.actor
            ),
        )
        changes = {
            "status": ApprovalStatus.REJECTED.value,
            "rejected_by": request.actor,
            "reason": request.reason,
        }
        return await self._apply(current, changes, event)

    async def get(self, application_id: str) -> Document:
        approval = await self._repository.get(application_id)
        if approval is None:
            raise NotFoundError(
                f"no approval for application {application_id!r}; it may not have "
                "been verified yet"
            )
        return approval

    async def queue(self, limit: int = 200) -> list[ApprovalView]:
        approvals = await self._repository.queue(
            ApprovalStatus.AWAITING_APPROVAL.value, limit
        )
        return [to_view(approval) for approval in approvals]

    async def document_pdf(self, document_id: str) -> bytes:
        approval = await self._repository.by_document_id(document_id)
        if approval is None or approval["status"] != ApprovalStatus.SIGNED.value:
            raise NotFoundError(f"no signed document has id {document_id!r}")
        return await self._store.get(
            approval["object_key"], expected_sha256=approval["sha256"]
        )

    async def verify_public(self, document_id: str) -> PublicVerification:
        """Report whether a document id belongs to a deed this office signed."""
        approval = await self._repository.by_document_id(document_id)
        return self._public_view(document_id, approval)

    async def check_pdf(self, pdf: bytes) -> PdfCheck:
        """Check an uploaded PDF: its signature, and that this office issued it."""
        if not pdf.startswith(b"%PDF-"):
            raise ValidationFailedError(
                "the uploaded file is not a PDF; upload the deed's PDF file"
            )
        report = await asyncio.to_thread(verify_signed_pdf, pdf, self._trust_roots)
        approval = await self._repository.by_sha256(hashlib.sha256(pdf).hexdigest())
        issued = approval is not None and approval["status"] == ApprovalStatus.SIGNED
        document = (
            self._public_view(approval["document_id"], approval) if approval else None
        )
        return PdfCheck(
            issued_here=issued,
            signed=report.signed,
            intact=report.intact,
            trusted=report.trusted,
            document=document,
            detail=report.detail,
        )

    def _public_view(
        self, document_id: str, approval: Document | None
    ) -> PublicVerification:
        issuer = self._settings.office_name
        if approval is None or approval["status"] != ApprovalStatus.SIGNED.value:
            return PublicVerification(
                genuine=False,
                active=False,
                document_id=document_id,
                document_number=None,
                document_type=None,
                name=None,
                nik_masked=None,
                signed_at=None,
                issuer=issuer,
                message="Dokumen tidak ditemukan: tidak diterbitkan oleh kantor ini. "
                "Document not found: it was not issued by this office.",
            )
        active = not approval.get("revoked", False)
        return PublicVerification(
            genuine=True,
            active=active,
            document_id=document_id,
            document_number=approval["register_number"],
            document_type=DOCUMENT_TYPE_NAMES.get(approval["service_code"]),
            name=approval["draft"]["child_name"],
            nik_masked=mask_nik(approval["applicant"]["nik"]),
            signed_at=approval["signed_at"],
            issuer=issuer,
            message="Dokumen asli dan berlaku. Genuine and active."
            if active
            else "Dokumen asli tetapi sudah tidak berlaku. Genuine but revoked.",
        )

    async def _awaiting(self, application_id: str, action: str) -> Document:
        approval = await self.get(application_id)
        if approval["status"] != ApprovalStatus.AWAITING_APPROVAL.value:
            raise ConflictError(
                f"application {application_id} is {approval['status']}, so it cannot "
                f"be {action}; only an application awaiting approval can",
                status=approval["status"],
            )
        return approval

    def _event(
        self, approval: Document, event_type: EventType, payload: Payload
    ) -> Envelope:
        event = new_event(
            source=SOURCE,
            event_type=event_type,
            application_id=approval["_id"],
            payload=payload,
        )
        return event.model_copy(update={"correlationid": approval["correlation_id"]})

    async def _apply(
        self, current: Document, changes: dict[str, Any], event: Envelope
    ) -> Document:
        return await self._repository.approvals.apply(
            current, changes, [event], on_written=self._on_outbox_written
        )


def to_view(approval: Document) -> ApprovalView:
    return ApprovalView(
        application_id=approval["_id"],
        tracking_code=approval["tracking_code"],
        service_code=approval["service_code"],
        status=approval["status"],
        document_id=approval["document_id"],
        applicant_name=approval["applicant"]["name"],
        draft=approval["draft"],
        register_number=approval["register_number"],
        signed_at=approval["signed_at"],
        received_at=approval["received_at"],
    )
