"""Identity store on the real server: accounts, sessions, limits, grants."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import IdentityStore, Principal, Role, SessionKind
from shared.auth.store import FAILURES_PER_ACCOUNT_AND_CLIENT, token_id
from shared.errors import (
    ConflictError,
    NotFoundError,
    TooManyRequestsError,
    ValidationFailedError,
)
from tests.support import TEST_PASSWORD

pytestmark = pytest.mark.integration


def new_username() -> str:
    return f"staf{uuid.uuid4().hex[:10]}"


async def create(
    identity: IdentityStore, *roles: Role, village_code: str | None = None
) -> str:
    username = new_username()
    await identity.create_staff(
        username,
        name="Petugas Contoh",
        roles=frozenset(roles),
        password=TEST_PASSWORD,
        village_code=village_code,
    )
    return username


async def test_sign_in_staff_opens_session_with_account_roles(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.OPERATOR, Role.VERIFIER)
    opened = await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.1")
    principal = await identity.resolve(opened.token)
    assert principal is not None
    assert principal.subject == username
    assert principal.roles == {Role.OPERATOR, Role.VERIFIER}
    assert principal.is_staff


async def test_sign_in_staff_ignores_username_case_and_spaces(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.OPERATOR)
    opened = await identity.sign_in_staff(
        f"  {username.upper()} ", TEST_PASSWORD, client="10.0.0.2"
    )
    assert opened.principal.subject == username


async def test_sign_in_staff_wrong_password_or_user(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.OPERATOR)
    with pytest.raises(ValidationFailedError):
        await identity.sign_in_staff(username, "salah-salah-salah", client="10.0.0.3")
    with pytest.raises(ValidationFailedError):
        await identity.sign_in_staff(new_username(), TEST_PASSWORD, client="10.0.0.3")


async def test_sign_in_staff_locks_account_after_repeated_failures(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.HEAD)
    client = f"10.1.{uuid.uuid4().int % 250}.1"
    for _ in range(FAILURES_PER_ACCOUNT_AND_CLIENT):
        with pytest.raises(ValidationFailedError):
            await identity.sign_in_staff(username, "tebakan-yang-salah", client=client)
    # Past the limit even the right password is refused for the window.
    with pytest.raises(TooManyRequestsError):
        await identity.sign_in_staff(username, TEST_PASSWORD, client=client)


async def test_concurrent_failures_pass_no_more_than_the_limit(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.HEAD)
    checked = 0

    async def attempt(i: int) -> None:
        nonlocal checked
        try:
            await identity.sign_in_staff(username, f"tebakan-{i:04d}-x", client="c")
        except ValidationFailedError:
            checked += 1  # the password was compared: a real guess
        except TooManyRequestsError:
            pass

    await asyncio.gather(*(attempt(i) for i in range(20)))
    assert checked <= FAILURES_PER_ACCOUNT_AND_CLIENT
    with pytest.raises(TooManyRequestsError):
        await identity.sign_in_staff(username, TEST_PASSWORD, client="c")


async def test_lockout_from_one_address_spares_the_others(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.HEAD)
    for i in range(FAILURES_PER_ACCOUNT_AND_CLIENT):
        with pytest.raises(ValidationFailedError):
            await identity.sign_in_staff(username, f"tebakan-{i}-xx", client="jauh")
    with pytest.raises(TooManyRequestsError):
        await identity.sign_in_staff(username, TEST_PASSWORD, client="jauh")
    assert await identity.sign_in_staff(username, TEST_PASSWORD, client="kantor")


async def test_successful_sign_ins_do_not_count_as_failures(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.HEAD)
    for _ in range(FAILURES_PER_ACCOUNT_AND_CLIENT + 2):
        assert await identity.sign_in_staff(username, TEST_PASSWORD, client="c2")
    assert (
        await identity.count_attempts(f"staff:{username}:c2", timedelta(minutes=15))
        == 0
    )


async def test_disabled_account_cannot_sign_in_and_loses_sessions(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.DISTRIBUTION)
    opened = await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.4")
    await identity.set_disabled(username, True)
    assert await identity.resolve(opened.token) is None
    with pytest.raises(ValidationFailedError):
        await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.4")
    await identity.set_disabled(username, False)
    assert await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.4")


async def test_set_password_ends_sessions(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.FRONT_OFFICE)
    opened = await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.5")
    await identity.set_password(username, "kata sandi baru yang panjang")
    assert await identity.resolve(opened.token) is None
    assert await identity.sign_in_staff(
        username, "kata sandi baru yang panjang", client="10.0.0.5"
    )


async def test_create_staff_refuses_duplicates_and_bad_accounts(
    identity: IdentityStore,
) -> None:
    username = await create(identity, Role.OPS)
    with pytest.raises(ConflictError):
        await identity.create_staff(
            username, name="X", roles=frozenset({Role.OPS}), password=TEST_PASSWORD
        )
    with pytest.raises(ValidationFailedError):
        await identity.create_staff(
            "Bad Name!", name="X", roles=frozenset({Role.OPS}), password=TEST_PASSWORD
        )
    with pytest.raises(ValidationFailedError):
        await identity.create_staff(
            new_username(), name="X", roles=frozenset(), password=TEST_PASSWORD
        )
    with pytest.raises(ValidationFailedError):  # village official without village
        await identity.create_staff(
            new_username(),
            name="X",
            roles=frozenset({Role.VILLAGE}),
            password=TEST_PASSWORD,
        )
    with pytest.raises(ValidationFailedError):  # village plus office role
        await identity.create_staff(
            new_username(),
            name="X",
            roles=frozenset({Role.VILLAGE, Role.HEAD}),
            password=TEST_PASSWORD,
            village_code="12.17.01.2001",
        )
    with pytest.raises(NotFoundError):
        await identity.set_disabled(new_username(), True)


async def test_resolve_drops_expired_and_unknown_sessions(
    identity: IdentityStore,
) -> None:
    opened = await identity.open_session(
        SessionKind.RESIDENT, "1217010101900001", name="Warga"
    )
    assert await identity.resolve(opened.token) is not None
    sessions = identity._sessions
    await sessions.update_one(
        {"_id": token_id(opened.token)},
        {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    assert await identity.resolve(opened.token) is None
    assert await identity.resolve("x" * 43) is None
    assert await identity.resolve("x" * 500) is None


async def test_role_change_applies_to_open_session(identity: IdentityStore) -> None:
    username = await create(identity, Role.OPERATOR)
    opened = await identity.sign_in_staff(username, TEST_PASSWORD, client="10.0.0.6")
    await identity._accounts.update_one(
        {"_id": username}, {"$set": {"roles": ["verifier"]}}
    )
    principal = await identity.resolve(opened.token)
    assert principal is not None
    assert principal.roles == {Role.VERIFIER}


async def test_grants_decide_who_may_open_an_application(
    identity: IdentityStore,
) -> None:
    application_id = str(uuid.uuid4())
    await identity.grant(
        application_id,
        niks=["1217010101900001", "1217010202900002"],
        village_code="12.17.01.2001",
        submitted_by="resident:1217010202900002",
    )

    def resident(nik: str) -> Principal:
        return Principal(SessionKind.RESIDENT, nik, "W", "s", "c")

    def official(village: str, username: str = "kades") -> Principal:
        return Principal(
            SessionKind.STAFF,
            username,
            "K",
            "s",
            "c",
            frozenset({Role.VILLAGE}),
            village,
        )

    assert await identity.may_open(resident("1217010101900001"), application_id)
    assert await identity.may_open(resident("1217010202900002"), application_id)
    assert not await identity.may_open(resident("1217010303900003"), application_id)
    # The resident applied alone: officials of the village do not see it.
    assert not await identity.may_open(official("12.17.01.2001"), application_id)
    assert not await identity.may_open(official("12.17.01.2002"), application_id)
    head = Principal(SessionKind.STAFF, "kepala", "K", "s", "c", frozenset({Role.HEAD}))
    assert not await identity.may_open(head, application_id)
    assert not await identity.may_open(resident("1217010101900001"), "no-such-id")
    assert application_id in await identity.visible_applications(
        resident("1217010101900001")
    )
    assert application_id not in await identity.visible_applications(
        resident("1217010303900003")
    )


async def test_village_official_sees_only_what_they_submitted(
    identity: IdentityStore,
) -> None:
    assisted, alone = str(uuid.uuid4()), str(uuid.uuid4())
    for application_id, submitted_by in (
        (assisted, "staff:kades.tomok"),
        (alone, "resident:1217010101900001"),
    ):
        await identity.grant(
            application_id,
            niks=["1217010101900001"],
            village_code="12.17.01.2001",
            submitted_by=submitted_by,
        )
    official = Principal(
        SessionKind.STAFF,
        "kades.tomok",
        "K",
        "s",
        "c",
        frozenset({Role.VILLAGE}),
        "12.17.01.2001",
    )
    assert await identity.may_open(official, assisted)
    assert not await identity.may_open(official, alone)
    visible = await identity.visible_applications(official)
    assert assisted in visible
    assert alone not in visible
