"""HTTP routes of the intake service: resident submission and front office."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from services.intake.forms import FORMS
from services.intake.multipart import read_multipart
from services.intake.residents import ResidentSignIn
from services.intake.schemas import (
    ApplicationSummary,
    ApplicationView,
    DocumentsRequest,
    QueueFilter,
    QueueItem,
    ResidentCodeConfirmation,
    ResidentCodeRequest,
    ResidentCodeSent,
    ResidentSession,
    StaffAction,
    SubmittedResponse,
)
from services.intake.service import IntakeService, unknown_tracking_code
from shared.auth import Applicant, Principal, Role
from shared.auth.web import identity, staff_with
from shared.errors import NotFoundError, ValidationFailedError
from shared.pages import client_address
from shared.storage import ObjectStore
from shared.web import reject_unknown_filters

router = APIRouter()


def get_service(request: Request) -> IntakeService:
    service: IntakeService = request.app.state.service
    return service


Service = Annotated[IntakeService, Depends(get_service)]


def get_sign_in(request: Request) -> ResidentSignIn:
    sign_in: ResidentSignIn = request.app.state.sign_in
    return sign_in


SignIn = Annotated[ResidentSignIn, Depends(get_sign_in)]
# Operators and verifiers open the papers again when they check the draft.
FrontOffice = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE))]
QueueReader = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE, Role.OPS))]
PaperReader = Annotated[
    Principal,
    Depends(staff_with(Role.FRONT_OFFICE, Role.OPS, Role.OPERATOR, Role.VERIFIER)),
]


@router.get("/services", tags=["resident"])
async def list_services(service: Service) -> list[dict[str, Any]]:
    """List the services the office offers, from the catalogue."""
    return [
        {
            "code": entry.code,
            "name_id": entry.name_id,
            "name_en": entry.name_en,
            "division": entry.division.value,
            "output": entry.output.value,
            "standard_days": entry.standard_days,
            "appointment": entry.appointment,
        }
        for entry in service.catalogue.services
    ]


@router.get("/services/{service_code}", tags=["resident"])
async def describe_service(service_code: str, service: Service) -> dict[str, Any]:
    """Show a service with its papers, their alternatives and conditions."""
    entry = service.service_entry(service_code)
    return entry.model_dump(mode="json")


@router.get("/services/{service_code}/form-schema", tags=["resident"])
async def form_schema(service_code: str, service: Service) -> dict[str, Any]:
    """Return the JSON Schema of the service's application form."""
    entry = service.service_entry(service_code)
    return FORMS[entry.form].model_json_schema()


@router.post(
    "/services/{service_code}/applications",
    status_code=status.HTTP_201_CREATED,
    tags=["resident"],
    response_model=SubmittedResponse,
)
async def submit_application(
    service_code: str, request: Request, service: Service, principal: Applicant
) -> SubmittedResponse:
    """Submit an application: field `application` (JSON) and one photo per paper.

    A resident may apply for themselves or a family member, a village official
    for a resident of their village.
    """
    service.service_entry(service_code)
    raw, uploads = await read_multipart(request, request.app.state.max_upload_bytes)
    document = await service.submit(service_code, raw, uploads, submitter=principal)
    return SubmittedResponse(
        application_id=document["_id"],
        tracking_code=document["tracking_code"],
        status=document["intake_status"],
        required_files=document["required_files"],
    )


async def _open_tracked(
    request: Request, principal: Principal, service: IntakeService, code: str
) -> str:
    """Return the id of the caller's application with this tracking code.

    Another resident's code gets the same 404 as a code no application has.
    """
    application_id = await service.application_id_of(code)
    if not await identity(request).may_open(principal, application_id):
        raise unknown_tracking_code(code)
    return application_id


@router.get("/track/{tracking_code}", tags=["resident"])
async def track(
    tracking_code: str, request: Request, service: Service, principal: Applicant
) -> ApplicationView:
    """Show an application's status and timeline by its tracking code."""
    application_id = await _open_tracked(
        request, principal, service, tracking_code.upper()
    )
    return await service.view(application_id)


@router.post("/track/{tracking_code}/files", tags=["resident"])
async def resubmit_files(
    tracking_code: str, request: Request, service: Service, principal: Applicant
) -> ApplicationView:
    """Send the papers the front office asked for."""
    await _open_tracked(request, principal, service, tracking_code.upper())
    raw, uploads = await read_multipart(request, request.app.state.max_upload_bytes)
    if raw is not None:
        raise ValidationFailedError(
            "a resubmission takes files only; the application data cannot change"
        )
    document = await service.resubmit(tracking_code.upper(), uploads)
    return await service.view(document["_id"])


@router.get("/my/applications", tags=["resident"])
async def my_applications(
    request: Request, service: Service, principal: Applicant
) -> list[ApplicationSummary]:
    """List the caller's applications, newest first.

    A resident gets those they submitted or are the applicant of, a village
    official those of their village and those they submitted.
    """
    visible = await identity(request).visible_applications(principal)
    return await service.summaries(visible)


