"""Settings of the intake service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    intake_port: int = 8001
    uploads_bucket: str = "dompak-intake-uploads"
    max_upload_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    region_code: str = "1217"
