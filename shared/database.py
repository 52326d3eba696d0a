"""MongoDB-protocol client (PyMongo's asyncio API) and small helpers."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
Collection = AsyncCollection[Document]
Database = AsyncDatabase[Document]


def connect(url: str) -> AsyncMongoClient[Document]:
    """Create a client; it connects lazily on the first operation."""
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=10_000)


def database_name(service: str) -> str:
    """Return the database of one service: each service owns its own."""
    return f"dompak_{service}"
