"""Fixtures of the distribution page tests: a running service and deliveries."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest_asyncio
from fastapi import FastAPI
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from services.distribution.main import create_app
from services.distribution.service import DistributionService
from services.distribution.settings import DistributionSettings
from shared.devstack import Endpoints
from shared.events import Applicant, DocumentSigned, Envelope, EventType, new_event
from shared.storage import ObjectStore
from tests.conftest import settings_values
from tests.support import running_app
from tools.samples import VILLAGE_CODE, birth_deed_application

DESK_BUCKET = "test-distribution-desk"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def desk_documents(endpoints: Endpoints) -> ObjectStore:
    """Bucket standing in for the signing service's signed documents."""
    store = ObjectStore(
        endpoint=endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        bucket=DESK_BUCKET,
    )
    await store.ensure_bucket()
    return store


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def desk(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    """The distribution service with its agents and relay running."""
    settings = DistributionSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        signed_documents_bucket=DESK_BUCKET,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


def one_page_pdf(title: str) -> bytes:
    """Draw a one-page PDF with a title, standing in for a signed deed."""
    output = io.BytesIO()
    page = canvas.Canvas(output, pagesize=A4)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "CONTOH / SAMPLE - data fiktif")
    page.showPage()
    page.save()
    return output.getvalue()


async def signed_delivery(
    service: DistributionService,
    documents: ObjectStore,
    *,
    service_code: str = "birth_deed",
    village_code: str = VILLAGE_CODE,
) -> Envelope:
    """Store a PDF and open its delivery the way the document.signed event does."""
    application_id = str(uuid.uuid4())
    subject_name = f"Anak Uji {application_id[:8]}"
    pdf = one_page_pdf(subject_name)
    object_key = f"deeds/{application_id}.pdf"
    await documents.put(object_key, pdf, "application/pdf")
    applicant = birth_deed_application(7)["applicant"]
    serial = uuid.uuid4().int % 10**8
    event = new_event(
        source="/test",
        event_type=EventType.DOCUMENT_SIGNED,
        application_id=application_id,
        payload=DocumentSigned(
            document_id=str(uuid.uuid4()),
            service_code=service_code,
            tracking_code=f"UJIH-{application_id[:4].upper()}-0000",
            register_number=f"1217-UH-{serial:08d}-0001",
            object_key=object_key,
            sha256=hashlib.sha256(pdf).hexdigest(),
            subject_name=subject_name,
            applicant=Applicant(nik=applicant["nik"], name=applicant["name"]),
            village_code=village_code,
            signed_at=datetime.now(UTC),
            actor="kadis.uji",
        ),
    )
    await service.open_delivery(event)
    return event
