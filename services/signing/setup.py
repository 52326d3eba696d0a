"""Create the local CA and head-of-office key for development and tests.

Run `python -m services.signing.setup`. The key is encrypted with
DOMPAK_LOCAL_SIGNING_PASSPHRASE; the head enters that passphrase again at
every signature, and the service never stores it.
"""

from __future__ import annotations

from services.signing.pki import ensure_local_pki
from services.signing.settings import SigningSettings
from shared.regency import load_regency


def main() -> None:
    settings = SigningSettings()
    regency = load_regency(settings.regency_file)
    paths = ensure_local_pki(
        settings.pki_dir,
        settings.local_signing_passphrase,
        office_name=regency.office_name,
        head_name=regency.head_of_office.name,
    )
    print(paths.ca_certificate)  # noqa: T201 (the command's output)


if __name__ == "__main__":
    main()
