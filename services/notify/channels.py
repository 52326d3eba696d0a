"""Delivery channels. Email goes out over SMTP; SMS and WhatsApp would be
further implementations of `MessageChannel`."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from typing import Protocol


class MessageChannel(Protocol):
    name: str

    async def send(self, address: str, subject: str, body: str) -> None:
        """Deliver one message or raise; the caller retries."""
        ...


class EmailChannel:
    """Plain-text email through an SMTP server."""

    name = "email"

    def __init__(self, *, host: str, port: int, sender: str, timeout: float) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._timeout = timeout

    async def send(self, address: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = address
        message["Subject"] = subject
        message.set_content(body)
        await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
            smtp.send_message(message)
