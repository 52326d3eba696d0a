"""Wiring of the intake service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.intake import agents, api, pages
from services.intake.drafts import DraftStore
from services.intake.files import ImageCleaner
from services.intake.forms import check_catalogue
from services.intake.forms.fields import RegencyAreas
from services.intake.portal import pages as portal
from services.intake.portal import sign_in, village
from services.intake.repository import ApplicationRepository, ResidentRepository
from services.intake.residents import ResidentSignIn
from services.intake.service import IntakeService
from services.intake.settings import IntakeSettings
from shared.catalogue import load_catalogue
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import default_area_index, load_regency
from shared.runtime import ServiceRuntime
from shared.storage import ObjectStore
from shared.web import create_api, serve

NAME = "intake"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        app.state.pages.use_regency(load_regency(settings.regency_file))
        repository = ApplicationRepository(runtime.db)
        residents = ResidentRepository(runtime.db)
        store = ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.uploads_bucket,
            secure=settings.s3_secure,
        )
        await repository.create_indexes()
        await residents.create_indexes()
        await store.ensure_bucket()
        regency = load_regency(settings.regency_file)
        catalogue = load_catalogue(settings.catalogue_file)
        check_catalogue(catalogue)
        service = IntakeService(
            repository,
            store,
            settings,
            catalogue,
            regency,
            RegencyAreas(regency, default_area_index()),
            runtime.wake_relay,
            identity=runtime.identity,
        )
        app.state.sign_in = ResidentSignIn(
            residents,
            runtime.identity,
            RegencyAreas(regency, default_area_index()),
            runtime.wake_relay,
            codes_per_nik=settings.sign_in_codes_per_nik,
            codes_per_client=settings.sign_in_codes_per_client,
        )
        app.state.service = service
        app.state.drafts = DraftStore(
            runtime.db,
            store,
            ImageCleaner(
                max_bytes=settings.max_upload_bytes,
                max_pixels=settings.max_image_pixels,
                concurrency=settings.image_decode_concurrency,
            ),
            max_upload_bytes=settings.max_upload_bytes,
        )
        await app.state.drafts.create_indexes()
        app.state.store = store
        app.state.max_upload_bytes = settings.max_upload_bytes
        async with runtime.running(
            outbox_topic=Topic.INTAKE,
            outbox_collections=[repository.applications, residents.sign_in_requests],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service),
        ):
            yield

    app = create_api(
        title="DOMPAK intake",
        description="Resident applications, uploads, front-office check and status.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(sign_in.router)
    app.include_router(village.router)
    app.include_router(portal.router)
    app.state.settings = settings
    install_pages(app, Pages(NAME, TEMPLATES, settings), STATIC)
    return app


def run() -> None:
    settings = IntakeSettings()
    serve(NAME, settings, settings.intake_port, create_app)
