"""Wiring of the distribution service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.distribution import agents, api, pages
from services.distribution.repository import DeliveryRepository
from services.distribution.service import DistributionService
from services.distribution.settings import DistributionSettings
from shared.catalogue import load_catalogue
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import load_regency
from shared.runtime import ServiceRuntime
from shared.storage import ObjectStore
from shared.web import create_api, serve

NAME = "distribution"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: DistributionSettings | None = None) -> FastAPI:
    settings = settings or DistributionSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        app.state.pages.use_regency(load_regency(settings.regency_file))
        repository = DeliveryRepository(runtime.db)
        documents = ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.signed_documents_bucket,
            secure=settings.s3_secure,
        )
        await repository.create_indexes()
        service = DistributionService(
            repository,
            documents,
            settings,
            load_catalogue(settings.catalogue_file),
            load_regency(settings.regency_file),
            runtime.wake_relay,
        )
        app.state.service = service
        async with runtime.running(
            outbox_topic=Topic.DISTRIBUTION,
            outbox_collections=[repository.deliveries],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service),
        ):
            yield

    app = create_api(
        title="DOMPAK distribution",
        description="Printing, dispatch to villages, hand-over and the register book.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.state.settings = settings
    install_pages(app, Pages(NAME, TEMPLATES, settings), STATIC)
    return app


def run() -> None:
    settings = DistributionSettings()
    serve(NAME, settings, settings.distribution_port, create_app)
