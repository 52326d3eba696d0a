"""Settings of the signing service (env prefix `DOMPAK_`).

The regency (region code, office, head, place of issue, verification URL)
comes from the regency file (shared.regency). The numbering of each document
comes from the catalogue (shared.catalogue).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import model_validator

from shared.settings import ServiceSettings

LOCAL_SIGNING_PASSPHRASE = "kepala-dinas-lokal"  # noqa: S105 (local development only)


class SigningSettings(ServiceSettings):
    signing_port: int = 8003
    documents_bucket: str = "dompak-signing-documents"
    pki_dir: Path = Path("var/pki")
    # Wrong passphrases one head may enter within the window before a pause.
    max_failed_passphrases: int = 5
    failed_passphrase_window_seconds: int = 900
    # Used only by `python -m services.signing.setup` to create the local key.
    local_signing_passphrase: str = LOCAL_SIGNING_PASSPHRASE

    @model_validator(mode="after")
    def _production_needs_real_signer(self) -> SigningSettings:
        if (
            self.environment == "production"
            and self.local_signing_passphrase == LOCAL_SIGNING_PASSPHRASE
        ):
            raise ValueError(
                "DOMPAK_LOCAL_SIGNING_PASSPHRASE has the local development value; "
                "production signing needs the head's own passphrase and certificate"
            )
        return self
