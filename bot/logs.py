"""Structured (JSON lines) logs that never show the bot token, nor what people typed: at any
level, no phone, e-mail or answer. The bot's own lines name ids and outcomes only; the libraries
that would print data (SQLAlchemy's statements with their parameters and rows, aiosqlite's calls
with their arguments, aiogram's events) are held at WARNING whatever LOG_LEVEL says."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# The update being handled (set by the update middleware): every line logged meanwhile names it.
current_update: ContextVar[int | None] = ContextVar("current_update", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        update_id = current_update.get()
        if update_id is not None:
            entry["update_id"] = update_id
        entry.update({k: v for k, v in vars(record).items() if k not in RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Loggers whose DEBUG and INFO lines hold people's data (SQL parameters, rows, call arguments).
DATA_LOGGERS = ("sqlalchemy", "aiosqlite", "asyncpg", "aiogram.event")


class RedactingHandler(logging.StreamHandler):
    """Replaces secrets in the finished line: message, extras and tracebacks alike."""

    def __init__(self, secrets: list[str], stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def setup_logging(level: str, secrets: list[str], stream: TextIO | None = None) -> None:
    handler = RedactingHandler(secrets, stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in DATA_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
