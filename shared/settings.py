"""Settings base shared by every service.

Each service subclasses `ServiceSettings` with its own fields; values come
from `DOMPAK_*` environment variables (for example `DOMPAK_KAFKA_BOOTSTRAP`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPOSITORY = Path(__file__).resolve().parent.parent
LOCAL_S3_SECRET = "dompak-local-secret"  # noqa: S105 (local development default)


class ServiceSettings(BaseSettings):
    """Connection and runtime settings every service needs."""

    model_config = SettingsConfigDict(env_prefix="DOMPAK_", extra="ignore")

    environment: Literal["local", "production"] = "local"
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"

    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_partitions: int = 3
    mongodb_url: str = "mongodb://127.0.0.1:19017/"
    s3_endpoint: str = "127.0.0.1:19033"
    s3_access_key: str = "dompak"
    s3_secret_key: str = LOCAL_S3_SECRET
    s3_secure: bool = False

    state_dir: Path = Path("var")
    catalogue_file: Path = Field(
        default=REPOSITORY / "config" / "catalogue.toml",
        validation_alias=AliasChoices("catalogue_file", "DOMPAK_CATALOGUE"),
    )
    regency_file: Path = Field(
        default=REPOSITORY / "config" / "regency.toml",
        validation_alias=AliasChoices("regency_file", "DOMPAK_REGENCY"),
    )
    http_host: str = "127.0.0.1"
    # Where browsers reach each service's pages; the navigation links and
    # sign-in redirects between services use them.
    intake_url: str = "http://127.0.0.1:8001"
    verification_url: str = "http://127.0.0.1:8002"
    signing_url: str = "http://127.0.0.1:8003"
    distribution_url: str = "http://127.0.0.1:8004"
    notify_url: str = "http://127.0.0.1:8005"
    # Session cookies are sent only over HTTPS when true (set in production).
    secure_cookies: bool = False
    outbox_poll_seconds: float = 0.5
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.2

    @model_validator(mode="after")
    def _reject_local_secrets_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.s3_secret_key == LOCAL_S3_SECRET:
            raise ValueError(
                "DOMPAK_S3_SECRET_KEY still has the local development value; "
                "set the production secret before starting with "
                "DOMPAK_ENVIRONMENT=production"
            )
        if self.environment == "production" and not self.secure_cookies:
            raise ValueError(
                "DOMPAK_SECURE_COOKIES is false; production serves pages over "
                "HTTPS, so set it to true before starting with "
                "DOMPAK_ENVIRONMENT=production"
            )
        return self

    @property
    def service_urls(self) -> dict[str, str]:
        """Base URL of each service's pages, by service name."""
        return {
            "intake": self.intake_url.rstrip("/"),
            "verification": self.verification_url.rstrip("/"),
            "signing": self.signing_url.rstrip("/"),
            "distribution": self.distribution_url.rstrip("/"),
            "notify": self.notify_url.rstrip("/"),
        }

    @property
    def kafka_url(self) -> str:
        """Return the broker list in faust's `kafka://host:port` form."""
        hosts = ";".join(self.kafka_bootstrap.split(","))
        return f"kafka://{hosts}"
