"""Errors a person can act on: each carries a message fit to show them as it is."""

from __future__ import annotations


class GoalbotError(Exception):
    """Base for errors whose message is safe and useful to show the person who caused them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(GoalbotError):
    """A goal, person, unit or CSF that does not exist in this workspace."""


class PermissionDenied(GoalbotError):
    """The actor may not make this change; the message says who can."""


class InvalidInput(GoalbotError):
    """A value that cannot be accepted; ``field`` names the input it came from."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
