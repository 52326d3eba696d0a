"""HTTP routes of the intake service: resident submission and front office."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.intake.schemas import (
    REQUIREMENT_LABELS,
    ApplicationView,
    BirthDeedApplication,
    DocumentsRequest,
    QueueItem,
    StaffAction,
    SubmittedResponse,
)
from services.intake.service import IntakeService, Upload
from shared.errors import NotFoundError, PayloadTooLargeError, ValidationFailedError
from shared.storage import ObjectStore

router = APIRouter()

MAX_FORM_FILES = 10


def get_service(request: Request) -> IntakeService:
    service: IntakeService = request.app.state.service
    return service


Service = Annotated[IntakeService, Depends(get_service)]


async def _read_multipart(
    request: Request, max_bytes: int
) -> tuple[str | None, list[Upload]]:
    form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FILES)
    application_json: str | None = None
    uploads: list[Upload] = []
    for field, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise PayloadTooLargeError(
                    f"file {value.filename!r} for {field} is larger than the limit of "
                    f"{max_bytes} bytes; take the photo at a lower resolution",
                    requirement=field,
                )
            uploads.append(Upload(field, value.filename or field, data))
        elif field == "application":
            application_json = value
        else:
            raise ValidationFailedError(
                f"unexpected form field {field!r}; send 'application' (JSON) and "
                "one file per required paper"
            )
    return application_json, uploads


def _parse_application(raw: str | None) -> BirthDeedApplication:
    if raw is None:
        raise ValidationFailedError(
            "the form field 'application' is missing; send the application data "
            "as JSON in it"
        )
    try:
        return BirthDeedApplication.model_validate(json.loads(raw))
    except json.JSONDecodeError as error:
        raise ValidationFailedError(
            f"the field 'application' is not valid JSON ({error.msg} at position "
            f"{error.pos}); send the application data as a JSON object"
        ) from error
    except ValidationError as error:
        problems = [
            {
                "field": ".".join(str(p) for p in e["loc"]) or "application",
                "message": e["msg"],
            }
            for e in error.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise ValidationFailedError(
            f"the application is invalid: {summary}", problems=problems
        ) from error


@router.get("/services/birth_deed/requirements", tags=["resident"])
async def birth_deed_requirements() -> dict[str, str]:
    """List the papers a birth-deed application needs, with their labels."""
    return {str(k): v for k, v in REQUIREMENT_LABELS.items()}


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    tags=["resident"],
    response_model=SubmittedResponse,
)
async def submit_application(request: Request, service: Service) -> SubmittedResponse:
    """Submit a birth-deed application with photos of the required papers."""
    raw, uploads = await _read_multipart(request, request.app.state.max_upload_bytes)
    form = _parse_application(raw)
    document = await service.submit(form, uploads)
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
    raw, uploads = await _read_multipart(request, request.app.state.max_upload_bytes)
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
