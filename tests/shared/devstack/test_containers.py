from __future__ import annotations

from pathlib import Path

import pytest

from shared.devstack.containers import (
    docker_engine_available,
    start_with_testcontainers,
)


def test_containers_without_engine_return_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A socket path where no engine listens, whatever this machine has.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")

    assert not docker_engine_available()
    assert start_with_testcontainers() is None
