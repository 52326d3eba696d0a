"""Settings of the intake service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    intake_port: int = 8001
    uploads_bucket: str = "dompak-intake-uploads"
    max_upload_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    # Photos decoded at once per process (see files.ImageCleaner for the memory).
    image_decode_concurrency: int = Field(default=2, ge=1)
    region_code: str = "1217"
    # Sign-in codes a resident's NIK may request per 15 minutes, and a client
    # address per hour (an office's shared connection may need more).
    sign_in_codes_per_nik: int = Field(default=3, ge=1)
    sign_in_codes_per_client: int = Field(default=20, ge=1)
