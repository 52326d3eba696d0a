"""One notify app on the real servers for every notify test module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.notify.chat import ChatService
from services.notify.main import create_app
from services.notify.service import NotifyService
from services.notify.settings import NotifySettings
from shared.devstack import Endpoints
from tests.conftest import settings_values
from tests.support import running_app

PUBLIC_INTAKE_URL = "http://127.0.0.1:28001"
NOTIFY_URL = "http://127.0.0.1:28005"


@pytest.fixture(scope="session")
def maildir(endpoints: Endpoints) -> Path:
    if endpoints.maildir is None:
        pytest.skip("the SMTP server's Maildir is unknown, so sent mail is unreadable")
    return endpoints.maildir


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = NotifySettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        smtp_host=endpoints.smtp_host,
        smtp_port=endpoints.smtp_port,
        public_intake_url=PUBLIC_INTAKE_URL,
        notify_url=NOTIFY_URL,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = app.state.client
    return http


@pytest.fixture
def service(app: FastAPI) -> NotifyService:
    notify: NotifyService = app.state.service
    return notify


@pytest.fixture
def chat(app: FastAPI) -> ChatService:
    conversations: ChatService = app.state.chat
    return conversations
