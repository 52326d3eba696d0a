"""Signing stage: the head approves, the document gets its number, PDF and signature."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import structlog
from pydantic import SecretStr, ValidationError
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

from services.signing.documents import TEMPLATES, get_template, render_document
from services.signing.documents.common import DocumentContent
from services.signing.repository import ApprovalRepository
from services.signing.schemas import (
    ApprovalStatus,
    ApprovalView,
    Assignee,
    BatchApproveResult,
    BatchItemResult,
    PdfCheck,
    PublicVerification,
)
from services.signing.settings import SigningSettings
from services.signing.signer import (
    DocumentSigner,
    SignatureReport,
    SigningPassphraseInvalid,
    verify_signed_pdf,
)
from shared.catalogue import (
    Catalogue,
    Division,
    NumberKind,
    ServiceEntry,
    UnknownServiceError,
)
from shared.consumer import PermanentError
from shared.database import Document
from shared.errors import (
    ConflictError,
    NotFoundError,
    ServiceError,
    TooManyRequestsError,
    ValidationFailedError,
)
from shared.events import (
    Applicant,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationVerified,
    DocumentSigned,
    Envelope,
    EventType,
    Payload,
    new_event,
)
from shared.regency import Regency
from shared.storage import ObjectStore

log = structlog.get_logger()

SOURCE = "/dompak/signing"
# Issuer fields the signing service fills; the draft carries everything else.
ISSUER_FIELDS = (
    "register_number",
    "document_id",
    "issued_on",
    "issued_at",
    "regency_name",
    "office_name",
    "head_name",
    "verify_url",
)
PLACEHOLDER_NUMBER = "0000-XX-00000000-0000"


def mask_nik(nik: str) -> str:
    """Keep the region (first 6 digits) and the last 2; hide birth date and serial.

    Anything that is not a 16-digit NIK is hidden completely.
    """
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return "*" * len(nik)
    return nik[:6] + "*" * 8 + nik[-2:]


def subject_nik(content: Mapping[str, Any]) -> str | None:
    """Return the NIK of the person a document is about, where it prints one."""
    for key in ("nik", "deceased", "holder", "head"):
        value = content.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, Mapping) and isinstance(value.get("nik"), str):
            return str(value["nik"])
    return None


class DraftNotPrintableError(ValidationFailedError):
    """The verified draft does not fit the document template."""


class NotPrintableAtHomeError(ServiceError):
    """The document is a card print job, collected at the office, not a file."""

    status_code = 409
    code = "not_printable_at_home"


class FailedPassphrases:
    """Counts wrong passphrases per head in a sliding window, in this process.

    NOTE: the count is per process; with several signing replicas each
    allows the maximum.
    """

    def __init__(self, maximum: int, window_seconds: int) -> None:
        self._maximum = maximum
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def check(self, actor: str) -> None:
        failures = self._failures[actor.casefold()]
        cutoff = time.monotonic() - self._window
        while failures and failures[0] < cutoff:
            failures.popleft()
        if len(failures) >= self._maximum:
            raise TooManyRequestsError(
                f"{len(failures)} wrong signing passphrases from {actor} in "
                f"{self._window // 60} minutes; wait before trying again"
            )

    def record(self, actor: str) -> None:
        self._failures[actor.casefold()].append(time.monotonic())


class SigningService:
    def __init__(
        self,
        repository: ApprovalRepository,
        store: ObjectStore,
        signer: DocumentSigner,
        settings: SigningSettings,
        catalogue: Catalogue,
        regency: Regency,
        trust_roots: list[bytes],
        on_outbox_written: Callable[[], None],
    ) -> None:
        unknown = [
            f"service {entry.code}: template {entry.template!r}"
            for entry in catalogue.services
            if entry.template not in TEMPLATES
        ]
        if unknown:
            raise ValueError(
                "the catalogue names templates this version lacks "
                f"({'; '.join(unknown)}); choose from {', '.join(sorted(TEMPLATES))}"
            )
        self._catalogue = catalogue
        self._regency = regency
        self._failed_passphrases = FailedPassphrases(
            settings.max_failed_passphrases, settings.failed_passphrase_window_seconds
        )
        self._repository = repository
        self._store = store
        self._signer = signer
        self._settings = settings
        self._trust_roots = trust_roots
        self._on_outbox_written = on_outbox_written

    def _entry(self, service_code: str) -> ServiceEntry:
        try:
            return self._catalogue.service(service_code)
        except UnknownServiceError as error:
            raise PermanentError(str(error)) from None

    async def open_approval(self, event: Envelope) -> None:
        """Queue a verified application for the head; a redelivery changes nothing.

        A draft that does not fit its document template goes straight back to
        the operator, since the head could not sign it.
        """
        verified = ApplicationVerified.model_validate(event.data)
        entry = self._entry(verified.service_code)
        problem = self._check_draft(entry, verified.draft)
        document: Document = {
            "_id": event.subject,
            "document_id": str(uuid.uuid4()),
            "tracking_code": verified.tracking_code,
            "service_code": verified.service_code,
            "template": entry.template,
            "status": ApprovalStatus.AWAITING_APPROVAL.value,
            "applicant": verified.applicant.model_dump(mode="json"),
            "village_code": verified.village_code,
            "draft": verified.draft,
            "register_number": None,
            "sha256": None,
            "object_key": None,
            "signed_at": None,
            "applied_events": [event.id],
            "correlation_id": event.correlationid,
            "received_at": datetime.now(UTC),
        }
        if await self._repository.approvals.insert(document, []):
            log.info("approval.opened")
            opened: Document | None = {**document, "version": 1, "outbox": []}
        else:
            opened = await self._reopen(event, verified)
        if opened is not None and problem is not None:
            await self._return(opened, problem, actor="system")

    async def _reopen(
        self, event: Envelope, verified: ApplicationVerified
    ) -> Document | None:
        """Take back a corrected draft after a return; ignore a redelivery."""
        current = await self.get(event.subject)
        if event.id in current.get("applied_events", []):
            log.info("approval.duplicate_ignored")
            return None
        if current["status"] != ApprovalStatus.RETURNED.value:
            log.warning("approval.verified_again_ignored", status=current["status"])
            return None
        changes = {
            "status": ApprovalStatus.AWAITING_APPROVAL.value,
            "draft": verified.draft,
            "applied_events": [*current.get("applied_events", []), event.id],
        }
        log.info("approval.reopened")
        return await self._repository.approvals.apply(
            current, changes, [], on_written=self._on_outbox_written
        )

    def _check_draft(self, entry: ServiceEntry, draft: dict[str, Any]) -> str | None:
        """Return why the draft cannot be printed, or None when it can."""
        try:
            render_document(
                entry.template, self._content(entry, draft, self._placeholders(entry))
            )
        except ValidationError as error:
            return "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in error.errors()
            )
        except ValueError as error:
            return str(error)
        return None

    def _placeholders(self, entry: ServiceEntry) -> dict[str, Any]:
        return self._issuer(
            entry, PLACEHOLDER_NUMBER, "00000000", self._regency.today()
        )

    def _issuer(
        self, entry: ServiceEntry, number: str, document_id: str, issued_on: date
    ) -> dict[str, Any]:
        regency = self._regency
        return {
            "register_number": number,
            "document_id": document_id,
            "issued_on": issued_on,
            "issued_at": regency.place_of_issue,
            "regency_name": regency.name,
            "office_name": regency.office_name,
            "head_name": regency.head_of_office.name,
            "verify_url": f"{regency.public_urls.document_verification}/{document_id}",
        }

    def _content(
        self, entry: ServiceEntry, draft: Mapping[str, Any], issuer: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Combine draft and issuer fields into the template's content."""
        fields = get_template(entry.template).content_model.model_fields
        content = {k: v for k, v in draft.items() if k not in ISSUER_FIELDS}
        content.update({k: v for k, v in issuer.items() if k in fields})
        if entry.number.kind is NumberKind.FAMILY_CARD_NUMBER:
            # A family card is known by its KK number, which signing draws;
            # before the draw a well-formed stand-in lets the draft be checked.
            number = str(issuer["register_number"])
            if not (len(number) == 16 and number.isdigit()):
                today = self._regency.today()
                number = f"{self._regency.region_digits}01{today:%d%m%y}0001"
            content["kk_number"] = number
        return content

    async def approve(
        self, application_id: str, actor: str, passphrase: SecretStr
    ) -> Document:
        """Check the passphrase, reserve the number, render, sign and store.

        The passphrase and the draft are checked before a number is claimed,
        so a typo or an unprintable draft costs no number. A number claimed by
        an attempt that failed later belongs to the application and is reused.
        """
        current = await self._awaiting(application_id, "approved")
        await self._check_passphrase(actor, passphrase)
        return await self._sign(current, actor, passphrase)

    async def approve_batch(
        self, application_ids: list[str], actor: str, passphrase: SecretStr
    ) -> BatchApproveResult:
        """Approve and sign several applications with one passphrase entry.

        A wrong passphrase signs nothing. Otherwise every application is
        tried in turn, and a failing one is reported without stopping the rest.
        """
        await self._check_passphrase(actor, passphrase)
        items: list[BatchItemResult] = []
        for application_id in dict.fromkeys(application_ids):
            items.append(await self._sign_one(application_id, actor, passphrase))
        signed = sum(1 for item in items if item.signed)
        log.info("approval.batch_signed", signed=signed, failed=len(items) - signed)
        return BatchApproveResult(
            signed=signed, failed=len(items) - signed, items=items
        )

    async def _sign_one(
        self, application_id: str, actor: str, passphrase: SecretStr
    ) -> BatchItemResult:
        tracking_code: str | None = None
        try:
            current = await self._awaiting(application_id, "approved")
            tracking_code = current["tracking_code"]
            signed = await self._sign(current, actor, passphrase)
        except ServiceError as error:
            log.warning(
                "approval.batch_item_failed",
                application_id=application_id,
                code=error.code,
            )
            return _batch_failure(
                application_id, tracking_code, error.message, error.code
            )
        except Exception as error:
            # Any failure of one item is reported, and the batch goes on.
            log.error(
                "approval.batch_item_failed",
                application_id=application_id,
                error=repr(error),
                exc_info=error,
            )
            return _batch_failure(
                application_id,
                tracking_code,
                "signing failed because of a server error, which is logged; "
                "try this application again on its own",
                "internal_error",
            )
        return BatchItemResult(
            application_id=application_id,
            tracking_code=tracking_code,
            signed=True,
            register_number=signed["register_number"],
            error=None,
        )

    async def _sign(
        self, current: Document, actor: str, passphrase: SecretStr
    ) -> Document:
        """Number, render, sign and store an approval whose passphrase was checked."""
        application_id = current["_id"]
        entry = self._entry(current["service_code"])
        problem = self._check_draft(entry, current["draft"])
        if problem is not None:
            raise DraftNotPrintableError(
                f"the draft of application {application_id} cannot be printed: "
                f"{problem}; return it to the operator with this reason",
                problem=problem,
            )
        number, issued_on = await self._reserve_number(current, entry)
        content = self._content(
            entry,
            current["draft"],
            self._issuer(entry, number, current["document_id"], issued_on),
        )

        pdf = await asyncio.to_thread(render_document, entry.template, content)
        signed_pdf = await asyncio.to_thread(
            self._signer.sign,
            pdf,
            passphrase.get_secret_value(),
            reason=f"Persetujuan Kepala Dinas atas {number}",
            location=self._regency.place_of_issue,
        )
        key = f"documents/{current['document_id']}-{uuid.uuid4().hex[:8]}.pdf"
        stored = await self._store.put(key, signed_pdf, "application/pdf")
        signed_at = datetime.now(UTC)
        model = get_template(entry.template).content_model
        subject = model.model_validate(content)
        event = self._event(
            current,
            EventType.DOCUMENT_SIGNED,
            DocumentSigned(
                document_id=current["document_id"],
                service_code=current["service_code"],
                tracking_code=current["tracking_code"],
                register_number=number,
                object_key=key,
                sha256=stored.sha256,
                subject_name=_subject_name(subject),
                applicant=Applicant.model_validate(current["applicant"]),
                village_code=current["village_code"],
                signed_at=signed_at,
                actor=actor,
            ),
        )
        changes = {
            "status": ApprovalStatus.SIGNED.value,
            "register_number": number,
            "subject_name": _subject_name(subject),
            "subject_nik": subject_nik(content),
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

    async def _check_passphrase(self, actor: str, passphrase: SecretStr) -> None:
        self._failed_passphrases.check(actor)
        try:
            await asyncio.to_thread(
                self._signer.check_passphrase, passphrase.get_secret_value()
            )
        except SigningPassphraseInvalid:
            self._failed_passphrases.record(actor)
            log.warning("signing.passphrase_rejected", actor=actor)
            raise

    async def _reserve_number(
        self, current: Document, entry: ServiceEntry
    ) -> tuple[str, date]:
        """Return the document's number and issue date, claiming one if needed."""
        numbering = entry.number
        today = self._regency.today()
        if numbering.kind is NumberKind.NONE:
            # Cards carry the holder's NIK as their number.
            nik = subject_nik(current["draft"])
            if nik is None:
                raise DraftNotPrintableError(
                    f"the draft of application {current['_id']} has no NIK to print "
                    "on the card; return it to the operator"
                )
            return nik, today
        scope = f"{numbering.kind.value}:{numbering.letters or ''}"
        district = current["village_code"].replace(".", "")[:6]

        def build(serial: int) -> Document:
            number = numbering.render(
                region=self._regency.region_digits,
                district=district,
                issued_on=today,
                serial=serial,
            )
            return {
                "_id": number,
                "scope": scope,
                "year": today.year,
                "serial": serial,
                "application_id": current["_id"],
                "document_id": current["document_id"],
                "reserved_on": today.isoformat(),
            }

        reservation = await self._repository.reserve_number(
            current["_id"], scope=scope, year=today.year, build=build
        )
        log.info("document_number.reserved", number=reservation["_id"])
        return reservation["_id"], date.fromisoformat(reservation["reserved_on"])

    async def return_to_operator(
        self, application_id: str, reason: str, actor: str
    ) -> Document:
        """Send the draft back to the operator for correction, with the reason."""
        current = await self._awaiting(application_id, "returned")
        return await self._return(current, reason, actor=actor)

    async def _return(self, current: Document, reason: str, *, actor: str) -> Document:
        event = self._event(
            current,
            EventType.APPLICATION_RETURNED,
            ApplicationReturned(stage="signing", reason=reason, actor=actor),
        )
        changes = {"status": ApprovalStatus.RETURNED.value, "reason": reason}
        log.info("approval.returned", reason=reason)
        return await self._apply(current, changes, event)

    async def reject(self, application_id: str, reason: str, actor: str) -> Document:
        current = await self._awaiting(application_id, "rejected")
        event = self._event(
            current,
            EventType.APPLICATION_REJECTED,
            ApplicationRejected(stage="signing", reason=reason, actor=actor),
        )
        changes = {
            "status": ApprovalStatus.REJECTED.value,
            "rejected_by": actor,
            "reason": reason,
        }
        rejected = await self._apply(current, changes, event)
        await self._release_number(application_id)
        return rejected

    async def _release_number(self, application_id: str) -> None:
        # An earlier approval attempt may have claimed a number and then
        # failed; a rejected application gives it back.
        reservation = await self._repository.reservation_of(application_id)
        if reservation is None:
            return
        reused = await self._repository.release_number(reservation)
        log.info("document_number.released", number=reservation["_id"], reused=reused)

    async def get(self, application_id: str) -> Document:
        approval = await self._repository.get(application_id)
        if approval is None:
            raise NotFoundError(
                f"no approval for application {application_id!r}; it may not have "
                "been verified yet"
            )
        return approval

    async def queue(
        self,
        service_code: str | None = None,
        division: str | None = None,
        limit: int = 200,
    ) -> list[ApprovalView]:
        """List approvals awaiting the head, oldest first, optionally filtered.

        Raises ValidationFailedError for a service code or division that is
        not in the catalogue.
        """
        self._check_filters(service_code, division)
        codes = [
            entry.code
            for entry in self._catalogue.services
            if (service_code is None or entry.code == service_code)
            and (division is None or entry.division.value == division)
        ]
        approvals = await self._repository.queue(
            ApprovalStatus.AWAITING_APPROVAL.value, limit, service_codes=codes
        )
        return [self.view(approval) for approval in approvals]

    def _check_filters(self, service_code: str | None, division: str | None) -> None:
        codes = self._catalogue.codes
        if service_code is not None and service_code not in codes:
            raise ValidationFailedError(
                f"service {service_code!r} is not in the catalogue; filter by one of "
                f"{', '.join(codes)}, or leave it empty for every service",
                field="service_code",
            )
        divisions = [d.value for d in Division]
        if division is not None and division not in divisions:
            raise ValidationFailedError(
                f"division {division!r} is not a division of the office; filter by "
                f"{' or '.join(divisions)}, or leave it empty for every division",
                field="division",
            )

    def view(self, approval: Document) -> ApprovalView:
        """Build the API view, with the division and standard of its service."""
        entry = self.service_entry(approval["service_code"])
        return to_view(
            approval,
            division=entry.division.value if entry else "",
            standard_days=entry.standard_days if entry else 0,
        )

    def service_entry(self, service_code: str) -> ServiceEntry | None:
        try:
            return self._catalogue.service(service_code)
        except UnknownServiceError:
            return None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    async def assign(self, application_id: str, username: str, name: str) -> Document:
        """Mark the approval as being worked on by this staff member."""
        current = await self._awaiting(application_id, "assigned")
        holder = current.get("assignee")
        if holder is not None and holder["username"] == username:
            return current
        if holder is not None:
            raise ConflictError(
                f"application {application_id} is already taken by "
                f"{holder['name']}; ask them to release it first",
                assignee=holder["username"],
            )
        assignee = {"username": username, "name": name, "at": datetime.now(UTC)}
        assigned = await self._repository.approvals.apply(
            current, {"assignee": assignee}, [], on_written=self._on_outbox_written
        )
        log.info("approval.assigned", application_id=application_id, actor=username)
        return assigned

    async def release(self, application_id: str, username: str) -> Document:
        """Clear the assignee; only the staff member who took the item may."""
        current = await self.get(application_id)
        holder = current.get("assignee")
        if holder is None:
            return current
        if holder["username"] != username:
            raise ConflictError(
                f"application {application_id} is taken by {holder['name']}, not "
                "by you; only they can release it",
                assignee=holder["username"],
            )
        released = await self._repository.approvals.apply(
            current, {"assignee": None}, [], on_written=self._on_outbox_written
        )
        log.info("approval.released", application_id=application_id, actor=username)
        return released

    async def preview_pdf(self, application_id: str) -> bytes:
        """Render the draft unsigned, with a placeholder number and a PREVIEW stamp."""
        current = await self.get(application_id)
        entry = self._entry(current["service_code"])
        problem = self._check_draft(entry, current["draft"])
        if problem is not None:
            raise DraftNotPrintableError(
                f"the draft of application {application_id} cannot be printed: "
                f"{problem}; return it to the operator with this reason",
                problem=problem,
            )
        content = self._content(entry, current["draft"], self._placeholders(entry))
        pdf = await asyncio.to_thread(render_document, entry.template, content)
        page_size = get_template(entry.template).page_size
        return await asyncio.to_thread(stamp_preview, pdf, page_size)

    async def signed_approval(self, document_id: str) -> Document:
        """Return the approval of a signed document; NotFoundError if none."""
        approval = await self._repository.by_document_id(document_id)
        if approval is None or approval["status"] != ApprovalStatus.SIGNED.value:
            raise NotFoundError(f"no signed document has id {document_id!r}")
        return approval

    async def document_pdf(self, document_id: str) -> bytes:
        approval = await self.signed_approval(document_id)
        return await self.stored_pdf(approval)

    async def stored_pdf(self, approval: Document) -> bytes:
        return await self._store.get(
            approval["object_key"], expected_sha256=approval["sha256"]
        )

    async def resident_pdf(self, approval: Document) -> bytes:
        """Return the signed PDF for the applicant, unless it is a card print job."""
        template = TEMPLATES[approval["template"]]
        if not template.printable_at_home:
            raise NotPrintableAtHomeError(
                f"the {template.document_name} is printed on a card at the office, "
                "so there is no file to download; collect it at the office or your "
                "village as the status page says"
            )
        return await self.stored_pdf(approval)

    async def verify_public(self, document_id: str) -> PublicVerification:
        """Report whether a document id belongs to a deed this office signed."""
        approval = await self._repository.by_document_id(document_id)
        return self._public_view(document_id, approval)

    async def check_pdf(self, pdf: bytes) -> PdfCheck:
        """Check an uploaded PDF: its signature, and that this office issued it."""
        if not pdf.startswith(b"%PDF-"):
            raise ValidationFailedError(
                "the request body is not a PDF; send the document's PDF file itself "
                "as the body, with Content-Type application/pdf (not as a form)"
            )
        report = await asyncio.to_thread(verify_signed_pdf, pdf, self._trust_roots)
        approval, extra_bytes = await self._issued_approval(pdf, report)
        issued = approval is not None and approval["status"] == ApprovalStatus.SIGNED
        document = (
            self._public_view(approval["document_id"], approval) if approval else None
        )
        detail = report.detail
        if extra_bytes:
            detail += (
                f"; the file has {extra_bytes} bytes after the signed part, which the "
                "signature does not cover, so only the signed part is the issued "
                "document"
            )
        return PdfCheck(
            issued_here=issued,
            signed=report.signed,
            intact=report.intact,
            trusted=report.trusted,
            document=document,
            detail=detail,
            extra_bytes=extra_bytes,
        )

    async def _issued_approval(
        self, pdf: bytes, report: SignatureReport
    ) -> tuple[Document | None, int]:
        """Find the approval whose signed PDF the file is or starts with.

        Returns the approval, or None, and the count of bytes after the issued
        PDF. Bytes appended after a signature leave it intact (a PDF reader
        ignores data after the last %%EOF), so a file that only starts with an
        issued PDF is matched when its signature is intact and trusted.
        """
        approval = await self._repository.by_sha256(hashlib.sha256(pdf).hexdigest())
        if approval is not None:
            return approval, 0
        length = report.signed_length
        if not (report.intact and report.trusted and length and length < len(pdf)):
            return None, 0
        signed_part = hashlib.sha256(pdf[:length]).hexdigest()
        approval = await self._repository.by_sha256(signed_part)
        if approval is None:
            return None, 0
        return approval, len(pdf) - length

    def _public_view(
        self, document_id: str, approval: Document | None
    ) -> PublicVerification:
        issuer = self._regency.office_name
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
            document_type=TEMPLATES[approval["template"]].document_name,
            name=approval["subject_name"],
            nik_masked=mask_nik(approval["subject_nik"])
            if approval.get("subject_nik")
            else None,
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
        return new_event(
            source=SOURCE,
            event_type=event_type,
            application_id=approval["_id"],
            payload=payload,
            correlation_id=approval["correlation_id"],
        )

    async def _apply(
        self, current: Document, changes: dict[str, Any], event: Envelope
    ) -> Document:
        return await self._repository.approvals.apply(
            current, changes, [event], on_written=self._on_outbox_written
        )


def to_view(
    approval: Document, *, division: str = "", standard_days: int = 0
) -> ApprovalView:
    assignee = approval.get("assignee")
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
        division=division,
        standard_days=standard_days,
        assignee=Assignee.model_validate(assignee) if assignee else None,
    )


def _batch_failure(
    application_id: str, tracking_code: str | None, message: str, code: str
) -> BatchItemResult:
    return BatchItemResult(
        application_id=application_id,
        tracking_code=tracking_code,
        signed=False,
        register_number=None,
        error=message,
        error_code=code,
    )


PREVIEW_STAMP = "PRATINJAU - BELUM DITANDATANGANI"


def stamp_preview(pdf: bytes, page_size: tuple[float, float]) -> bytes:
    """Stamp "PRATINJAU" (preview) across the middle of the first page."""
    width, height = page_size
    # Courier glyphs are 0.6 em wide; the stamp spans about 80% of the page.
    font_size = max(6, round(width * 0.8 / (0.6 * len(PREVIEW_STAMP))))
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    style = TextStampStyle(
        stamp_text=PREVIEW_STAMP,
        text_box_style=TextBoxStyle(font_size=font_size),
        border_width=max(1, round(font_size / 8)),
        background=None,
    )
    TextStamp(writer, style).apply(0, round(width * 0.08), round(height * 0.45))
    output = BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call] # pyHanko is untyped
    return output.getvalue()


def _subject_name(content: DocumentContent) -> str:
    return str(content.subject_name)
