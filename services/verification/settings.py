"""Settings of the verification service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class VerificationSettings(ServiceSettings):
    verification_port: int = 8002
