"""Resident sign-in: NIK plus a one-time code sent to the registered email.

A NIK without an account registers on its first sign-in: the request carries
the name, email and optional phone, and the account is created only when the
code sent to that email is confirmed. A NIK with an account gets the code at
its registered email, whatever address the request contains.

Codes are 6 random digits, valid for 10 minutes and for one session. Each
code allows 5 tries. Each NIK may request 3 codes per 15 minutes and each
client address 20 per hour, unless the settings change these limits. The
counters are attempt records in the identity database, one insert per
attempt, because inserts are atomic on FerretDB and its updates are not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from services.intake.forms.common import EMAIL_PATTERN
from services.intake.forms.fields import AreaLookup, check_name, check_nik
from services.intake.repository import ResidentRepository
from shared.auth import IdentityStore, OpenedSession, SessionKind
from shared.database import Document
from shared.errors import ServiceError
from shared.events import Envelope, EventType, SignInCodeRequested, new_event

log = structlog.get_logger()

SOURCE = "/dompak/intake"
CODE_LIFETIME = timedelta(minutes=10)
TRIES_PER_CODE = 5
NIK_WINDOW = timedelta(minutes=15)
CLIENT_WINDOW = timedelta(hours=1)
# Requests older than this are deleted when a new one is made.
REQUEST_RETENTION = timedelta(days=1)
EMAIL = re.compile(EMAIL_PATTERN)
PHONE = re.compile(r"^\+?[0-9]{8,15}$")
CODE = re.compile(r"^[0-9]{6}$")
MAX_EMAIL_LENGTH = 254


class SignInError(ServiceError):
    """A sign-in failure with its message in English (API) and Indonesian (pages)."""

    def __init__(
        self,
        status_code: int,
        code: str,
        english: str,
        indonesian: str,
        **detail: Any,
    ) -> None:
        super().__init__(english, **detail)
        self.status_code = status_code
        self.code = code
        self.message_id = indonesian

    def text(self, lang: str) -> str:
        return self.message if lang == "en" else self.message_id


@dataclass(frozen=True)
class Registration:
    """Name and contact a NIK without an account registers with, once confirmed."""

    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class CodeRequest:
    """A sign-in request as the client may see it (never the code)."""

    request_id: str
    sent_to: str
    expires_at: datetime
    registering: bool


def mask_email(email: str) -> str:
    """Show the first letter and the domain only: w***@contoh.test."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def code_hash(request_id: str, code: str) -> str:
    # NOTE: a 6-digit code has a million values, so anyone who reads this hash
    # can find the code by hashing each of them. The hash keeps codes out of
    # plain sight, and their 10-minute life and single use protect them.
    return hashlib.sha256(f"{request_id}:{code}".encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class ResidentSignIn:
    """Requests, sends and confirms residents' one-time codes."""

    def __init__(
        self,
        repository: ResidentRepository,
        identity: IdentityStore,
        areas: AreaLookup,
        on_outbox_written: Callable[[], None],
        *,
        codes_per_nik: int = 3,
        codes_per_client: int = 20,
    ) -> None:
        self._codes_per_nik = codes_per_nik
        self._codes_per_client = codes_per_client
        self._repository = repository
        self._identity = identity
        self._areas = areas
        self._on_outbox_written = on_outbox_written

    async def request_code(
        self,
        nik: str,
        *,
        client: str,
        name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> CodeRequest:
        """Create a sign-in request and queue its code for sending.

        Raises SignInError `registration_required` when the NIK has no account
        and no name and email came with it.
        """
        nik = self.check_nik(nik)
        account = await self._repository.resident(nik)
        registration = None
        if account is None:
            # NOTE: nothing checks the NIK against the population register, so
            # the first person to confirm a registration owns an unregistered
            # NIK, and the response shows callers whether a NIK has an account.
            registration = self.check_registration(name, email, phone)
        await self._count_code_request(nik, client)

        now = datetime.now(UTC)
        await self._repository.delete_requests_before(now - REQUEST_RETENTION)
        request_id = secrets.token_urlsafe(16)
        code = new_code()
        contact = _contact(account, registration)
        document = {
            "_id": request_id,
            "nik": nik,
            **contact,
            "registering": registration is not None,
            "code_hash": code_hash(request_id, code),
            "code_number": 1,
            "expires_at": now + CODE_LIFETIME,
            "created_at": now,
        }
        event = self._code_event(document, code)
        await self._repository.sign_in_requests.insert(document, [event])
        self._on_outbox_written()
        log.info(
            "sign_in.code_requested",
            request_id=request_id,
            event_id=event.id,
            registering=document["registering"],
        )
        return _code_request(document)

    async def resend(self, request_id: str, *, client: str) -> CodeRequest:
        """Replace a request's code with a new one and send it (same limits)."""
        current = await self._open_request(request_id)
        await self._count_code_request(current["nik"], client)
        code = new_code()
        changes = {
            "code_hash": code_hash(request_id, code),
            "code_number": current["code_number"] + 1,
            "expires_at": datetime.now(UTC) + CODE_LIFETIME,
        }
        event = self._code_event({**current, **changes}, code)
        written = await self._repository.sign_in_requests.apply(
            current, changes, [event], on_written=self._on_outbox_written
        )
        log.info("sign_in.code_resent", request_id=request_id, event_id=event.id)
        return _code_request(written)

    async def pending(self, request_id: str) -> CodeRequest:
        """Return an unused, unexpired request; SignInError otherwise."""
        return _code_request(await self._open_request(request_id, check_expiry=True))

    async def confirm(self, request_id: str, code: str) -> OpenedSession:
        """Check the code, create the account of a registration, open a session."""
        code = code.strip()
        if not CODE.match(code):
            raise SignInError(
                422,
                "invalid_code",
                "the code is 6 digits; copy it from the latest message",
                "Kode terdiri dari 6 angka; salin dari pesan terakhir.",
                field="code",
            )

        current = await self._open_request(request_id, check_expiry=True)
        await self._count_try(current)
        expected = current["code_hash"]
        if not hmac.compare_digest(expected, code_hash(request_id, code)):
            log.info("sign_in.code_wrong", request_id=request_id)
            raise SignInError(
                422,
                "code_wrong",
                "the code is wrong; check the 6 digits in the latest message and "
                "try again, or ask for a new code",
                "Kode salah. Periksa 6 angka pada pesan terakhir lalu coba lagi, "
                "atau minta kode baru.",
            )
        if not await self._repository.mark_used(request_id, datetime.now(UTC)):
            raise _used_error()

        if current["registering"]:
            await self._register(current)
        opened = await self._identity.open_session(
            SessionKind.RESIDENT, current["nik"], name=current["name"]
        )
        log.info(
            "sign_in.confirmed",
            request_id=request_id,
            session_id=opened.principal.session_id,
            registered=current["registering"],
        )
        return opened

    async def _register(self, request: Document) -> None:
        now = datetime.now(UTC)
        resident = {
            "_id": request["nik"],
            "name": request["name"],
            "email": request["email"],
            "phone": request["phone"],
            "email_verified_at": now,
            "created_at": now,
        }
        if not await self._repository.insert_resident(resident):
            # Two people registered the same NIK at once; the first to confirm
            # owns it.
            log.warning("resident.registration_lost", request_id=request["_id"])
            raise SignInError(
                409,
                "already_registered",
                "this NIK was registered meanwhile with another email address; "
                "ask for a new code, which goes to that address, or visit the office",
                "NIK ini baru saja didaftarkan dengan alamat email lain. Minta kode "
                "baru (dikirim ke email itu) atau datang ke kantor Disdukcapil.",
            )
        log.info("resident.registered", request_id=request["_id"])

    async def _open_request(
        self, request_id: str, *, check_expiry: bool = False
    ) -> Document:
        current = None
        if 0 < len(request_id) <= 64:
            current = await self._repository.sign_in_request(request_id)
        if current is None:
            raise SignInError(
                404,
                "sign_in_request_not_found",
                "no sign-in request has this id; start again with your NIK",
                "Permintaan masuk tidak ditemukan. Mulai lagi dengan NIK Anda.",
            )
        if await self._repository.is_used(request_id):
            raise _used_error()
        if check_expiry and current["expires_at"] <= datetime.now(UTC):
            raise SignInError(
                410,
                "code_expired",
                "the code has expired (codes are valid for 10 minutes); ask for "
                "a new code",
                "Kode sudah kedaluwarsa (berlaku 10 menit). Minta kode baru.",
            )
        return current

    async def _count_try(self, request: Document) -> None:
        # Recorded before the comparison and counted after, so concurrent
        # tries cannot all slip under the limit.
        key = f"sign_in_code:{request['_id']}:{request['code_number']}"
        await self._identity.record_attempt(key)
        tries = await self._identity.count_attempts(key, CODE_LIFETIME)
        if tries > TRIES_PER_CODE:
            log.info("sign_in.code_locked", request_id=request["_id"])
            raise SignInError(
                429,
                "too_many_tries",
                f"this code was tried {TRIES_PER_CODE} times; ask for a new code",
                f"Kode ini sudah dicoba {TRIES_PER_CODE} kali. Minta kode baru.",
            )

    async def _count_code_request(self, nik: str, client: str) -> None:
        limits = (
            (
                f"sign_in_nik:{nik}",
                self._codes_per_nik,
                NIK_WINDOW,
                "this NIK",
                "NIK ini",
            ),
            (
                f"sign_in_client:{client}",
                self._codes_per_client,
                CLIENT_WINDOW,
                "this device's network address",
                "alamat jaringan perangkat ini",
            ),
        )
        for key, limit, window, english, indonesian in limits:
            # Checked first so a client past the limit adds no records, then
            # recorded and counted again so concurrent requests stay bounded.
            over = await self._identity.count_attempts(key, window) >= limit
            if not over:
                await self._identity.record_attempt(key)
                over = await self._identity.count_attempts(key, window) > limit
            if over:
                log.info("sign_in.code_request_limited", limit=key.split(":")[0])
                raise _limit_error(limit, window, english, indonesian)

    def _code_event(self, request: Document, code: str) -> Envelope:
        return new_event(
            source=SOURCE,
            event_type=EventType.SIGN_IN_CODE_REQUESTED,
            application_id=request["_id"],
            payload=SignInCodeRequested(
                nik=request["nik"],
                name=request["name"],
                email=request["email"],
                phone=request["phone"],
                code=code,
                expires_at=request["expires_at"],
            ),
        )

    def check_nik(self, nik: str) -> str:
        """Validate a NIK with the application forms' rules."""
        nik = nik.strip()
        try:
            check_nik(nik)
        except ValueError as error:
            raise SignInError(
                422,
                "invalid_nik",
                f"{error}",
                "NIK tidak valid: harus 16 angka dengan tanggal lahir yang benar, "
                "persis seperti tertera pada KTP-el atau KK.",
                field="nik",
            ) from None
        if not self._areas.region_exists(nik[:6]):
            raise SignInError(
                422,
                "invalid_nik",
                f"NIK {nik!r} starts with region {nik[:6]}, which is not a district "
                "code; check the first 6 digits against the card",
                f"NIK {nik} diawali kode wilayah {nik[:6]} yang tidak ada. Periksa 6 "
                "angka pertama pada kartu.",
                field="nik",
            )
        return nik

    def check_registration(
        self, name: str | None, email: str | None, phone: str | None
    ) -> Registration:
        """Validate the details a new account is registered with."""
        if not (name or "").strip() or not (email or "").strip():
            raise SignInError(
                422,
                "registration_required",
                "this NIK has no account yet; send your name and email address "
                "(and a phone number if you like) to register, and the code goes "
                "to that email",
                "NIK ini belum terdaftar. Isi nama dan alamat email (nomor HP "
                "boleh) untuk mendaftar; kode akan dikirim ke email itu.",
            )
        try:
            checked_name = check_name(name or "")
        except ValueError as error:
            raise SignInError(
                422,
                "invalid_name",
                str(error),
                "Nama tidak valid: tulis nama seperti pada KK, dengan huruf Latin, "
                "spasi, apostrof, tanda hubung dan titik saja.",
                field="name",
            ) from None
        checked_email = (email or "").strip()
        if len(checked_email) > MAX_EMAIL_LENGTH or not EMAIL.match(checked_email):
            raise SignInError(
                422,
                "invalid_email",
                f"{checked_email[:60]!r} is not an email address; give an address "
                "like nama@contoh.id",
                "Alamat email tidak valid. Tulis alamat seperti nama@contoh.id.",
                field="email",
            )
        checked_phone = (phone or "").strip().replace(" ", "").replace("-", "")
        if checked_phone and not PHONE.match(checked_phone):
            raise SignInError(
                422,
                "invalid_phone",
                f"{checked_phone[:30]!r} is not a phone number; use 8 to 15 digits, "
                "optionally starting with +, for example +6281234567890",
                "Nomor HP tidak valid. Tulis 8 sampai 15 angka, boleh diawali +, "
                "misalnya 081234567890.",
                field="phone",
            )
        return Registration(checked_name, checked_email, checked_phone or None)


def _contact(account: Document | None, registration: Registration | None) -> Document:
    if account is not None:
        return {
            "name": account["name"],
            "email": account["email"],
            "phone": account.get("phone"),
        }
    assert registration is not None
    return {
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
    }


def _code_request(document: Document) -> CodeRequest:
    return CodeRequest(
        request_id=document["_id"],
        sent_to=mask_email(document["email"]),
        expires_at=document["expires_at"],
        registering=document["registering"],
    )


def _used_error() -> SignInError:
    return SignInError(
        409,
        "code_used",
        "this code has been used already; sign in again with your NIK",
        "Kode ini sudah dipakai. Masuk lagi dengan NIK Anda.",
    )


def _limit_error(
    limit: int, window: timedelta, english: str, indonesian: str
) -> SignInError:
    minutes = int(window.total_seconds() // 60)
    return SignInError(
        429,
        "too_many_codes",
        f"{english} asked for {limit} codes in the last {minutes} minutes; wait "
        "and try again later",
        f"Terlalu banyak permintaan kode untuk {indonesian} ({limit} dalam "
        f"{minutes} menit). Tunggu sebentar lalu coba lagi.",
    )
