"""Settings of the verification service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class VerificationSettings(ServiceSettings):
    verification_port: int = 8002
    # The intake service's bucket of uploaded papers; the accepted event names
    # each file's object key and SHA-256 there.
    uploads_bucket: str = "dompak-intake-uploads"
