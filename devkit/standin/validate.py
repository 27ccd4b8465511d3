"""Checks Slack makes on message content and views before accepting them."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View as SdkView

from devkit.standin.errors import SlackError
from devkit.standin.models import JSON

MAX_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_ATTACHMENTS = 100
MAX_VIEW_BYTES = 250 * 1024
_MODEL_ERRORS = (SlackObjectFormationError, TypeError, KeyError, ValueError, AttributeError)


def json_value(value: Any) -> Any:
    """A JSON argument as Slack reads it: form fields carry JSON text, JSON bodies objects."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def message_content(
    text: Any, blocks: Any, attachments: Any
) -> tuple[str, list[JSON] | None, list[JSON] | None]:
    """Validated text, blocks and attachments of a message (``no_text``, ``invalid_blocks``...)."""
    parsed_blocks = message_blocks(blocks) if blocks not in (None, "", []) else None
    parsed_attachments = message_attachments(attachments)
    text_str = "" if text is None else str(text)
    if not text_str and not parsed_blocks and not parsed_attachments:
        raise SlackError("no_text")
    if len(text_str) > MAX_TEXT:
        raise SlackError("msg_too_long")
    return text_str, parsed_blocks, parsed_attachments


def message_blocks(raw: Any) -> list[JSON]:
    """Blocks of a message, checked the way chat.postMessage checks them."""
    try:
        blocks = json_value(raw)
    except json.JSONDecodeError as exc:
        raise SlackError("invalid_blocks_format") from exc
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise _invalid_blocks(
            f"no more than {MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]"
        )
    for index, block in enumerate(blocks):
        problem = block_problem(block)
        if problem is not None:
            raise _invalid_blocks(f"{problem} [json-pointer:/blocks/{index}]")
    return blocks


def block_problem(block: Any) -> str | None:
    """Why slack_sdk's models reject a block, or None when they accept it."""
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return "must be an object with a type"
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return f"unknown block type {block['type']!r}"
        parsed.to_dict()
    except _MODEL_ERRORS as exc:
        return str(exc) or type(exc).__name__
    return None


def message_attachments(raw: Any) -> list[JSON] | None:
    """Legacy attachments, if any (``too_many_attachments`` above 100)."""
    if raw in (None, "", []):
        return None
    try:
        attachments = json_value(raw)
    except json.JSONDecodeError as exc:
        raise SlackError("invalid_attachments") from exc
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise SlackError("invalid_attachments")
    if len(attachments) > MAX_ATTACHMENTS:
        raise SlackError("too_many_attachments")
    return attachments


def metadata(raw: Any) -> JSON | None:
    """Message metadata: ``event_type`` and ``event_payload``, else ``invalid_metadata_format``."""
    if raw in (None, ""):
        return None
    try:
        value = json_value(raw)
    except json.JSONDecodeError as exc:
        raise SlackError("invalid_metadata_format") from exc
    if not isinstance(value, dict) or not isinstance(value.get("event_type"), str):
        raise SlackError("invalid_metadata_format")
    if not isinstance(value.get("event_payload", {}), dict):
        raise SlackError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": value.get("event_payload", {})}


def view(raw: Any, *, allowed: tuple[str, ...]) -> JSON:
    """A view checked as views.* check it (``invalid_arguments``, ``view_too_large``)."""
    try:
        body = json_value(raw)
    except json.JSONDecodeError as exc:
        raise _invalid_view("invalid json [json-pointer:/view]") from exc
    if not isinstance(body, dict):
        raise _invalid_view("must be an object [json-pointer:/view]")
    if len(json.dumps(body).encode()) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    if body.get("type") not in allowed:
        raise _invalid_view(f"type must be one of {list(allowed)} [json-pointer:/view/type]")
    blocks = body.get("blocks")
    if not isinstance(blocks, list):
        raise _invalid_view("blocks is required [json-pointer:/view/blocks]")
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise _invalid_view(
            f"no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]"
        )
    for index, block in enumerate(blocks):
        problem = block_problem(block)
        if problem is not None:
            raise _invalid_view(f"{problem} [json-pointer:/view/blocks/{index}]")
    _check_modal(body)
    return body


def _check_modal(body: JSON) -> None:
    if body["type"] == "modal" and not body.get("title"):
        raise _invalid_view("title is required for modals [json-pointer:/view/title]")
    has_input = any(b.get("type") == "input" for b in body["blocks"])
    if body["type"] == "modal" and has_input and not body.get("submit"):
        raise _invalid_view("submit is required when a modal has input blocks [json-pointer:/view]")
    try:
        SdkView(**body).to_dict()
    except _MODEL_ERRORS as exc:
        raise _invalid_view(f"{exc or type(exc).__name__} [json-pointer:/view]") from exc


def _invalid_blocks(problem: str) -> SlackError:
    return SlackError("invalid_blocks", messages=[f"[ERROR] {problem}"], errors=[problem])


def _invalid_view(problem: str) -> SlackError:
    return SlackError("invalid_arguments", messages=[f"[ERROR] {problem}"])
