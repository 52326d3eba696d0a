"""Helpers for the front-office tests: a running intake app and fresh applications."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.auth import IdentityStore
from shared.devstack import Endpoints
from tests.conftest import settings_values
from tests.support import resident_headers, running_app
from tools.samples import birth_deed_application, birth_deed_papers

BUCKET = "test-intake-front-office"
BIRTH_DEED_FILES = (
    "birth_letter",
    "family_card",
    "mother_id_card",
    "father_id_card",
    "marriage_proof",
    "form_f201",
)


@asynccontextmanager
async def front_office_app(
    endpoints: Endpoints, state_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket=BUCKET,
    )
    async with running_app(create_app(settings)) as client:
        yield client


def unique_birth_deed(seed: int) -> dict[str, Any]:
    """Return a birth-deed form whose child name no other test uses, so the
    duplicate check lets it through however often the suite runs."""
    form = birth_deed_application(seed)
    letters = "".join(chr(ord("a") + int(d)) for d in str(uuid.uuid4().int)[:12])
    form["child"]["name"] = f"Anak {letters.capitalize()}"
    return form


async def submit_birth_deed(
    client: httpx.AsyncClient, identity: IdentityStore, seed: int = 1
) -> dict[str, Any]:
    """Submit a birth-deed application as its applicant; return the response body."""
    form = unique_birth_deed(seed)
    headers = await resident_headers(identity, form["applicant"]["nik"])
    files = [
        (name, (f"{name}.jpg", blob, "image/jpeg"))
        for name, blob in birth_deed_papers(seed).items()
    ]
    response = await client.post(
        "/services/birth_deed/applications",
        data={"application": json.dumps(form)},
        files=files,
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def all_marked(mark: str = "ok") -> dict[str, str]:
    """Checklist form fields marking every birth-deed paper the same way."""
    return {f"check_{code}": mark for code in BIRTH_DEED_FILES}
