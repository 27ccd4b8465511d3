"""Logging set-up: one format (text, or JSON lines), one level, and Slack tokens never written.

``LOG_FORMAT=json`` writes one JSON object a line (python-json-logger): ``time``, ``level``,
``logger``, ``message``, and ``exc_info`` with the traceback when there is one, plus any
``extra`` fields. Tokens are masked twice over: :class:`RedactTokens` rewrites each record's
message, and the formatters mask what they add themselves (tracebacks, stack traces, extra
fields), so a token inside an exception's text is masked too.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

from pythonjsonlogger.json import JsonFormatter

TOKEN_PATTERN = re.compile(r"\b(xox[abposr]|xapp)-[0-9A-Za-z-]+")
# Libraries whose INFO lines are about their own machinery, not about goalbot's work.
QUIET_BELOW_DEBUG = ("alembic", "waitress.queue")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
JSON_FIELDS = ("asctime", "levelname", "name", "message")
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}

LogFormat = Literal["text", "json"]


def redact(text: str) -> str:
    """`text` with anything that looks like a Slack token masked."""
    return TOKEN_PATTERN.sub(r"\1-[redacted]", text)


class RedactTokens(logging.Filter):
    """Replace anything that looks like a Slack token in a record with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with tokens masked; never drop the record."""
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = redact(message)
            record.args = None
        return True


class RedactingTextFormatter(logging.Formatter):
    """The text format, with tokens masked in the whole line (traceback included)."""

    def format(self, record: logging.LogRecord) -> str:
        """The line as ``logging.Formatter`` writes it, tokens masked."""
        return redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """One JSON object a line, with tokens masked in every string it holds."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        """Mask tokens in every value (message, traceback, extra fields) before encoding."""
        return {
            key: _redacted(value) for key, value in super().process_log_record(log_data).items()
        }


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))  # what json would write for it: its text


def make_formatter(fmt: LogFormat = "text") -> logging.Formatter:
    """The formatter of `fmt`, masking tokens."""
    if fmt == "json":
        return RedactingJsonFormatter(
            list(JSON_FIELDS), datefmt=DATE_FORMAT, rename_fields=JSON_RENAMES
        )
    return RedactingTextFormatter(TEXT_FORMAT, DATE_FORMAT)


def configure_logging(level: str = "INFO", fmt: LogFormat = "text") -> None:
    """Log to stderr at the given level in the given format, with tokens redacted in every
    record."""
    handler = logging.StreamHandler()
    handler.setFormatter(make_formatter(fmt))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_BELOW_DEBUG:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
