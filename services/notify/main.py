"""Wiring of the notify service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from services.notify import agents, api, pages
from services.notify.channels import EmailChannel
from services.notify.chat import ChatService
from services.notify.repository import NotificationRepository
from services.notify.service import NotifyService
from services.notify.settings import NotifySettings
from services.notify.sign_in import SignInCodeSender
from shared.catalogue import load_catalogue
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import load_regency
from shared.runtime import ServiceRuntime
from shared.web import create_api, serve

NAME = "notify"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or NotifySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        regency = load_regency(settings.regency_file)
        app.state.pages.use_regency(regency)
        catalogue = load_catalogue(settings.catalogue_file)
        app.state.service_names = {
            entry.code: (entry.name_id, entry.name_en) for entry in catalogue.services
        }
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
        app.state.chat = ChatService(
            repository, email, settings, runtime.wake_relay, runtime.identity
        )
        codes = SignInCodeSender(
            repository, email, settings, ZoneInfo(regency.timezone)
        )
        app.state.sign_in_codes = codes
        async with runtime.running(
            outbox_topic=Topic.NOTIFY,
            outbox_collections=[repository.notifications, repository.conversations],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service, codes),
        ):
            yield

    app = create_api(
        title="DOMPAK notify",
        description="Messages to residents on every state change, sign-in "
        "codes, and the chat between residents and the front office.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.state.settings = settings
    install_pages(app, Pages(NAME, TEMPLATES, settings), STATIC)
    return app


def run() -> None:
    settings = NotifySettings()
    serve(NAME, settings, settings.notify_port, create_app)
