"""Page wording of the errors the head meets at the approval desk.

The service words its errors in English for API clients, and the JSON API
keeps those messages. The desk's page routes reword, in the page's language,
the errors a head meets: a wrong or missing passphrase, signing paused, an
application assigned to or changed by someone else, and a draft that cannot
be printed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import Request

from services.signing.schemas import ApprovalStatus, BatchItemResult
from services.signing.service import DraftNotPrintableError, SigningService
from services.signing.settings import SigningSettings
from services.signing.signer import SigningPassphraseInvalid
from shared.errors import (
    ConflictError,
    NotFoundError,
    ServiceError,
    TooManyRequestsError,
    ValidationFailedError,
)
from shared.pages import language

log = structlog.get_logger()

Wording = tuple[str, str]

STATUS_WORDS: dict[str, Wording] = {
    ApprovalStatus.AWAITING_APPROVAL.value: (
        "masih menunggu persetujuan",
        "still awaiting approval",
    ),
    ApprovalStatus.SIGNED.value: ("sudah ditandatangani", "already signed"),
    ApprovalStatus.RETURNED.value: (
        "sudah dikembalikan ke operator",
        "already returned to the operator",
    ),
    ApprovalStatus.REJECTED.value: ("sudah ditolak", "already rejected"),
}
WRONG_PASSPHRASE: Wording = (
    "Frasa sandi tanda tangan salah. Ketik ulang dengan teliti; setelah "
    "beberapa kali salah, penandatanganan dijeda sementara.",
    "The signing passphrase is wrong. Type it again carefully; after several "
    "wrong tries, signing pauses for a while.",
)
MISSING_PASSPHRASE: Wording = (
    "Frasa sandi tanda tangan belum diisi. Ketik frasa sandi lalu tekan lagi.",
    "The signing passphrase is empty. Type it, then press the button again.",
)
LONG_PASSPHRASE: Wording = (
    "Frasa sandi lebih dari 200 karakter. Periksa apa yang diketik.",
    "The passphrase is longer than 200 characters. Check what was typed.",
)
REASON_LENGTH: Wording = (
    "Tulis alasan 3 sampai 500 karakter: apa yang harus diubah dan mengapa.",
    "Write a reason of 3 to 500 characters: what must change and why.",
)


def long_reason_wording(length: int, max_length: int) -> Wording:
    return (
        f"Alasan ini {length} karakter; persingkat menjadi paling banyak "
        f"{max_length} karakter.",
        f"The reason has {length} characters; shorten it to at most {max_length}.",
    )


NOTHING_SELECTED: Wording = (
    "Belum ada permohonan yang dipilih. Centang yang akan ditandatangani.",
    "No application is selected. Tick the ones to sign.",
)
CHANGED_MEANWHILE: Wording = (
    "Permohonan ini diubah orang lain saat Anda bekerja. Muat ulang halaman "
    "lalu coba lagi.",
    "Someone else changed this application while you worked on it. Reload the "
    "page and try again.",
)
NOT_IN_QUEUE: Wording = (
    "Permohonan ini tidak ada di antrian persetujuan; mungkin belum "
    "diverifikasi. Buka lagi dari antrian.",
    "This application is not in the approval queue; it may not be verified "
    "yet. Open it again from the queue.",
)
BATCH_ITEM_WORDS: dict[str, Wording] = {
    "conflict": (
        "sudah diproses atau diubah orang lain; muat ulang antrian",
        "already handled or changed by someone else; reload the queue",
    ),
    "validation_failed": (
        "draf tidak dapat dicetak; buka permohonan ini untuk melihat masalahnya "
        "dan kembalikan ke operator",
        "the draft cannot be printed; open this application to see the problem "
        "and return it to the operator",
    ),
    "not_found": (
        "tidak ada di antrian persetujuan",
        "not in the approval queue",
    ),
}
SERVER_FAULT: Wording = (
    "gagal karena kesalahan server yang tercatat di log; tanda tangani "
    "permohonan ini sendiri",
    "failed because of a server error, which is logged; sign this "
    "application on its own",
)


class DeskError(ServiceError):
    """A service error reworded for the page, keeping its status and code."""

    def __init__(self, source: ServiceError, message: str) -> None:
        super().__init__(message, **source.detail)
        self.status_code = source.status_code
        self.code = source.code


def worded(request: Request, wording: Wording) -> str:
    """Return the wording in the page's language."""
    return wording[1] if language(request) == "en" else wording[0]


