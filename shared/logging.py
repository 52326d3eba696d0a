"""structlog setup: console output locally, JSON lines in production."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(service: str, *, log_format: str, level: str) -> None:
    """Route structlog and stdlib logging through one renderer.

    Context bound with `structlog.contextvars.bind_contextvars` (request id,
    application id, event id) appears on every line logged while it is bound.
    """
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        # Tracebacks without local variables: locals hold request bodies,
        # NIKs and the head's signing passphrase, none of which may be logged.
        renderer = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(),
            exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False),
        )

    structlog.configure(
        processors=[
            *shared_processors,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(level.upper())
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared_processors, processor=renderer
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The broker clients log every connection step at INFO.
    for noisy in ("kafka", "aiokafka", "faust", "mode", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
