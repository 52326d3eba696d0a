"""Synthetic staff accounts for a local deployment, one per role.

`make run` and `make demo` create them so the pages can be tried at once.
They share one password that is printed at start-up, so they are refused
when DOMPAK_ENVIRONMENT is production; production accounts are made with
`python -m shared.auth create`.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.auth import IDENTITY_DATABASE, IdentityStore, Role
from shared.database import connect
from shared.errors import ConflictError
from shared.regency import load_regency
from shared.settings import ServiceSettings

LOCAL_PASSWORD = "dompak-lokal-coba"  # noqa: S105 (printed local default)


@dataclass(frozen=True)
class LocalAccount:
    username: str
    name: str
    role: Role
    village_code: str | None = None


def local_accounts(settings: ServiceSettings) -> list[LocalAccount]:
    """Return one made-up staff member per role and an official of a village."""
    first_village = load_regency(settings.regency_file).villages[0].code
    return [
        LocalAccount("loket", "Rina Loket (contoh)", Role.FRONT_OFFICE),
        LocalAccount("operator", "Budi Operator (contoh)", Role.OPERATOR),
        LocalAccount("verifikator", "Sari Verifikator (contoh)", Role.VERIFIER),
        LocalAccount("kadis", "Kepala Dinas (contoh)", Role.HEAD),
        LocalAccount("distribusi", "Tono Distribusi (contoh)", Role.DISTRIBUTION),
        LocalAccount("ops", "Dewi Operasional (contoh)", Role.OPS),
        LocalAccount("admin", "Admin (contoh)", Role.ADMIN),
        LocalAccount("desa", "Aparat Desa (contoh)", Role.VILLAGE, first_village),
    ]


async def ensure_local_accounts(settings: ServiceSettings) -> list[LocalAccount]:
    """Create the local accounts that do not exist yet; return all of them."""
    if settings.environment == "production":
        raise RuntimeError(
            "local accounts share a published password; create production "
            "accounts with `python -m shared.auth create` instead"
        )
    accounts = local_accounts(settings)
    client = connect(settings.mongodb_url)
    try:
        store = IdentityStore(client[IDENTITY_DATABASE])
        await store.create_indexes()
        for account in accounts:
            try:
                await store.create_staff(
                    account.username,
                    name=account.name,
                    roles=frozenset({account.role}),
                    password=LOCAL_PASSWORD,
                    village_code=account.village_code,
                )
            except ConflictError:
                continue
    finally:
        await client.close()
    return accounts
