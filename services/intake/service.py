"""Intake stage: submission, front-office completeness check, status timeline."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import structlog

from services.intake.files import CleanImage, ImageCleaner
from services.intake.forms import FORMS, ApplicationForm
from services.intake.forms.fields import AreaLookup
from services.intake.forms.parsing import parse_application
from services.intake.repository import ApplicationRepository
from services.intake.requirements import (
    UploadPlan,
    check_requested,
    check_uploads,
    plan_uploads,
)
from services.intake.schemas import (
    ApplicationSummary,
    ApplicationView,
    Assignee,
    DocumentsRequest,
    QueueFilter,
    QueueItem,
    TimelineEntry,
)
from services.intake.settings import IntakeSettings
from services.intake.subjects import SubjectClaims
from shared.auth import IdentityStore, Principal
from shared.catalogue import Catalogue, ServiceEntry, UnknownServiceError
from shared.database import Document
from shared.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from shared.events import (
    Applicant,
    ApplicationAccepted,
    ApplicationDocumentsRequested,
    ApplicationResubmitted,
    ApplicationSubmitted,
    Envelope,
    EventType,
    MissingFile,
    StoredFile,
    new_event,
)
from shared.regency import Regency
from shared.storage import ObjectStore

log = structlog.get_logger()

SOURCE = "/dompak/intake"
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OPEN_FOR_FRONT_OFFICE = ("submitted", "resubmitted")


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the API received it."""

    field: str
    filename: str
    data: bytes


# Resident-facing status per event type: (status, Indonesian label, English label).
RESIDENT_STATUS: dict[str, tuple[str, str, str]] = {
    EventType.APPLICATION_SUBMITTED: ("submitted", "Diajukan", "Submitted"),
    EventType.APPLICATION_DOCUMENTS_REQUESTED: (
        "documents_requested",
        "Berkas perlu dilengkapi",
        "Documents requested",
    ),
    EventType.APPLICATION_RESUBMITTED: (
        "resubmitted",
        "Berkas sudah dilengkapi",
        "Documents resubmitted",
    ),
    EventType.APPLICATION_ACCEPTED: (
        "accepted",
        "Berkas lengkap, diteruskan ke operator",
        "Accepted by the front office",
    ),
    EventType.APPLICATION_DRAFTED: ("drafted", "Draf dokumen disusun", "Drafted"),
    EventType.APPLICATION_VERIFIED: (
        "verified",
        "Diverifikasi, menunggu tanda tangan",
        "Verified, awaiting signature",
    ),
    EventType.APPLICATION_RETURNED: (
        "returned",
        "Dikembalikan untuk perbaikan draf",
        "Returned for correction",
    ),
    EventType.APPLICATION_REJECTED: ("rejected", "Ditolak", "Rejected"),
    EventType.DOCUMENT_SIGNED: (
        "signed",
        "Ditandatangani secara elektronik",
        "Signed electronically",
    ),
    EventType.DOCUMENT_PRINTED: ("printed", "Dokumen dicetak", "Printed"),
    EventType.DOCUMENT_DISPATCHED: (
        "dispatched",
        "Dikirim ke kantor desa",
        "Sent to the village office",
    ),
    EventType.APPOINTMENT_SCHEDULED: (
        "appointment_scheduled",
        "Jadwal perekaman dan pengambilan kartu sudah ditetapkan",
        "Appointment for biometric recording and card collection booked",
    ),
    EventType.DOCUMENT_HANDED_OVER: ("handed_over", "Sudah diserahkan", "Handed over"),
    EventType.REGISTER_RECORDED: (
        "completed",
        "Selesai, tercatat di buku register",
        "Completed and recorded in the register",
    ),
}

# Event data the resident may see on the timeline, per event type.
TIMELINE_DETAIL: dict[str, tuple[str, ...]] = {
    EventType.APPLICATION_DOCUMENTS_REQUESTED: ("missing", "note"),
    EventType.APPLICATION_RETURNED: ("reason",),
    EventType.APPLICATION_REJECTED: ("reason",),
    EventType.DOCUMENT_SIGNED: ("register_number", "document_id"),
    EventType.DOCUMENT_DISPATCHED: ("village_code",),
    EventType.APPOINTMENT_SCHEDULED: ("starts_at", "place"),
    EventType.DOCUMENT_HANDED_OVER: ("receipt_number", "register_number"),
    EventType.REGISTER_RECORDED: ("register_number",),
}


