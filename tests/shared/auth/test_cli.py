"""The admin command for staff accounts, run as a process on the real server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from shared.settings import REPOSITORY
from tests.support import TEST_PASSWORD

pytestmark = pytest.mark.integration


def admin(
    endpoints: Endpoints, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DOMPAK_MONGODB_URL": endpoints.mongodb_url,
        "PYTHONPATH": str(REPOSITORY),
    }
    return subprocess.run(  # noqa: S603 (fixed command)
        [sys.executable, "-m", "shared.auth", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPOSITORY,
        timeout=60,
        check=False,
    )


async def test_create_then_sign_in(
    endpoints: Endpoints, identity: IdentityStore
) -> None:
    username = f"cli{uuid.uuid4().hex[:8]}"
    result = admin(
        endpoints,
        "create",
        username,
        "--name",
        "Petugas Baris Perintah",
        "--role",
        "operator",
        "--role",
        "verifier",
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    account = await identity.get_staff(username)
    assert account.roles == {Role.OPERATOR, Role.VERIFIER}
    assert await identity.sign_in_staff(username, TEST_PASSWORD, client="cli")
    listed = admin(endpoints, "list")
    assert username in listed.stdout
    assert TEST_PASSWORD not in listed.stdout


async def test_disable_ends_sessions_and_enable_restores(
    endpoints: Endpoints, identity: IdentityStore
) -> None:
    username = f"cli{uuid.uuid4().hex[:8]}"
    await identity.create_staff(
        username, name="P", roles=frozenset({Role.HEAD}), password=TEST_PASSWORD
    )
    opened = await identity.sign_in_staff(username, TEST_PASSWORD, client="cli")
    assert admin(endpoints, "disable", username).returncode == 0
    assert await identity.resolve(opened.token) is None
    assert "disabled" in admin(endpoints, "list").stdout
    assert admin(endpoints, "enable", username).returncode == 0
    assert not (await identity.get_staff(username)).disabled


def test_refusals_name_the_problem(endpoints: Endpoints) -> None:
    weak = admin(
        endpoints,
        "create",
        f"cli{uuid.uuid4().hex[:8]}",
        "--name",
        "P",
        "--role",
        "head",
        "--password-stdin",
        stdin="pendek\n",
    )
    assert weak.returncode == 1
    assert "at least 12" in weak.stderr
    unknown_role = admin(
        endpoints, "create", "clix", "--name", "P", "--role", "boss", "--password-stdin"
    )
    assert unknown_role.returncode == 2
    missing = admin(endpoints, "disable", f"nobody{uuid.uuid4().hex[:6]}")
    assert missing.returncode == 1
    assert "no staff account" in missing.stderr
