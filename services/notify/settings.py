"""Settings of the notify service (env prefix `DOMPAK_`)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    notify_port: int = 8005
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 19025
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "DOMPAK Disdukcapil <noreply@dompak.localhost>"
    office_name: str = "Disdukcapil Kabupaten Samosir"
    # Where residents follow their application; linked from every message.
    public_intake_url: str = "http://127.0.0.1:8001"
    # Unanswered chat messages older than this show as late in the staff list.
    chat_reply_standard_minutes: int = 60
