"""ObjectStore against the real S3 server."""

from __future__ import annotations

import hashlib

import pytest

from shared.storage import IntegrityError, ObjectNotFoundError, ObjectStore

pytestmark = pytest.mark.integration

SCAN = b"%PDF-1.7 synthetic birth letter of Tiur Sitanggang\n" * 64


async def test_storage_round_trip_returns_same_bytes(
    scratch_bucket: ObjectStore,
) -> None:
    stored = await scratch_bucket.put(
        "intake/app-0001/letter.pdf", SCAN, "application/pdf"
    )

    data = await scratch_bucket.get(stored.key, expected_sha256=stored.sha256)

    assert data == SCAN
    assert stored.sha256 == hashlib.sha256(SCAN).hexdigest()
    assert stored.size == len(SCAN)
    assert stored.bucket == scratch_bucket.bucket
    assert stored.content_type == "application/pdf"


async def test_storage_get_rejects_wrong_digest(scratch_bucket: ObjectStore) -> None:
    stored = await scratch_bucket.put(
        "intake/app-0002/letter.pdf", SCAN, "application/pdf"
    )
    wrong = hashlib.sha256(SCAN + b"tampered").hexdigest()

    with pytest.raises(IntegrityError, match=stored.sha256):
        await scratch_bucket.get(stored.key, expected_sha256=wrong)


async def test_storage_get_missing_key_raises_not_found(
    scratch_bucket: ObjectStore,
) -> None:
    with pytest.raises(ObjectNotFoundError, match=r"intake/absent\.pdf"):
        await scratch_bucket.get("intake/absent.pdf")


async def test_storage_delete_removes_object(scratch_bucket: ObjectStore) -> None:
    stored = await scratch_bucket.put(
        "intake/app-0003/letter.pdf", SCAN, "application/pdf"
    )

    await scratch_bucket.delete(stored.key)
    await scratch_bucket.delete(stored.key)

    with pytest.raises(ObjectNotFoundError):
        await scratch_bucket.get(stored.key)
