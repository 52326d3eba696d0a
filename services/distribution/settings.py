"""Settings of the distribution service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class DistributionSettings(ServiceSettings):
    distribution_port: int = 8004
    # Bucket where the signing service stores signed deeds; read-only here.
    signed_documents_bucket: str = "dompak-signing-documents"
