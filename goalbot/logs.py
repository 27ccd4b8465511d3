"""Logging set-up: one format, one level, and Slack tokens never written out."""

from __future__ import annotations

import logging
import re

TOKEN_PATTERN = re.compile(r"\b(xox[abposr]|xapp)-[0-9A-Za-z-]+")
# Libraries whose INFO lines are about their own machinery, not about goalbot's work.
QUIET_BELOW_DEBUG = ("alembic", "waitress.queue")


class RedactTokens(logging.Filter):
    """Replace anything that looks like a Slack token in a record with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with tokens masked; never drop the record."""
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = TOKEN_PATTERN.sub(r"\1-[redacted]", message)
            record.args = None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at the given level, with tokens redacted in every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    )
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_BELOW_DEBUG:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
