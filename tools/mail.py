"""Read the local mail server's Maildir: the sign-in codes notify sends.

Only for local deployments, demos and tests: production mail goes to the
residents' own mailboxes.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

CODE = re.compile(r"\b(\d{6})\b")


def _messages(maildir: Path) -> list[tuple[float, EmailMessage]]:
    found = []
    for folder in ("new", "cur"):
        for path in (maildir / folder).glob("*"):
            try:
                raw = path.read_bytes()
                delivered = path.stat().st_mtime
            except FileNotFoundError:  # moved between listing and reading
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if isinstance(message, EmailMessage):
                found.append((delivered, message))
    return found


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if isinstance(body, EmailMessage) else ""


def wait_for_code(
    maildir: Path, address: str, *, after: float, timeout: float = 30.0
) -> str:
    """Return the six-digit code in the newest mail to `address` since `after`.

    `after` is a `time.time()` value taken before the code was requested.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        newest: tuple[float, str] | None = None
        for delivered, message in _messages(maildir):
            if delivered < after - 1 or address not in str(message.get("To", "")):
                continue
            found = CODE.search(text_of(message))
            if found and (newest is None or delivered > newest[0]):
                newest = (delivered, found.group(1))
        if newest is not None:
            return newest[1]
        time.sleep(0.3)
    raise TimeoutError(f"no sign-in code reached {address} within {timeout:.0f} s")
