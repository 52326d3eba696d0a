"""Errors the development stack launcher raises."""

from __future__ import annotations


class DevStackError(RuntimeError):
    """Base of every launcher error; each message states what to do next."""


class InstallError(DevStackError):
    """A server's program could not be found, downloaded or built."""


class StartError(DevStackError):
    """A server could not be started or did not become ready in time."""
