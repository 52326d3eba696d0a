"""Addresses of the servers a DOMPAK process talks to, and the DOMPAK_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KAFKA_BOOTSTRAP = "DOMPAK_KAFKA_BOOTSTRAP"
MONGODB_URL = "DOMPAK_MONGODB_URL"
S3_ENDPOINT = "DOMPAK_S3_ENDPOINT"
S3_ACCESS_KEY = "DOMPAK_S3_ACCESS_KEY"
S3_SECRET_KEY = "DOMPAK_S3_SECRET_KEY"  # noqa: S105 (a variable name)
SMTP_HOST = "DOMPAK_SMTP_HOST"
SMTP_PORT = "DOMPAK_SMTP_PORT"
MAILDIR = "DOMPAK_MAILDIR"

DEFAULT_SMTP_PORT = 25


@dataclass(frozen=True)
class Endpoints:
    """Addresses and credentials of the Kafka, MongoDB, S3 and SMTP servers."""

    kafka_bootstrap: str
    mongodb_url: str
    s3_endpoint: str  # host:port, no scheme
    s3_access_key: str
    s3_secret_key: str
    smtp_host: str
    smtp_port: int
    maildir: Path | None  # where the local SMTP server stores mail, if known

    def as_env(self) -> dict[str, str]:
        """Return the DOMPAK_* variables that point a process at these servers."""
        variables = {
            KAFKA_BOOTSTRAP: self.kafka_bootstrap,
            MONGODB_URL: self.mongodb_url,
            S3_ENDPOINT: self.s3_endpoint,
            S3_ACCESS_KEY: self.s3_access_key,
            S3_SECRET_KEY: self.s3_secret_key,
            SMTP_HOST: self.smtp_host,
            SMTP_PORT: str(self.smtp_port),
        }
        if self.maildir is not None:
            variables[MAILDIR] = str(self.maildir)
        return variables


@dataclass(frozen=True)
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    maildir: Path | None


def s3_from_environment(environ: Mapping[str, str]) -> S3Settings | None:
    """Return the S3 server named by the environment, or None when unset."""
    endpoint = environ.get(S3_ENDPOINT)
    if not endpoint:
        return None
    missing = [name for name in (S3_ACCESS_KEY, S3_SECRET_KEY) if not environ.get(name)]
    if missing:
        raise ValueError(
            f"{S3_ENDPOINT} is set to {endpoint!r} but {', '.join(missing)} "
            "is missing; set the credentials too, or unset it to use the local server"
        )
    return S3Settings(endpoint, environ[S3_ACCESS_KEY], environ[S3_SECRET_KEY])


def smtp_from_environment(environ: Mapping[str, str]) -> SmtpSettings | None:
    """Return the SMTP server named by the environment, or None when unset."""
    host = environ.get(SMTP_HOST)
    if not host:
        return None
    raw_port = environ.get(SMTP_PORT) or str(DEFAULT_SMTP_PORT)
    try:
        port = int(raw_port)
    except ValueError:
        raise ValueError(
            f"invalid {SMTP_PORT} {raw_port!r}: expected a TCP port number"
        ) from None
    maildir = environ.get(MAILDIR)
    return SmtpSettings(host, port, Path(maildir) if maildir else None)


def endpoints_from_environment(
    environ: Mapping[str, str] | None = None,
) -> Endpoints | None:
    """Return the endpoints when every server is named by DOMPAK_* variables.

    Returns None when any of Kafka, MongoDB, S3 or SMTP is left unset.
    """
    environ = os.environ if environ is None else environ
    kafka = environ.get(KAFKA_BOOTSTRAP)
    mongodb = environ.get(MONGODB_URL)
    s3 = s3_from_environment(environ)
    smtp = smtp_from_environment(environ)
    if not kafka or not mongodb or s3 is None or smtp is None:
        return None
    return Endpoints(
        kafka_bootstrap=kafka,
        mongodb_url=mongodb,
        s3_endpoint=s3.endpoint,
        s3_access_key=s3.access_key,
        s3_secret_key=s3.secret_key,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        maildir=smtp.maildir,
    )
