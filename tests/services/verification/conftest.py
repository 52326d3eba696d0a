"""The verification app on the real servers, and signed-in staff for its tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.verification.main import create_app
from services.verification.service import VerificationService
from services.verification.settings import VerificationSettings
from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from shared.storage import ObjectStore
from tests.conftest import settings_values
from tests.services.verification.cases import Staff, staff_member
from tests.support import running_app

UPLOADS_BUCKET = "test-verification-uploads"


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = VerificationSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket=UPLOADS_BUCKET,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def uploads(endpoints: Endpoints) -> ObjectStore:
    """The bucket the test app reads papers from, as intake would fill it."""
    store = ObjectStore(
        endpoint=endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        bucket=UPLOADS_BUCKET,
    )
    await store.ensure_bucket()
    return store


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    """A client without a session."""
    http: httpx.AsyncClient = app.state.client
    return http


@pytest.fixture
def service(app: FastAPI) -> VerificationService:
    verification: VerificationService = app.state.service
    return verification


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def operator(app: FastAPI, identity: IdentityStore) -> Staff:
    return await staff_member(app, identity, Role.OPERATOR)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def verifier(app: FastAPI, identity: IdentityStore) -> Staff:
    return await staff_member(app, identity, Role.VERIFIER)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def ops(app: FastAPI, identity: IdentityStore) -> Staff:
    return await staff_member(app, identity, Role.OPS)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def operator_verifier(app: FastAPI, identity: IdentityStore) -> Staff:
    """One account holding both roles, to test the four-eyes rule."""
    return await staff_member(app, identity, Role.OPERATOR, Role.VERIFIER)
