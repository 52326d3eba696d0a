"""File locations and 127.0.0.1 ports of a development stack."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_BASE_PORT = 19000
# Every port of a stack is base + offset, with offsets below this span.
PORT_SPAN = 100

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def default_state_dir() -> Path:
    """Return DOMPAK_STATE_DIR, else var/stack inside the repository."""
    configured = os.environ.get("DOMPAK_STATE_DIR")
    if configured:
        return Path(configured).expanduser()
    return REPOSITORY_ROOT / "var" / "stack"


def default_cache_dir() -> Path:
    """Return DOMPAK_CACHE_DIR, else ~/.cache/dompak."""
    configured = os.environ.get("DOMPAK_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "dompak"


@dataclass(frozen=True)
class PortLayout:
    """The 127.0.0.1 ports of one stack, each derived from the base port."""

    base: int

    def __post_init__(self) -> None:
        if not 1024 <= self.base <= 65535 - PORT_SPAN:
            raise ValueError(
                f"invalid base port {self.base}: it must be between 1024 and "
                f"{65535 - PORT_SPAN} so every port of the stack fits below 65536"
            )

    @property
    def mongodb(self) -> int:
        return self.base + 17

    @property
    def ferretdb_debug(self) -> int:
        return self.base + 18

    @property
    def smtp(self) -> int:
        return self.base + 25

    @property
    def s3(self) -> int:
        return self.base + 33

    @property
    def seaweedfs_internal(self) -> dict[str, int]:
        """Return the SeaweedFS component ports as `weed mini` flag names."""
        names = (
            "s3.port.grpc",
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "admin.port",
            "admin.port.grpc",
        )
        return {name: self.base + 34 + index for index, name in enumerate(names)}

    @property
    def kafka(self) -> int:
        return self.base + 92

    @property
    def kafka_controller(self) -> int:
        return self.base + 93


@dataclass(frozen=True)
class StatePaths:
    """The state directory of one stack and the download/build cache."""

    state_dir: Path
    cache_dir: Path

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"

    def data_dir(self, server: str) -> Path:
        return self.state_dir / server

    def create(self) -> None:
        for directory in (self.state_dir, self.log_dir, self.run_dir, self.cache_dir):
            directory.mkdir(parents=True, exist_ok=True)
