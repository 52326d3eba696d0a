"""A local SMTP server (aiosmtpd) that stores every message in a Maildir."""

from __future__ import annotations

import importlib.util
import smtplib
import sys
from pathlib import Path
from typing import ClassVar

from shared.devstack.errors import InstallError
from shared.devstack.layout import HOST, StatePaths
from shared.devstack.server import ManagedServer

PROBE_TIMEOUT_SECONDS = 2.0


class SmtpServer(ManagedServer):
    """aiosmtpd's command-line server with its Maildir handler."""

    name: ClassVar[str] = "smtp"
    ready_timeout_seconds: ClassVar[float] = 20.0
    stop_grace_seconds: ClassVar[float] = 5.0

    def __init__(self, paths: StatePaths, *, port: int) -> None:
        super().__init__(paths)
        self._port = port

    @property
    def port(self) -> int:
        return self._port

    @property
    def maildir(self) -> Path:
        return self.data_dir / "maildir"

    def install(self) -> None:
        if importlib.util.find_spec("aiosmtpd") is None:
            raise InstallError(
                f"the aiosmtpd package is missing from {sys.executable}; "
                "install it with `pip install aiosmtpd`"
            )

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "aiosmtpd",
            "--nosetuid",
            "--smtputf8",
            "--listen",
            f"{HOST}:{self._port}",
            "--class",
            "aiosmtpd.handlers.Mailbox",
            str(self.maildir),
        ]

    def probe(self) -> None:
        with smtplib.SMTP(HOST, self._port, timeout=PROBE_TIMEOUT_SECONDS) as client:
            client.noop()
