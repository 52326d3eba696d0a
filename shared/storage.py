"""Object storage through the minio SDK against any S3 server.

The minio SDK is synchronous, so every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass

from minio import Minio
from minio.error import S3Error


@dataclass(frozen=True)
class StoredObject:
    """Location of a stored object and the SHA-256 of its bytes."""

    bucket: str
    key: str
    sha256: str
    size: int
    content_type: str


class ObjectNotFoundError(LookupError):
    """The requested object key does not exist in the bucket."""


class IntegrityError(ValueError):
    """The stored bytes do not match the SHA-256 recorded for them."""


class ObjectStore:
    """One bucket of an S3 server."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
    ) -> None:
        self._client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure
        )
        self.bucket = bucket

    async def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist yet."""

        def create() -> None:
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as error:
                    # Another replica may have created it in between.
                    if error.code not in {"BucketAlreadyOwnedByYou", "BucketExists"}:
                        raise

        await asyncio.to_thread(create)

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store bytes under a key and return its SHA-256 digest."""
        digest = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(
            self._client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            metadata={"sha256": digest},
        )
        return StoredObject(self.bucket, key, digest, len(data), content_type)

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        """Read an object; with `expected_sha256`, check its digest too."""

        def read() -> bytes:
            try:
                response = self._client.get_object(self.bucket, key)
            except S3Error as error:
                if error.code == "NoSuchKey":
                    raise ObjectNotFoundError(
                        f"object {key!r} not found in bucket {self.bucket!r}"
                    ) from error
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        data = await asyncio.to_thread(read)
        if expected_sha256 is not None:
            actual = hashlib.sha256(data).hexdigest()
            if actual != expected_sha256:
                raise IntegrityError(
                    f"object {key!r} has SHA-256 {actual}, expected {expected_sha256}"
                )
        return data

    async def delete(self, key: str) -> None:
        """Remove an object; a missing key is not an error."""
        await asyncio.to_thread(self._client.remove_object, self.bucket, key)