def unknown_filter_wording(names: list[str], accepted: tuple[str, ...]) -> Wording:
    listed = ", ".join(repr(name) for name in names)
    return (
        f"Antrian tidak dapat disaring dengan {listed}; saring dengan "
        f"{', '.join(accepted)}.",
        f"The queue has no filter {listed}; filter by {', '.join(accepted)}.",
    )


def unknown_service_wording(service_code: str, codes: tuple[str, ...]) -> Wording:
    return (
        f"Layanan {service_code!r} tidak ada di katalog. Pilih salah satu dari "
        f"{', '.join(codes)}, atau kosongkan untuk semua layanan.",
        f"Service {service_code!r} is not in the catalogue. Choose one of "
        f"{', '.join(codes)}, or leave it empty for every service.",
    )


def unknown_division_wording(division: str, divisions: list[str]) -> Wording:
    return (
        f"Bidang {division!r} tidak ada. Pilih {' atau '.join(divisions)}, atau "
        "kosongkan untuk semua bidang.",
        f"Division {division!r} does not exist. Choose {' or '.join(divisions)}, "
        "or leave it empty for every division.",
    )


def paused_wording(settings: SigningSettings) -> Wording:
    count = settings.max_failed_passphrases
    minutes = max(settings.failed_passphrase_window_seconds // 60, 1)
    return (
        f"Penandatanganan dijeda: frasa sandi salah {count} kali dalam {minutes} "
        "menit. Tunggu beberapa menit sebelum mencoba lagi.",
        f"Signing is paused: the passphrase was wrong {count} times in {minutes} "
        "minutes. Wait a few minutes before trying again.",
    )


def draft_wording(error: DraftNotPrintableError) -> Wording:
    # The problem names draft fields and pydantic's checks, which are English.
    problem = str(error.detail.get("problem") or "")
    return (
        f"Draf permohonan ini tidak dapat dicetak ({problem}). Kembalikan ke "
        "operator dengan alasan ini.",
        f"The draft of this application cannot be printed ({problem}). Return "
        "it to the operator with this reason.",
    )


async def assignee_wording(
    service: SigningService, application_id: str | None, username: str
) -> Wording:
    name = username
    if application_id is not None:
        try:
            holder = (await service.get(application_id)).get("assignee")
        except NotFoundError:
            holder = None
        if holder is not None and holder["username"] == username:
            name = holder["name"]
    return (
        f"Permohonan ini sedang dikerjakan oleh {name}; hanya ia yang dapat "
        "melepasnya. Minta ia melepasnya dulu.",
        f"{name} is working on this application; only they can release it. "
        "Ask them to release it first.",
    )


def status_wording(status: str) -> Wording:
    words = STATUS_WORDS.get(status, (status, status))
    return (
        f"Permohonan ini {words[0]}, jadi tidak dapat diproses di sini lagi. Muat "
        "ulang halaman untuk melihat keadaannya.",
        f"This application is {words[1]}, so it cannot be handled here any "
        "more. Reload the page to see where it stands.",
    )


async def desk_wording(
    request: Request, error: ServiceError, application_id: str | None
) -> Wording | None:
    """Return the page wording of an error the head meets, or None for others."""
    service: SigningService = request.app.state.service
    settings: SigningSettings = request.app.state.settings
    if isinstance(error, SigningPassphraseInvalid):
        return WRONG_PASSPHRASE
    if isinstance(error, TooManyRequestsError):
        return paused_wording(settings)
    if isinstance(error, DraftNotPrintableError):
        return draft_wording(error)
    if isinstance(error, ConflictError):
        if "assignee" in error.detail:
            username = str(error.detail["assignee"])
            return await assignee_wording(service, application_id, username)
        if "status" in error.detail:
            return status_wording(str(error.detail["status"]))
        return CHANGED_MEANWHILE
    if isinstance(error, NotFoundError) and application_id is not None:
        return NOT_IN_QUEUE
    return None


@asynccontextmanager
async def desk_errors(
    request: Request, application_id: str | None = None
) -> AsyncIterator[None]:
    """Reword the errors the head meets in the page's language; others pass."""
    try:
        yield
    except ServiceError as error:
        wording = await desk_wording(request, error, application_id)
        if wording is None:
            raise
        log.info(
            "approval.page_action_rejected",
            application_id=application_id,
            code=error.code,
        )
        raise DeskError(error, worded(request, wording)) from error


def page_problem(request: Request, wording: Wording) -> ValidationFailedError:
    """Return a validation error of a page form, worded in the page's language."""
    return ValidationFailedError(worded(request, wording))


def batch_item_error(request: Request, item: BatchItemResult) -> str:
    """Word why one application of a batch was not signed."""
    wording = BATCH_ITEM_WORDS.get(item.error_code or "", SERVER_FAULT)
    return worded(request, wording)
