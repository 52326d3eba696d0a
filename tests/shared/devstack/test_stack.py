from __future__ import annotations

from pathlib import Path

import pytest

from shared.devstack import DevStack
from shared.devstack.endpoints import endpoints_from_environment
from shared.devstack.stack import external_roles

EXTERNAL = {
    "DOMPAK_KAFKA_BOOTSTRAP": "127.0.0.1:9092",
    "DOMPAK_MONGODB_URL": "mongodb://127.0.0.1:27017/",
    "DOMPAK_S3_ENDPOINT": "127.0.0.1:8333",
    "DOMPAK_S3_ACCESS_KEY": "access",
    "DOMPAK_S3_SECRET_KEY": "secret",
    "DOMPAK_SMTP_HOST": "127.0.0.1",
    "DOMPAK_SMTP_PORT": "1025",
}


def test_external_roles_follow_variables() -> None:
    assert external_roles({}) == set()
    assert external_roles(EXTERNAL) == {"kafka", "mongodb", "s3", "smtp"}
    assert external_roles({"DOMPAK_MONGODB_URL": "mongodb://x/"}) == {"mongodb"}


def test_stack_endpoints_mix_environment_and_local(tmp_path: Path) -> None:
    stack = DevStack(tmp_path / "state", tmp_path / "cache", base_port=31000)
    environment = {"DOMPAK_MONGODB_URL": "mongodb://db.internal:27017/"}

    endpoints = stack.endpoints(environment)

    assert endpoints.mongodb_url == "mongodb://db.internal:27017/"
    assert endpoints.kafka_bootstrap == "127.0.0.1:31092"
    assert endpoints.s3_endpoint == "127.0.0.1:31033"
    assert endpoints.smtp_port == 31025
    assert endpoints.maildir == tmp_path / "state" / "smtp" / "maildir"
    assert set(stack.local_servers(environment)) == {"kafka", "s3", "smtp"}


def test_stack_start_all_external_spawns_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in EXTERNAL.items():
        monkeypatch.setenv(name, value)
    stack = DevStack(tmp_path / "state", tmp_path / "cache", base_port=31100)

    endpoints = stack.start()

    assert endpoints == endpoints_from_environment(EXTERNAL)
    assert list((tmp_path / "state" / "run").glob("*.pid")) == []
    assert stack.status() == {
        "kafka": False,
        "mongodb": False,
        "s3": False,
        "smtp": False,
    }
