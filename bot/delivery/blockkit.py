"""Slack's own Block Kit models (``slack_sdk``) asked whether they accept a block or a view.

``bot.blocks.limits`` checks what the models do not (blocks per message, unique ids, initial
values within ``max_length``...) and asks here for the rest, so that ``bot.blocks`` itself
never imports ``slack_sdk``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

_MODEL_ERRORS = (SlackObjectFormationError, TypeError, KeyError, ValueError, AttributeError)


class RejectedByModels(ValueError):
    """slack_sdk's models reject a block or view; the message says why."""


class UnknownBlockType(RejectedByModels):
    """A block of a type slack_sdk's models do not know."""


def validate_block(block: dict[str, Any]) -> None:
    """Raise RejectedByModels (UnknownBlockType for an unknown type) unless slack_sdk's models
    accept the block and render it back (``to_dict()`` checks most per-element limits)."""
    try:
        parsed = Block.parse(block)
        if parsed is None:
            raise UnknownBlockType(f"unknown block type {block.get('type')!r}")
        parsed.to_dict()
    except _MODEL_ERRORS as exc:
        if isinstance(exc, RejectedByModels):
            raise
        raise RejectedByModels(str(exc) or type(exc).__name__) from exc


def validate_view(view: Mapping[str, Any]) -> None:
    """Raise RejectedByModels unless slack_sdk's ``View`` model accepts this modal or Home tab."""
    try:
        View(**view).validate_json()
    except _MODEL_ERRORS as exc:
        raise RejectedByModels(str(exc)) from exc
