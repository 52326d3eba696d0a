"""Wiring of the verification service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.verification import agents, api, pages
from services.verification.drafts import PlaceNames
from services.verification.papers import PaperReader
from services.verification.repository import CaseRepository
from services.verification.service import VerificationService
from services.verification.settings import VerificationSettings
from shared.catalogue import load_catalogue
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import default_area_index, load_regency
from shared.runtime import ServiceRuntime
from shared.storage import ObjectStore
from shared.web import create_api, serve

NAME = "verification"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: VerificationSettings | None = None) -> FastAPI:
    settings = settings or VerificationSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        app.state.pages.use_regency(load_regency(settings.regency_file))
        repository = CaseRepository(runtime.db)
        await repository.create_indexes()
        places = PlaceNames(load_regency(settings.regency_file), default_area_index())
        service = VerificationService(
            repository,
            load_catalogue(settings.catalogue_file),
            places,
            runtime.wake_relay,
        )
        app.state.service = service
        app.state.papers = PaperReader(
            ObjectStore(
                endpoint=settings.s3_endpoint,
                access_key=settings.s3_access_key,
                secret_key=settings.s3_secret_key,
                bucket=settings.uploads_bucket,
                secure=settings.s3_secure,
            )
        )
        async with runtime.running(
            outbox_topic=Topic.VERIFICATION,
            outbox_collections=[repository.cases],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service),
        ):
            yield

    app = create_api(
        title="DOMPAK verification",
        description="Operator drafts and verifier checks, per division.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.state.settings = settings
    install_pages(app, Pages(NAME, TEMPLATES, settings), STATIC)
    return app


def run() -> None:
    settings = VerificationSettings()
    serve(NAME, settings, settings.verification_port, create_app)
