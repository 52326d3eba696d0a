"""Staff accounts, sessions, attempt counters and application access grants.

They live in one identity database that every service reads, so a session
opened at one service's sign-in page is honoured by the others (sessions are
cookies on the office's one host). The database contains no stage's data.
The intake service writes a grant when it stores an application, naming who
may open it, and the other services only read grants.

A session token is 32 random bytes; the database keeps only its SHA-256, so a
copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from shared.auth.passwords import hash_password, needs_rehash, verify_password
from shared.auth.roles import Principal, Role, SessionKind
from shared.database import Database, Document
from shared.errors import (
    ConflictError,
    NotFoundError,
    TooManyRequestsError,
    ValidationFailedError,
)

log = structlog.get_logger()

IDENTITY_DATABASE = "dompak_identity"
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
STAFF_SESSION = timedelta(hours=10)
RESIDENT_SESSION = timedelta(hours=2)
SIGN_IN_WINDOW = timedelta(minutes=15)
# Failures counted per account from one address, per account from all
# addresses, and per address. A guesser elsewhere must fail many times
# before the rightful user at the office is locked out too.
FAILURES_PER_ACCOUNT_AND_CLIENT = 5
FAILURES_PER_ACCOUNT = 50
FAILURES_PER_CLIENT = 30


@dataclass(frozen=True)
class StaffAccount:
    username: str
    name: str
    roles: frozenset[Role]
    disabled: bool
    village_code: str | None
    created_at: datetime


@dataclass(frozen=True)
class OpenedSession:
    """A new session: the token goes to the client once and is never stored."""

    token: str
    principal: Principal
    expires_at: datetime


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(document: Document) -> StaffAccount:
    return StaffAccount(
        username=document["_id"],
        name=document["name"],
        roles=frozenset(Role(r) for r in document["roles"]),
        disabled=document.get("disabled", False),
        village_code=document.get("village_code"),
        created_at=document["created_at"],
    )


class IdentityStore:
    def __init__(self, db: Database) -> None:
        self._accounts = db["staff_accounts"]
        self._sessions = db["sessions"]
        self._attempts = db["attempts"]
        self._grants = db["grants"]

    async def create_indexes(self) -> None:
        await self._sessions.create_index([("subject", ASCENDING)])
        await self._attempts.create_index([("key", ASCENDING), ("at", ASCENDING)])
        await self._grants.create_index([("niks", ASCENDING)])
        await self._grants.create_index([("village_code", ASCENDING)])

    # Staff accounts -----------------------------------------------------

    async def create_staff(
        self,
        username: str,
        *,
        name: str,
        roles: frozenset[Role],
        password: str,
        village_code: str | None = None,
    ) -> StaffAccount:
        """Create an account; ConflictError when the username is taken."""
        if not USERNAME.match(username):
            raise ValidationFailedError(
                f"username {username!r} is not valid; use 3 to 32 lower-case "
                "letters, digits, dots, dashes or underscores, starting with a letter"
            )
        if not roles:
            raise ValidationFailedError("give the account at least one role")
        if (Role.VILLAGE in roles) != (village_code is not None):
            raise ValidationFailedError(
                "a village official's account needs its village code, and only "
                "village officials have one"
            )
        if Role.VILLAGE in roles and len(roles) > 1:
            raise ValidationFailedError(
                "a village official's account cannot have an office role; create "
                "a separate account for office work"
            )
        document = {
            "_id": username,
            "name": name.strip(),
            "roles": sorted(roles),
            "password_hash": hash_password(password),
            "disabled": False,
            "village_code": village_code,
            "created_at": datetime.now(UTC),
        }
        try:
            await self._accounts.insert_one(document)
        except DuplicateKeyError:
            raise ConflictError(
                f"an account named {username!r} exists already"
            ) from None
        log.info("staff.created", username=username, roles=sorted(roles))
        return _account(document)

    async def get_staff(self, username: str) -> StaffAccount:
        document = await self._accounts.find_one({"_id": username})
        if document is None:
            raise NotFoundError(f"no staff account is named {username!r}")
        return _account(document)

    async def list_staff(self) -> list[StaffAccount]:
        return [_account(d) async for d in self._accounts.find().sort("_id", 1)]

    async def set_disabled(self, username: str, disabled: bool) -> StaffAccount:
        """Disable or enable an account; disabling ends its open sessions."""
        result = await self._accounts.update_one(
            {"_id": username}, {"$set": {"disabled": disabled}}
        )
        if result.matched_count == 0:
            raise NotFoundError(f"no staff account is named {username!r}")
        if disabled:
            await self.close_sessions_of(SessionKind.STAFF, username)
        log.info("staff.disabled" if disabled else "staff.enabled", username=username)
        return await self.get_staff(username)

    async def set_password(self, username: str, password: str) -> None:
        """Replace the password and end the account's open sessions."""
        result = await self._accounts.update_one(
            {"_id": username}, {"$set": {"password_hash": hash_password(password)}}
        )
        if result.matched_count == 0:
            raise NotFoundError(f"no staff account is named {username!r}")
        await self.close_sessions_of(SessionKind.STAFF, username)
        log.info("staff.password_changed", username=username)

    async def sign_in_staff(
        self, username: str, password: str, *, client: str
    ) -> OpenedSession:
        """Check username and password, then open a session.

        Failures are counted per account and address, per account, and per
        address. Past a limit every attempt is rejected with
        TooManyRequestsError until the window has passed, even with the
        right password.
        """
        username = username.strip().lower()
        # Each attempt is recorded before the password is checked, so
        # concurrent guesses all count; a successful sign-in removes its
        # records again.
        attempt_ids = [
            await self.take_attempt(key, limit, SIGN_IN_WINDOW)
            for key, limit in (
                (f"staff:{username}:{client}", FAILURES_PER_ACCOUNT_AND_CLIENT),
                (f"staff:{username}", FAILURES_PER_ACCOUNT),
                (f"client:{client}", FAILURES_PER_CLIENT),
            )
        ]
        document = await self._accounts.find_one({"_id": username})
        stored = document["password_hash"] if document else None
        if (
            not verify_password(stored, password)
            or document is None
            or document.get("disabled", False)
        ):
            log.info("staff.sign_in_failed", username=username)
            raise ValidationFailedError(
                "the username or password is wrong, or the account is disabled; "
                "check both and try again, or ask the admin"
            )
        await self._attempts.delete_many({"_id": {"$in": attempt_ids}})
        if needs_rehash(document["password_hash"]):
            await self._accounts.update_one(
                {"_id": username},
                {"$set": {"password_hash": hash_password(password)}},
            )
        account = _account(document)
        opened = await self.open_session(
            SessionKind.STAFF,
            account.username,
            name=account.name,
            roles=account.roles,
            village_code=account.village_code,
        )
        log.info(
            "staff.signed_in", username=username, session_id=opened.principal.session_id
        )
        return opened

    # Sessions -----------------------------------------------------------

    async def open_session(
        self,
        kind: SessionKind,
        subject: str,
        *,
        name: str,
        roles: frozenset[Role] = frozenset(),
        village_code: str | None = None,
    ) -> OpenedSession:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        lifetime = STAFF_SESSION if kind is SessionKind.STAFF else RESIDENT_SESSION
        expires_at = now + lifetime
        document: Document = {
            "_id": token_id(token),
            "kind": str(kind),
            "subject": subject,
            "name": name,
            "roles": sorted(roles),
            "village_code": village_code,
            "csrf_token": secrets.token_urlsafe(24),
            "created_at": now,
            "expires_at": expires_at,
        }
        await self._sessions.insert_one(document)
        return OpenedSession(token, self._principal(document), expires_at)

    async def resolve(self, token: str) -> Principal | None:
        """Return the principal of a live session, or None."""
        if not token or len(token) > 100:
            return None
        document = await self._sessions.find_one({"_id": token_id(token)})
        if document is None:
            return None
        if document["expires_at"] <= datetime.now(UTC):
            await self._sessions.delete_one({"_id": document["_id"]})
            return None
        if document["kind"] == SessionKind.STAFF:
            account = await self._accounts.find_one({"_id": document["subject"]})
            if account is None or account.get("disabled", False):
                return None
            # Roles come from the account, so a change applies at once.
            document["roles"] = account["roles"]
            document["village_code"] = account.get("village_code")
        return self._principal(document)

    async def close(self, token: str) -> None:
        await self._sessions.delete_one({"_id": token_id(token)})

    async def close_sessions_of(self, kind: SessionKind, subject: str) -> None:
        await self._sessions.delete_many({"kind": str(kind), "subject": subject})

    @staticmethod
    def _principal(document: Document) -> Principal:
        return Principal(
            kind=SessionKind(document["kind"]),
            subject=document["subject"],
            name=document["name"],
            session_id=document["_id"][:16],
            csrf_token=document["csrf_token"],
            roles=frozenset(Role(r) for r in document.get("roles", ())),
            village_code=document.get("village_code"),
        )

    # Attempt counters ---------------------------------------------------

    async def check_attempts(self, key: str, limit: int, window: timedelta) -> None:
        """Raise TooManyRequestsError when `key` has `limit` attempts in `window`."""
        since = datetime.now(UTC) - window
        count = await self._attempts.count_documents({"key": key, "at": {"$gt": since}})
        if count >= limit:
            minutes = int(window.total_seconds() // 60)
            raise TooManyRequestsError(
                f"too many attempts in the last {minutes} minutes; wait "
                f"{minutes} minutes and try again"
            )

    async def record_attempt(self, key: str) -> Any:
        """Record one attempt and return its record's id."""
        # One insert per attempt: inserts are atomic on every backend, so
        # concurrent attempts are all counted.
        now = datetime.now(UTC)
        result = await self._attempts.insert_one({"key": key, "at": now})
        await self._attempts.delete_many(
            {"key": key, "at": {"$lt": now - timedelta(days=1)}}
        )
        return result.inserted_id

    async def take_attempt(self, key: str, limit: int, window: timedelta) -> Any:
        """Record an attempt unless `key` has used its `limit` in `window`.

        Counted again after the insert, so of many concurrent attempts at
        most `limit` pass. Returns the record's id; raises
        TooManyRequestsError past the limit.
        """
        await self.check_attempts(key, limit, window)
        attempt_id = await self.record_attempt(key)
        await self.check_attempts(key, limit + 1, window)
        return attempt_id

    async def count_attempts(self, key: str, window: timedelta) -> int:
        since = datetime.now(UTC) - window
        return await self._attempts.count_documents({"key": key, "at": {"$gt": since}})

    # Application access grants -----------------------------------------

    async def grant(
        self,
        application_id: str,
        *,
        niks: list[str],
        village_code: str,
        submitted_by: str,
    ) -> None:
        """Record who may open an application (idempotent)."""
        await self._grants.replace_one(
            {"_id": application_id},
            {
                "_id": application_id,
                "niks": sorted(set(niks)),
                "village_code": village_code,
                "submitted_by": submitted_by,
            },
            upsert=True,
        )

    async def may_open(self, principal: Principal, application_id: str) -> bool:
        """Return whether a resident or village official may open the application."""
        grant = await self._grants.find_one({"_id": application_id})
        if grant is None:
            return False
        if principal.is_resident:
            return principal.subject in grant["niks"]
        if principal.is_village_official:
            # Only what the official submitted: a resident who applied alone
            # keeps the application, its chat and its deed private.
            return bool(grant["submitted_by"] == f"staff:{principal.subject}")
        return False

    async def visible_applications(self, principal: Principal) -> list[str]:
        """Ids of the applications a resident or village official may open."""
        query: dict[str, Any]
        if principal.is_resident:
            query = {"niks": principal.subject}
        elif principal.is_village_official:
            query = {"submitted_by": f"staff:{principal.subject}"}
        else:
            return []
        return [g["_id"] async for g in self._grants.find(query, {"_id": 1})]
