"""Helpers of the verification tests: accepted events, drafts, staff clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.verification.service import VerificationService
from shared.auth import IdentityStore, Role
from shared.events import (
    Applicant,
    ApplicationAccepted,
    Envelope,
    EventType,
    StoredFile,
    new_event,
)
from shared.storage import ObjectStore
from tests.support import staff_headers
from tools.samples import VILLAGE_CODE, birth_deed_application, birth_deed_papers

CIVIL_REGISTRY = "pencatatan_sipil"
POPULATION_REGISTRATION = "pendaftaran_penduduk"


@dataclass(frozen=True)
class Staff:
    """A staff account with a live session and a client that sends its token."""

    username: str
    roles: frozenset[Role]
    client: httpx.AsyncClient


async def staff_member(app: FastAPI, identity: IdentityStore, *roles: Role) -> Staff:
    """Create a staff account with `roles` and a client signed in as it."""
    headers = await staff_headers(identity, *roles)
    principal = await identity.resolve(headers["authorization"].split()[1])
    assert principal is not None
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers=headers,
    )
    return Staff(principal.subject, frozenset(roles), client)


def accepted_event(
    application_id: str,
    *,
    form: dict[str, Any] | None = None,
    service_code: str = "birth_deed",
    files: list[StoredFile] | None = None,
) -> Envelope:
    form = form if form is not None else birth_deed_application(7)
    applicant = form["applicant"]
    return new_event(
        source="/test",
        event_type=EventType.APPLICATION_ACCEPTED,
        application_id=application_id,
        payload=ApplicationAccepted(
            service_code=service_code,
            tracking_code=f"UJIV-{application_id[:4].upper()}-0000",
            applicant=Applicant(
                nik=applicant["nik"], name=applicant["name"], email=applicant["email"]
            ),
            village_code=form.get("village_code", VILLAGE_CODE),
            form=form,
            files=files or [],
            actor="loket.uji",
        ),
    )


async def opened(service: VerificationService, **options: Any) -> str:
    """Open a case the way the accepted event does and return its application id."""
    application_id = str(uuid.uuid4())
    await service.open_case(accepted_event(application_id, **options))
    return application_id


def valid_draft(**changes: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "child_name": "Yohana Br. Sinaga",
        "child_sex": "P",
        "birth_date": (date.today() - timedelta(days=10)).isoformat(),
        "birth_place": "Pangururan",
        "birth_order": 2,
        "father_name": "Tumpal Sinaga",
        "mother_name": "Rosmaida Situmorang",
    }
    draft.update(changes)
    return draft


async def drafted(service: VerificationService, operator: Staff, **options: Any) -> str:
    """Open a case and record the operator's valid birth-deed draft."""
    application_id = await opened(service, **options)
    response = await operator.client.post(
        f"/cases/{application_id}/draft", json={"draft": valid_draft()}
    )
    assert response.status_code == 200, response.text
    return application_id


async def store_papers(
    uploads: ObjectStore, application_id: str, seed: int = 1
) -> list[StoredFile]:
    """Store generated birth-deed papers the way intake does; return their records."""
    files = []
    for requirement, data in birth_deed_papers(seed).items():
        stored = await uploads.put(
            f"{application_id}/{requirement}.jpg", data, "image/jpeg"
        )
        files.append(
            StoredFile(
                requirement=requirement,
                object_key=stored.key,
                sha256=stored.sha256,
                content_type=stored.content_type,
                size=stored.size,
            )
        )
    return files
