"""Settings of the signing service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from shared.settings import ServiceSettings

LOCAL_SIGNING_PASSPHRASE = "kepala-dinas-lokal"  # noqa: S105 (local development only)


class SigningSettings(ServiceSettings):
    signing_port: int = 8003
    documents_bucket: str = "dompak-signing-documents"
    pki_dir: Path = Path("var/pki")
    region_code: str = "1217"
    regency_name: str = "Kabupaten Samosir"
    office_name: str = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir"
    head_name: str = "Kepala Dinas (contoh)"
    issue_place: str = "Pangururan"
    public_verify_base_url: str = "http://127.0.0.1:8003/v"
    # Letters of each deed type inside its register number.
    deed_codes: dict[str, str] = Field(default_factory=lambda: {"birth_deed": "LT"})
    register_number_format: str = "{region}-{code}-{date:%d%m%Y}-{serial:04d}"
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
