from __future__ import annotations

from pathlib import Path

import pytest

from shared.devstack.endpoints import Endpoints, endpoints_from_environment

FULL_ENVIRONMENT = {
    "DOMPAK_KAFKA_BOOTSTRAP": "kafka.internal:9092",
    "DOMPAK_MONGODB_URL": "mongodb://db.internal:27017/",
    "DOMPAK_S3_ENDPOINT": "s3.internal:8333",
    "DOMPAK_S3_ACCESS_KEY": "access",
    "DOMPAK_S3_SECRET_KEY": "secret",
    "DOMPAK_SMTP_HOST": "mail.internal",
    "DOMPAK_SMTP_PORT": "2525",
    "DOMPAK_MAILDIR": "/var/mail/dompak",
}


def test_endpoints_from_environment_reads_every_variable() -> None:
    endpoints = endpoints_from_environment(FULL_ENVIRONMENT)

    assert endpoints == Endpoints(
        kafka_bootstrap="kafka.internal:9092",
        mongodb_url="mongodb://db.internal:27017/",
        s3_endpoint="s3.internal:8333",
        s3_access_key="access",
        s3_secret_key="secret",
        smtp_host="mail.internal",
        smtp_port=2525,
        maildir=Path("/var/mail/dompak"),
    )


def test_endpoints_as_env_round_trip() -> None:
    endpoints = endpoints_from_environment(FULL_ENVIRONMENT)

    assert endpoints is not None
    assert endpoints.as_env() == FULL_ENVIRONMENT


@pytest.mark.parametrize(
    "missing",
    [
        "DOMPAK_KAFKA_BOOTSTRAP",
        "DOMPAK_MONGODB_URL",
        "DOMPAK_S3_ENDPOINT",
        "DOMPAK_SMTP_HOST",
    ],
)
def test_endpoints_from_environment_partial_is_none(missing: str) -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != missing}

    assert endpoints_from_environment(environment) is None


def test_endpoints_without_maildir_omit_variable() -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != "DOMPAK_MAILDIR"}
    endpoints = endpoints_from_environment(environment)

    assert endpoints is not None
    assert endpoints.maildir is None
    assert "DOMPAK_MAILDIR" not in endpoints.as_env()


def test_endpoints_smtp_port_defaults_to_25() -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != "DOMPAK_SMTP_PORT"}
    endpoints = endpoints_from_environment(environment)

    assert endpoints is not None
    assert endpoints.smtp_port == 25


def test_endpoints_s3_without_secret_raises() -> None:
    environment = {
        k: v for k, v in FULL_ENVIRONMENT.items() if k != "DOMPAK_S3_SECRET_KEY"
    }

    with pytest.raises(ValueError, match="DOMPAK_S3_SECRET_KEY is missing"):
        endpoints_from_environment(environment)


def test_endpoints_invalid_smtp_port_raises() -> None:
    environment = {**FULL_ENVIRONMENT, "DOMPAK_SMTP_PORT": "smtp"}

    with pytest.raises(ValueError, match="invalid DOMPAK_SMTP_PORT 'smtp'"):
        endpoints_from_environment(environment)
