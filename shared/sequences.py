"""Gap-free serial numbers claimed through a unique index.

A serial is claimed by inserting a document that carries it, into a
collection with a unique index over (scope fields..., serial). The insert is
atomic on MongoDB and on FerretDB alike, so two concurrent claims of the same
serial cannot both succeed: the loser looks at the new maximum and tries the
next one. A unique `owner` field makes the claim idempotent: asking again for
the same owner returns the serial it already holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from shared.database import Collection, Document
from shared.errors import ConflictError

MAX_ATTEMPTS = 100


async def claim_serial(
    collection: Collection,
    *,
    scope: dict[str, Any],
    owner: dict[str, Any],
    build: Callable[[int], Document],
) -> Document:
    """Return the owner's claimed document, claiming the next serial if it has none.

    `build(serial)` makes the document to insert; it must contain the scope
    fields, the owner fields and `serial`.
    """
    for _ in range(MAX_ATTEMPTS):
        existing = await collection.find_one(owner)
        if existing is not None:
            return existing
        last = await collection.find_one(scope, sort=[("serial", DESCENDING)])
        serial = (last["serial"] if last else 0) + 1
        document = build(serial)
        try:
            await collection.insert_one(document)
        except DuplicateKeyError:
            continue
        return document
    raise ConflictError(
        f"could not claim a serial in {collection.name} for {owner} after "
        f"{MAX_ATTEMPTS} attempts under heavy concurrency; try again"
    )