@router.post("/auth/resident/code", tags=["sign-in"])
async def request_resident_code(
    request: Request, body: ResidentCodeRequest, sign_in: SignIn
) -> ResidentCodeSent:
    """Send a one-time code to the NIK's registered email.

    A NIK without an account registers with `name` and `email` (and `phone`);
    the account exists once the code sent there is confirmed.
    """
    sent = await sign_in.request_code(
        body.nik,
        client=client_address(request),
        name=body.name,
        email=body.email,
        phone=body.phone,
    )
    return ResidentCodeSent(
        request_id=sent.request_id, sent_to=sent.sent_to, expires_at=sent.expires_at
    )


@router.post("/auth/resident", tags=["sign-in"])
async def confirm_resident_code(
    body: ResidentCodeConfirmation, sign_in: SignIn
) -> ResidentSession:
    """Confirm the code of a sign-in request; returns a bearer token."""
    opened = await sign_in.confirm(body.request_id, body.code)
    return ResidentSession(
        token=opened.token,
        csrf_token=opened.principal.csrf_token,
        expires_at=opened.expires_at,
    )


QUEUE_FILTERS = ("service_code", "status", "village_code", "mine", "overdue")


@router.get("/front-office/queue", tags=["front office"])
async def front_office_queue(
    request: Request,
    service: Service,
    principal: QueueReader,
    service_code: str | None = None,
    status: str | None = None,
    village_code: str | None = None,
    mine: bool = False,
    overdue: bool = False,
) -> list[QueueItem]:
    """List submitted and resubmitted applications, oldest first, filtered.

    `mine` keeps the applications assigned to the caller, `overdue` those
    older than their service standard.
    """
    reject_unknown_filters(request, QUEUE_FILTERS)
    filters = QueueFilter(
        service_code=service_code or None,
        intake_status=status or None,
        village_code=village_code or None,
        assignee=principal.subject if mine else None,
        overdue_only=overdue,
    )
    return await service.queue(filters)


@router.get("/applications/{application_id}", tags=["front office"])
async def get_application(
    application_id: str, service: Service, principal: PaperReader
) -> dict[str, object]:
    """Show an application with its form data, files, assignee and timeline."""
    document = await service.get(application_id)
    view = await service.view(application_id)
    return {
        **view.model_dump(mode="json"),
        "applicant": document["applicant"],
        "village_code": document["village_code"],
        "form": document["form"],
        "required_files": document["required_files"],
        "assignee": document.get("assignee"),
        "version": document["version"],
    }


@router.get("/applications/{application_id}/files/{requirement}", tags=["front office"])
async def get_file(
    application_id: str,
    requirement: str,
    request: Request,
    service: Service,
    principal: PaperReader,
) -> Response:
    """Return the stored photo of one paper, checked against its SHA-256."""
    document = await service.get(application_id)
    stored = document["files"].get(requirement)
    if stored is None:
        raise NotFoundError(
            f"application {application_id} has no file for {requirement!r}; it has "
            f"{', '.join(sorted(document['files']))}"
        )
    store: ObjectStore = request.app.state.store
    data = await store.get(stored["object_key"], expected_sha256=stored["sha256"])
    return Response(content=data, media_type=stored["content_type"])


@router.post("/applications/{application_id}/accept", tags=["front office"])
async def accept(
    application_id: str,
    service: Service,
    principal: FrontOffice,
    action: StaffAction | None = None,
) -> ApplicationView:
    """Accept a complete application and pass it to the operator."""
    version = action.version if action is not None else None
    await service.accept(application_id, principal.subject, version=version)
    return await service.view(application_id)


@router.post("/applications/{application_id}/request-documents", tags=["front office"])
async def request_documents(
    application_id: str,
    request: DocumentsRequest,
    service: Service,
    principal: FrontOffice,
) -> ApplicationView:
    """Ask the resident to send missing or unreadable papers again."""
    await service.request_documents(application_id, request, principal.subject)
    return await service.view(application_id)


@router.post("/applications/{application_id}/assign", tags=["front office"])
async def assign(
    application_id: str, service: Service, principal: FrontOffice
) -> dict[str, object]:
    """Assign an open application to the caller (409 when someone else has it)."""
    document = await service.assign(application_id, principal.subject, principal.name)
    return {"assignee": document.get("assignee"), "version": document["version"]}


@router.post("/applications/{application_id}/release", tags=["front office"])
async def release(
    application_id: str, service: Service, principal: FrontOffice
) -> dict[str, object]:
    """Clear the application's assignee so another staff member can take it."""
    document = await service.release(application_id, principal.subject)
    return {"assignee": document.get("assignee"), "version": document["version"]}