def new_tracking_code() -> str:
    """Return a 12-character code in groups of four, without look-alike letters."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def check_not_taken_by_colleague(application: Document, actor: str) -> None:
    """Raise ConflictError when a staff member other than `actor` has taken it."""
    assignee = application.get("assignee")
    if assignee is not None and assignee["username"] != actor:
        raise ConflictError(
            f"application {application['tracking_code']} is being checked by "
            f"{assignee['name']} ({assignee['username']}); ask them to finish or "
            "release it first",
            assignee=assignee["username"],
        )


class IntakeService:
    def __init__(
        self,
        repository: ApplicationRepository,
        store: ObjectStore,
        settings: IntakeSettings,
        catalogue: Catalogue,
        regency: Regency,
        areas: AreaLookup,
        on_outbox_written: Callable[[], None],
        *,
        identity: IdentityStore,
    ) -> None:
        self._catalogue = catalogue
        self._identity = identity
        self._regency = regency
        self._areas = areas
        self._repository = repository
        self._store = store
        self._settings = settings
        self._on_outbox_written = on_outbox_written
        self._subjects = SubjectClaims(repository)
        self._cleaner = ImageCleaner(
            max_bytes=settings.max_upload_bytes,
            max_pixels=settings.max_image_pixels,
            concurrency=settings.image_decode_concurrency,
        )

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    @property
    def regency(self) -> Regency:
        return self._regency

    def service_entry(self, service_code: str) -> ServiceEntry:
        """Return the catalogue entry of a service, or raise NotFoundError."""
        try:
            return self._catalogue.service(service_code)
        except UnknownServiceError:
            raise NotFoundError(
                f"no service has code {service_code!r}; choose one of "
                f"{', '.join(self._catalogue.codes)}"
            ) from None

    def parse_form(self, entry: ServiceEntry, raw: str | None) -> ApplicationForm:
        """Validate the JSON form of a service against its rules."""
        context = {"areas": self._areas, "today": self._regency.today()}
        return parse_application(FORMS[entry.form], raw, context)

    async def submit(
        self,
        service_code: str,
        raw_form: str | None,
        uploads: Sequence[Upload],
        *,
        submitter: Principal,
    ) -> Document:
        """Claim the subject, grant access, store the papers, then the application.

        `submitter` is the signed-in resident or village official. Every check
        runs before the claim, so a rejected submission leaves no claim behind.
        Raises ConflictError when the same subject has an application already,
        ForbiddenError when a village official applies for another village.
        """
        entry = self.service_entry(service_code)
        form = self.parse_form(entry, raw_form)
        _check_submitter(submitter, form.contact_village())
        today = self._regency.today()
        plan = plan_uploads(entry, form.model_dump(mode="json"), today)
        check_uploads(plan, [u.field for u in uploads], expected=plan.needed)
        cleaned = await self._clean(uploads)

        application_id = str(uuid.uuid4())
        tracking_code = new_tracking_code()
        subject = await self._subjects.claim(entry, form, application_id, tracking_code)
        try:
            # The grant is written before the application, so no stored
            # application lacks one. A submission that fails after this line
            # leaves a grant for an id that no application will ever take.
            await self._grant(application_id, form, submitter)
            files = await self._put_files(application_id, cleaned)
            document = self._new_application(application_id, entry, form, plan, files)
            document = await self._insert_application(
                document, files, subject, tracking_code
            )
        except Exception:
            await self._subjects.release(subject, application_id)
            raise
        log.info(
            "application.submitted", application_id=application_id, service=entry.code
        )
        self._on_outbox_written()
        return document

    async def _grant(
        self, application_id: str, form: ApplicationForm, submitter: Principal
    ) -> None:
        niks = [form.applicant.nik]
        if submitter.is_resident:
            niks.append(submitter.subject)
            submitted_by = f"resident:{submitter.subject}"
        else:
            submitted_by = f"staff:{submitter.subject}"
        await self._identity.grant(
            application_id,
            niks=niks,
            village_code=form.contact_village(),
            submitted_by=submitted_by,
        )

    def _new_application(
        self,
        application_id: str,
        entry: ServiceEntry,
        form: ApplicationForm,
        plan: UploadPlan,
        files: list[StoredFile],
    ) -> Document:
        contact = form.applicant
        applicant = Applicant(
            nik=contact.nik, name=contact.name, email=contact.email, phone=contact.phone
        )
        now = datetime.now(UTC)
        return {
            "_id": application_id,
            "service_code": entry.code,
            "division": entry.division.value,
            "intake_status": "submitted",
            "applicant": applicant.model_dump(mode="json"),
            "village_code": form.contact_village(),
            "form": form.model_dump(mode="json"),
            "files": {f.requirement: f.model_dump(mode="json") for f in files},
            "required_files": [r.code for r in plan.needed],
            "flags": _flags(form, entry, self._regency.today()),
            "missing": [],
            "submitted_at": now,
            "updated_at": now,
        }

    async def _insert_application(
        self,
        document: Document,
        files: list[StoredFile],
        subject: str,
        tracking_code: str,
    ) -> Document:
        try:
            inserted = await self._insert_with_fresh_code(
                document, files, tracking_code
            )
        except Exception:
            await self._discard_files(files)
            raise
        if inserted["tracking_code"] != tracking_code:
            await self._subjects.record_tracking_code(
                subject, document["_id"], inserted["tracking_code"]
            )
        return inserted

    async def _insert_with_fresh_code(
        self, document: Document, files: list[StoredFile], first_code: str
    ) -> Document:
        """Insert with `first_code`, or a new code if another application has it."""
        applicant = Applicant.model_validate(document["applicant"])
        tracking_code = first_code
        for _ in range(5):
            event = new_event(
                source=SOURCE,
                event_type=EventType.APPLICATION_SUBMITTED,
                application_id=document["_id"],
                payload=ApplicationSubmitted(
                    service_code=document["service_code"],
                    tracking_code=tracking_code,
                    applicant=applicant,
                    village_code=document["village_code"],
                    form=document["form"],
                    files=files,
                ),
            )
            candidate = {**document, "tracking_code": tracking_code}
            if await self._repository.applications.insert(candidate, [event]):
                return candidate
            log.warning("tracking_code.collided", application_id=document["_id"])
            tracking_code = new_tracking_code()
        raise RuntimeError("no free tracking code after 5 attempts")

    async def _clean(self, uploads: Sequence[Upload]) -> list[tuple[str, CleanImage]]:
        """Check and re-encode every upload before storing any.

        One at a time, so one request with many files does not take every
        decoding slot of the process, and the first bad file stops the rest.
        """
        cleaned = []
        for upload in uploads:
            image = await self._cleaner.clean(
                upload.field, upload.filename, upload.data
            )
            cleaned.append((upload.field, image))
        return cleaned

    async def _put_files(
        self, application_id: str, cleaned: Sequence[tuple[str, CleanImage]]
    ) -> list[StoredFile]:
        stored: list[StoredFile] = []
        try:
            for requirement, image in cleaned:
                key = (
                    f"applications/{application_id}/{requirement}-"
                    f"{uuid.uuid4().hex[:8]}.{image.extension}"
                )
                obj = await self._store.put(key, image.data, image.content_type)
                stored.append(
                    StoredFile(
                        requirement=requirement,
                        object_key=key,
                        sha256=obj.sha256,
                        content_type=obj.content_type,
                        size=obj.size,
                    )
                )
        except Exception:
            log.exception("files.store_failed", application_id=application_id)
            await self._discard_files(stored)
            raise
        return stored

    async def _discard_files(self, files: Sequence[StoredFile]) -> None:
        for stored in files:
            try:
                await self._store.delete(stored.object_key)
            except Exception:
                log.exception("files.discard_failed", object_key=stored.object_key)

    async def accept(
        self, application_id: str, actor: str, *, version: int | None = None
    ) -> Document:
        """Pass a complete application on to the operator."""
        current = await self._open_application(
            application_id, "accepted", actor=actor, version=version
        )
        event = new_event(
            source=SOURCE,
            event_type=EventType.APPLICATION_ACCEPTED,
            application_id=application_id,
            payload=ApplicationAccepted(
                service_code=current["service_code"],
                tracking_code=current["tracking_code"],
                applicant=Applicant.model_validate(current["applicant"]),
                village_code=current["village_code"],
                form=current["form"],
                files=[StoredFile.model_validate(f) for f in current["files"].values()],
                actor=actor,
            ),
        )
        changes = {"intake_status": "accepted", "accepted_by": actor}
        return await self._apply(current, changes, event)

    async def request_documents(
        self, application_id: str, request: DocumentsRequest, actor: str
    ) -> Document:
        """Ask the resident for missing or unreadable papers."""
        current = await self._open_application(
            application_id, "sent back", actor=actor, version=request.version
        )
        plan = self._plan_of(current)
        missing = []
        for item in request.missing:
            requirement = plan.requirement(item.requirement)
            if requirement is None:
                raise ValidationFailedError(
                    f"{item.requirement} is not a paper this application needs; "
                    f"choose from {', '.join(current['required_files'])}",
                    requirement=item.requirement,
                )
            missing.append(
                MissingFile(
                    requirement=item.requirement,
                    reason=item.reason,
                    label=requirement.name_id,
                )
            )
        event = new_event(
            source=SOURCE,
            event_type=EventType.APPLICATION_DOCUMENTS_REQUESTED,
            application_id=application_id,
            payload=ApplicationDocumentsRequested(
                missing=missing, note=request.note, actor=actor
            ),
        )
        changes = {
            "intake_status": "documents_requested",
            "missing": [m.model_dump(mode="json") for m in missing],
        }
        return await self._apply(current, changes, event)

    async def resubmit(self, tracking_code: str, uploads: Sequence[Upload]) -> Document:
        """Take the papers the front office asked for and reopen the check."""
        current = await self._repository.get_by_tracking_code(tracking_code)
        if current is None:
            raise unknown_tracking_code(tracking_code)
        if current["intake_status"] != "documents_requested":
            raise ConflictError(
                f"application {tracking_code} is {current['intake_status']}; papers "
                "can be sent again only after the office asks for them",
                status=current["intake_status"],
            )

        plan = self._plan_of(current)
        found = [plan.requirement(m["requirement"]) for m in current["missing"]]
        requested = [r for r in found if r is not None]
        fields = [u.field for u in uploads]
        check_requested(requested, fields)
        check_uploads(plan, fields, expected=requested)

        cleaned = await self._clean(uploads)
        files = await self._put_files(current["_id"], cleaned)
        event = new_event(
            source=SOURCE,
            event_type=EventType.APPLICATION_RESUBMITTED,
            application_id=current["_id"],
            payload=ApplicationResubmitted(files=files),
        )
        merged = {**current["files"]}
        merged.update({f.requirement: f.model_dump(mode="json") for f in files})
        changes = {"intake_status": "resubmitted", "missing": [], "files": merged}
        try:
            return await self._apply(current, changes, event)
        except Exception:
            await self._discard_files(files)
            raise

    def _plan_of(self, application: Document) -> UploadPlan:
        """Rebuild the upload plan an application was submitted with."""
        entry = self.service_entry(application["service_code"])
        needed = set(application["required_files"])
        return UploadPlan(tuple(r for r in entry.requirements if r.code in needed))

    async def _open_application(
        self,
        application_id: str,
        action: str,
        *,
        actor: str,
        version: int | None = None,
    ) -> Document:
        """Read an application the front office may act on now, or raise.

        Raises ConflictError when it is not open for the front office, when
        it changed since the staff member saw `version`, or when another
        staff member has assigned it to themselves.
        """
        current = await self._repository.get(application_id)
        if current is None:
            raise NotFoundError(
                f"application {application_id!r} not found; check the id in the queue"
            )
        if current["intake_status"] not in OPEN_FOR_FRONT_OFFICE:
            raise ConflictError(
                f"application {application_id} is {current['intake_status']}, so it "
                f"cannot be {action}; only a submitted or resubmitted application can",
                status=current["intake_status"],
            )
        if version is not None and current["version"] != version:
            raise ConflictError(
                f"application {current['tracking_code']} changed after you opened it "
                f"(version {version}, now {current['version']}); reload it, check it "
                "again and repeat the action",
                version=current["version"],
            )
        check_not_taken_by_colleague(current, actor)
        return current

    async def assign(self, application_id: str, username: str, name: str) -> Document:
        """Record that a staff member works on an open application.

        Assigning twice to the same person is a no-op. Raises ConflictError
        when someone else has it, or when two staff members assign it at the
        same moment (the version check under the item's lock lets one win).
        """
        current = await self._open_application(
            application_id, "assigned", actor=username
        )
        if current.get("assignee") is not None:
            return current
        assignee = Assignee(username=username, name=name, at=datetime.now(UTC))
        changes = {"assignee": assignee.model_dump()}
        updated = await self._repository.applications.apply(
            current, changes, [], on_written=self._on_outbox_written
        )
        log.info("application.assigned", application_id=application_id, actor=username)
        return updated

    async def release(self, application_id: str, actor: str) -> Document:
        """Clear the application's assignee so another staff member can take it.

        Any front-office member may release it, so an application assigned to
        an absent colleague does not stay blocked. The log records who did.
        """
        current = await self.get(application_id)
        assignee = current.get("assignee")
        if assignee is None:
            return current
        updated = await self._repository.applications.apply(
            current, {"assignee": None}, [], on_written=self._on_outbox_written
        )
        log.info(
            "application.released",
            application_id=application_id,
            actor=actor,
            assignee=assignee["username"],
        )
        return updated

    async def _apply(
        self, current: Document, changes: dict[str, Any], event: Envelope
    ) -> Document:
        return await self._repository.applications.apply(
            current, changes, [event], on_written=self._on_outbox_written
        )

    async def queue(
        self, filters: QueueFilter | None = None, limit: int = 200
    ) -> list[QueueItem]:
        """Return the front office's open applications, oldest first."""
        filters = filters or QueueFilter()
        statuses: Sequence[str] = OPEN_FOR_FRONT_OFFICE
        if filters.intake_status is not None:
            if filters.intake_status not in OPEN_FOR_FRONT_OFFICE:
                raise ValidationFailedError(
                    f"the queue contains no applications in status "
                    f"{filters.intake_status!r}; filter by one of "
                    f"{', '.join(OPEN_FOR_FRONT_OFFICE)}",
                    field="status",
                )
            statuses = (filters.intake_status,)
        if filters.service_code is not None:
            self._check_service_filter(filters.service_code)
        village_code = None
        if filters.village_code is not None:
            village_code = self._checked_village_filter(filters.village_code)
        documents = await self._repository.queue(
            statuses,
            limit,
            service_code=filters.service_code,
            village_code=village_code,
            assignee=filters.assignee,
        )
        now = datetime.now(UTC)
        items = [self._queue_item(d, now) for d in documents]
        if filters.overdue_only:
            items = [item for item in items if item.overdue]
        return items

    def _check_service_filter(self, service_code: str) -> None:
        if service_code not in self.catalogue.codes:
            raise ValidationFailedError(
                f"service {service_code!r} is not in the catalogue; filter by one of "
                f"{', '.join(self.catalogue.codes)}, or leave it empty for every "
                "service",
                field="service_code",
            )

    def _checked_village_filter(self, village_code: str) -> str:
        """Return the village code in dotted form, or raise for an unknown one."""
        try:
            village = self.regency.village(village_code)
        except ValueError:
            village = None
        if village is None:
            villages = self.regency.villages
            raise ValidationFailedError(
                f"village {village_code!r} is not a village of {self.regency.name}; "
                f"filter by one of its {len(villages)} village codes as listed in the "
                f"village filter (such as {villages[0].code}), or leave it empty for "
                "every village",
                field="village_code",
            )
        return village.code

    def queue_item(self, document: Document) -> QueueItem:
        """Describe one application as the queue shows it, aged as of now."""
        return self._queue_item(document, datetime.now(UTC))

    def _queue_item(self, document: Document, now: datetime) -> QueueItem:
        age = now - document["submitted_at"]
        standard_days = self.service_entry(document["service_code"]).standard_days
        return QueueItem(
            application_id=document["_id"],
            tracking_code=document["tracking_code"],
            service_code=document["service_code"],
            intake_status=document["intake_status"],
            applicant_name=document["applicant"]["name"],
            village_code=document["village_code"],
            submitted_at=document["submitted_at"],
            age_hours=round(age.total_seconds() / 3600, 2),
            standard_days=standard_days,
            # A same-day standard (0 days) counts as one day.
            overdue=age.days >= max(standard_days, 1),
            flags=document.get("flags", []),
            assignee=document.get("assignee"),
            version=document["version"],
        )

    async def view_by_tracking_code(self, tracking_code: str) -> ApplicationView:
        document = await self._repository.get_by_tracking_code(tracking_code)
        if document is None:
            raise unknown_tracking_code(tracking_code)
        return await self._view(document)

    async def application_id_of(self, tracking_code: str) -> str:
        """Return the id of the application with this tracking code."""
        document = await self._repository.get_by_tracking_code(tracking_code)
        if document is None:
            raise unknown_tracking_code(tracking_code)
        return str(document["_id"])

    async def summaries(
        self, application_ids: Sequence[str], limit: int = 200
    ) -> list[ApplicationSummary]:
        """Return the newest of these applications with their resident status."""
        documents = await self._repository.newest_of(application_ids, limit)
        summaries = []
        for document in documents:
            latest = await self._repository.latest_timeline_entry(document["_id"])
            if latest is None:
                labels = RESIDENT_STATUS[EventType.APPLICATION_SUBMITTED]
            else:
                labels = (latest["status"], latest["label_id"], latest["label_en"])
            summaries.append(
                ApplicationSummary(
                    application_id=document["_id"],
                    tracking_code=document["tracking_code"],
                    service_code=document["service_code"],
                    applicant_name=document["applicant"]["name"],
                    village_code=document["village_code"],
                    status=labels[0],
                    status_label_id=labels[1],
                    status_label_en=labels[2],
                    submitted_at=document["submitted_at"],
                )
            )
        return summaries

    async def view(self, application_id: str) -> ApplicationView:
        document = await self._repository.get(application_id)
        if document is None:
            raise NotFoundError(f"application {application_id!r} not found")
        return await self._view(document)

    async def get(self, application_id: str) -> Document:
        document = await self._repository.get(application_id)
        if document is None:
            raise NotFoundError(f"application {application_id!r} not found")
        return document

    async def _view(self, document: Document) -> ApplicationView:
        entries = await self._repository.timeline_of(document["_id"])
        timeline = [TimelineEntry.model_validate(entry) for entry in entries]
        if timeline:
            latest = timeline[-1]
            status, label_id, label_en = latest.status, latest.label_id, latest.label_en
        else:
            status, label_id, label_en = RESIDENT_STATUS[
                EventType.APPLICATION_SUBMITTED
            ]
        return ApplicationView(
            application_id=document["_id"],
            tracking_code=document["tracking_code"],
            service_code=document["service_code"],
            intake_status=document["intake_status"],
            status=status,
            status_label_id=label_id,
            status_label_en=label_en,
            missing=document["missing"],
            files=sorted(document["files"]),
            timeline=timeline,
            submitted_at=document["submitted_at"],
        )

    async def record_timeline(self, event: Envelope) -> None:
        """Project one stage event onto the resident's timeline (idempotent).

        A rejection also releases the application's subject so the resident
        can apply again, and so does the register entry of a card or letter
        that may be needed again (see SubjectClaims.apply_event).
        """
        labels = RESIDENT_STATUS.get(event.type)
        if labels is None:
            return
        await self._subjects.apply_event(event)
        status, label_id, label_en = labels
        keep = TIMELINE_DETAIL.get(event.type, ())
        entry = {
            "_id": event.id,
            "event_id": event.id,
            "application_id": event.subject,
            "event_type": event.type,
            "time": event.time,
            "status": status,
            "label_id": label_id,
            "label_en": label_en,
            "detail": {k: event.data[k] for k in keep if k in event.data},
        }
        if await self._repository.record_timeline(entry):
            log.info("timeline.recorded", status=status)
        else:
            log.info("timeline.duplicate_ignored")


def unknown_tracking_code(tracking_code: str) -> NotFoundError:
    # The same error for a code that exists but is not the caller's, so codes
    # of other residents' applications look exactly like unused ones.
    return NotFoundError(
        f"no application has tracking code {tracking_code!r}; check the code "
        "on your receipt"
    )


def _check_submitter(submitter: Principal, village_code: str) -> None:
    if submitter.is_village_official and village_code != submitter.village_code:
        raise ForbiddenError(
            f"the applicant lives in village {village_code}, but your account "
            f"serves village {submitter.village_code}; a village official applies "
            "only for residents of their own village",
            village_code=village_code,
        )


def _flags(form: ApplicationForm, entry: ServiceEntry, today: date) -> list[str]:
    flags = form.flags(today)
    late = form.late_report(today, entry.report_deadline_days)
    return [*flags, late] if late else flags
