"""Wiring of the signing service: settings, connections, routes, workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.signing import agents, api, pages
from services.signing.pki import (
    CA_CERTIFICATE_FILE,
    HEAD_CERTIFICATE_FILE,
    HEAD_PRIVATE_KEY_FILE,
    PkiPaths,
)
from services.signing.repository import ApprovalRepository
from services.signing.service import SigningService
from services.signing.settings import SigningSettings
from services.signing.signer import LocalPadesSigner
from shared.catalogue import load_catalogue
from shared.events import Topic
from shared.pages import Pages, install_pages
from shared.regency import load_regency
from shared.runtime import ServiceRuntime
from shared.storage import ObjectStore
from shared.web import create_api, serve

NAME = "signing"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def local_pki(settings: SigningSettings) -> PkiPaths:
    """Locate the local PKI files; `python -m services.signing.setup` creates them."""
    directory = settings.pki_dir
    paths = PkiPaths(
        ca_certificate=directory / CA_CERTIFICATE_FILE,
        head_certificate=directory / HEAD_CERTIFICATE_FILE,
        head_private_key=directory / HEAD_PRIVATE_KEY_FILE,
    )
    missing = [
        str(p)
        for p in (paths.ca_certificate, paths.head_certificate, paths.head_private_key)
        if not p.exists()
    ]
    if missing:
        raise RuntimeError(
            f"signing certificate files are missing: {', '.join(missing)}; run "
            "`python -m services.signing.setup` to create the local CA and key"
        )
    return paths


def create_app(settings: SigningSettings | None = None) -> FastAPI:
    settings = settings or SigningSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pki = local_pki(settings)
        runtime = ServiceRuntime(NAME, settings)
        app.state.identity = runtime.identity
        app.state.pages.use_regency(load_regency(settings.regency_file))
        repository = ApprovalRepository(runtime.db)
        store = ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.documents_bucket,
            secure=settings.s3_secure,
        )
        await repository.create_indexes()
        await store.ensure_bucket()
        service = SigningService(
            repository,
            store,
            LocalPadesSigner(pki),
            settings,
            load_catalogue(settings.catalogue_file),
            load_regency(settings.regency_file),
            [pki.ca_certificate.read_bytes()],
            runtime.wake_relay,
        )
        app.state.service = service
        async with runtime.running(
            outbox_topic=Topic.SIGNING,
            outbox_collections=[repository.approvals],
            consume=agents.CONSUMED_TOPICS,
            handlers=agents.handlers(service),
        ):
            yield

    app = create_api(
        title="DOMPAK signing",
        description="Head-of-office approval, register numbers, signed deeds and "
        "public verification.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.state.settings = settings
    app.include_router(pages.router)
    install_pages(app, Pages(NAME, TEMPLATES, settings), STATIC)
    return app


def run() -> None:
    settings = SigningSettings()
    serve(NAME, settings, settings.signing_port, create_app)
