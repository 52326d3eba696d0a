"""A MongoDB wire-protocol server: `mongod` when on PATH, else FerretDB.

FerretDB v1 runs on its SQLite backend, so it needs no other server.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import ClassVar

import structlog
from pymongo import MongoClient

from shared.devstack.errors import InstallError
from shared.devstack.layout import HOST, StatePaths
from shared.devstack.process import require_program, run_checked
from shared.devstack.server import ManagedServer

log = structlog.get_logger()

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
BUILD_TIMEOUT_SECONDS = 900
PROBE_TIMEOUT_MS = 2000


class _MongoProtocolServer(ManagedServer):
    name: ClassVar[str] = "mongodb"

    def __init__(self, paths: StatePaths, *, port: int) -> None:
        super().__init__(paths)
        self._port = port

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"mongodb://{HOST}:{self._port}/"

    def probe(self) -> None:
        client: MongoClient[dict[str, object]] = MongoClient(
            self.url,
            serverSelectionTimeoutMS=PROBE_TIMEOUT_MS,
            connectTimeoutMS=PROBE_TIMEOUT_MS,
        )
        try:
            client.admin.command("ping")
        finally:
            client.close()


class FerretDbServer(_MongoProtocolServer):
    """FerretDB built from source into the cache, storing data in SQLite files."""

    def __init__(self, paths: StatePaths, *, port: int, debug_port: int) -> None:
        super().__init__(paths, port=port)
        self.debug_port = debug_port

    @property
    def ports(self) -> list[int]:
        return [self.port, self.debug_port]

    @property
    def binary(self) -> Path:
        return self.paths.cache_dir / "bin" / "ferretdb"

    def install(self) -> None:
        if _reports_version(self.binary):
            return
        go = require_program(
            "go", "install Go 1.24+ to build FerretDB (its go.mod requires 1.24)"
        )
        self._build(go)

    def _build(self, go: str) -> None:
        """Build FerretDB from its module source with the release version set.

        `go install .../cmd/ferretdb@v1.24.2` alone yields a binary that panics
        at start: the module lacks build/version/version.txt, which FerretDB's
        release tooling generates, so the build writes that file first.
        """
        source = self._copy_module_source(go)
        (source / "build" / "version" / "version.txt").write_text(
            FERRETDB_VERSION + "\n"
        )
        self.binary.parent.mkdir(parents=True, exist_ok=True)
        partial = self.binary.with_suffix(".partial")
        log.info(
            "devstack.ferretdb_building", version=FERRETDB_VERSION, source=str(source)
        )
        run_checked(
            [go, "build", "-trimpath", "-o", str(partial), "./cmd/ferretdb"],
            action=f"building FerretDB {FERRETDB_VERSION}",
            error=InstallError,
            timeout=BUILD_TIMEOUT_SECONDS,
            cwd=source,
            env={**os.environ, "CGO_ENABLED": "0"},
        )
        if not _reports_version(partial):
            raise InstallError(
                f"the FerretDB binary built at {partial} does not report "
                f"{FERRETDB_VERSION}; run `{partial} --version` to see why"
            )
        partial.replace(self.binary)
        shutil.rmtree(source)
        log.info("devstack.ferretdb_built", binary=str(self.binary))

    def _copy_module_source(self, go: str) -> Path:
        """Download the module with the Go toolchain and copy it to a writable tree."""
        listing = run_checked(
            [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"],
            action=f"downloading {FERRETDB_MODULE}@{FERRETDB_VERSION}",
            error=InstallError,
            timeout=BUILD_TIMEOUT_SECONDS,
            cwd=self.paths.cache_dir,
        )
        module_dir = Path(_json_field(listing, "Dir"))
        source = self.paths.cache_dir / "build" / f"ferretdb-{FERRETDB_VERSION}"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(module_dir, source)
        _make_writable(source)
        return source

    def prepare(self) -> None:
        super().prepare()
        (self.data_dir / "sqlite").mkdir(exist_ok=True)

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{self.data_dir / 'sqlite'}/",
            f"--listen-addr={HOST}:{self.port}",
            f"--state-dir={self.data_dir}",
            "--telemetry=disable",
            f"--debug-addr={HOST}:{self.debug_port}",
        ]


class MongodServer(_MongoProtocolServer):
    """A `mongod` found on PATH, bound to 127.0.0.1 with its files in the state dir."""

    def install(self) -> None:
        require_program("mongod", "install MongoDB or leave it off PATH for FerretDB")

    def prepare(self) -> None:
        super().prepare()
        (self.data_dir / "db").mkdir(exist_ok=True)

    def command(self) -> list[str]:
        return [
            require_program("mongod", "install MongoDB"),
            "--bind_ip",
            HOST,
            "--port",
            str(self.port),
            "--dbpath",
            str(self.data_dir / "db"),
        ]


def mongodb_server(
    paths: StatePaths, *, port: int, debug_port: int
) -> FerretDbServer | MongodServer:
    """Return a `mongod` server when one is on PATH, else FerretDB."""
    if shutil.which("mongod") is not None:
        return MongodServer(paths, port=port)
    return FerretDbServer(paths, port=port, debug_port=debug_port)


def _reports_version(binary: Path) -> bool:
    if not binary.exists():
        return False
    try:
        result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and FERRETDB_VERSION in result.stdout


def _json_field(document: str, field: str) -> str:
    value = json.loads(document).get(field)
    if not isinstance(value, str):
        raise InstallError(
            f"`go mod download -json` output has no {field!r}: {document}"
        )
    return value


def _make_writable(root: Path) -> None:
    # The Go module cache is read-only; the copy needs write access so the
    # build can add version.txt and the tree can be removed afterwards.
    for directory, _, files in os.walk(root):
        for path in [Path(directory), *(Path(directory) / name for name in files)]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
