"""Wiring of the notify service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.notify import agents, api
from services.notify.channels import EmailChannel
from services.notify.repository import NotificationRepository
from services.notify.service import NotifyService
from services.notify.settings import NotifySettings
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import load_regency
from shared.runtime import ServiceRuntime
from shared.web import create_api, serve

NAME = "notify"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or NotifySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        app.state.pages.use_regency(load_regency(settings.regency_file))
        repository = NotificationRepository(runtime.db)
        await repository.create_indexes()
        email = EmailChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            timeout=settings.smtp_timeout_seconds,
        )
        service = NotifyService(repository, email, settings, runtime.wake_relay)
        app.state.service = service
        async with runtime.running(
            outbox_topic=Topic.NOTIFY,
            outbox_collections=[repository.notifications],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service),
        ):
            yield

    app = create_api(
        title="DOMPAK notify",
        description="Messages to residents on every state change.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.state.settings = settings
    install_pages(app, Pages(NAME, TEMPLATES, settings))
    return app


def run() -> None:
    settings = NotifySettings()
    serve(NAME, settings, settings.notify_port, create_app)
