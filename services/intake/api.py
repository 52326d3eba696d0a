"""HTTP routes of the intake service: resident submission and front office."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from services.intake.forms import FORMS
from services.intake.multipart import read_multipart
from services.intake.schemas import (
    ApplicationView,
    DocumentsRequest,
    QueueItem,
    StaffAction,
    SubmittedResponse,
)
from services.intake.service import IntakeService
from shared.errors import NotFoundError, ValidationFailedError
from shared.storage import ObjectStore

router = APIRouter()


def get_service(request: Request) -> IntakeService:
    service: IntakeService = request.app.state.service
    return service


Service = Annotated[IntakeService, Depends(get_service)]


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
    service_code: str, request: Request, service: Service
) -> SubmittedResponse:
    """Submit an application: field `application` (JSON) and one photo per paper."""
    service.service_entry(service_code)
    raw, uploads = await read_multipart(request, request.app.state.max_upload_bytes)
    document = await service.submit(service_code, raw, uploads)
    return SubmittedResponse(
        application_id=document["_id"],
        tracking_code=document["tracking_code"],
        status=document["intake_status"],
        required_files=document["required_files"],
    )


@router.get("/track/{tracking_code}", tags=["resident"])
async def track(tracking_code: str, service: Service) -> ApplicationView:
    """Show an application's status and timeline by its tracking code."""
    return await service.view_by_tracking_code(tracking_code.upper())


@router.post("/track/{tracking_code}/files", tags=["resident"])
async def resubmit_files(
    tracking_code: str, request: Request, service: Service
) -> ApplicationView:
    """Send the papers the front office asked for."""
    raw, uploads = await read_multipart(request, request.app.state.max_upload_bytes)
    if raw is not None:
        raise ValidationFailedError(
            "a resubmission takes files only; the application data cannot change"
        )
    document = await service.resubmit(tracking_code.upper(), uploads)
    return await service.view(document["_id"])


@router.get("/front-office/queue", tags=["front office"])
async def front_office_queue(service: Service) -> list[QueueItem]:
    """List submitted and resubmitted applications, oldest first."""
    return await service.queue()


@router.get("/applications/{application_id}", tags=["front office"])
async def get_application(application_id: str, service: Service) -> dict[str, object]:
    """Show an application with its form data, files and timeline."""
    document = await service.get(application_id)
    view = await service.view(application_id)
    return {
        **view.model_dump(mode="json"),
        "applicant": document["applicant"],
        "village_code": document["village_code"],
        "form": document["form"],
        "required_files": document["required_files"],
    }


@router.get("/applications/{application_id}/files/{requirement}", tags=["front office"])
async def get_file(
    application_id: str, requirement: str, request: Request, service: Service
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
    application_id: str, action: StaffAction, service: Service
) -> ApplicationView:
    """Accept a complete application and pass it to the operator."""
    await service.accept(application_id, action.actor)
    return await service.view(application_id)


@router.post("/applications/{application_id}/request-documents", tags=["front office"])
async def request_documents(
    application_id: str, request: DocumentsRequest, service: Service
) -> ApplicationView:
    """Ask the resident to send missing or unreadable papers again."""
    await service.request_documents(application_id, request)
    return await service.view(application_id)
