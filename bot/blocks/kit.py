"""Small constructors for Block Kit dicts, each cutting its text to Slack's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.blocks.limits import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    CONTEXT_ELEMENTS,
    FIELD_TEXT,
    HEADER_TEXT,
    INPUT_LABEL,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_FIELDS,
    SECTION_TEXT,
    truncate,
)

Block = dict[str, Any]
CONTEXT_TEXT = 2000
PLACEHOLDER_TEXT = 150


def plain(text: str, limit: int = SECTION_TEXT) -> Block:
    """A plain_text object (emoji on), cut to ``limit``."""
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> Block:
    """A mrkdwn text object, cut to ``limit``."""
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    """A mrkdwn section (text cut to 3000)."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id is not None:
        block["block_id"] = block_id
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: Sequence[str]) -> Block:
    """A section of up to 10 mrkdwn fields (each cut to 2000)."""
    return {
        "type": "section",
        "fields": [mrkdwn(field, FIELD_TEXT) for field in fields[:SECTION_FIELDS]],
    }


def header(text: str) -> Block:
    """A header block (plain text cut to 150)."""
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def context(*texts: str) -> Block:
    """A context block of up to 10 mrkdwn texts."""
    elements = [mrkdwn(text, CONTEXT_TEXT) for text in texts[:CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": elements}


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def actions(block_id: str, elements: Sequence[Block]) -> Block:
    """An actions block of interactive elements."""
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def button(
    text: str, action_id: str, *, value: str | None = None, style: str | None = None
) -> Block:
    """A button; ``value`` must fit Slack's 2000 characters (it is data, so never cut)."""
    if value is not None and len(value) > BUTTON_VALUE:
        raise ValueError(f"button value has {len(value)} characters (> {BUTTON_VALUE})")
    element: Block = {"type": "button", "text": plain(text, BUTTON_TEXT), "action_id": action_id}
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def option(text: str, value: str) -> Block:
    """A select option (text cut to 75; ``value`` must fit 150, it is data)."""
    if len(value) > OPTION_VALUE:
        raise ValueError(f"option value has {len(value)} characters (> {OPTION_VALUE})")
    return {"text": plain(text, OPTION_TEXT), "value": value}


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    """An input block holding one element."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, INPUT_LABEL),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, INPUT_LABEL)
    return block


def with_placeholder(element: Block, placeholder: str | None) -> Block:
    """The element with a placeholder, when one is given."""
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_TEXT)
    return element


def and_more(count: int, hint: str = "") -> str:
    """``…and 12 more``, with a hint in parentheses when given."""
    return f"…and {count} more" + (f" ({hint})" if hint else "")


def more_factory(hint: str = "") -> Callable[[int], Block]:
    """For ``limits.fit``: makes the "…and N more" context block."""

    def make(count: int) -> Block:
        return context(and_more(count, hint))

    return make


def pack_lines(
    lines: Sequence[str], *, max_blocks: int, hint: str = "", max_lines: int | None = None
) -> list[Block]:
    """Lines packed into sections of at most 3000 characters: at most ``max_blocks`` blocks
    and ``max_lines`` lines; when lines are left out the last block says "…and N more"."""
    if max_blocks <= 0:
        return []
    shown = list(lines if max_lines is None else lines[:max_lines])
    chunks = _chunks(shown)
    if len(shown) == len(lines) and len(chunks) <= max_blocks:
        return [section("\n".join(chunk)) for chunk in chunks]
    kept = chunks[: max_blocks - 1]
    left_out = len(lines) - sum(len(chunk) for chunk in kept)
    return [*(section("\n".join(chunk)) for chunk in kept), context(and_more(left_out, hint))]


def _chunks(lines: Sequence[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    size = 0
    for line in (truncate(line, SECTION_TEXT) for line in lines):
        if chunks and size + 1 + len(line) <= SECTION_TEXT:
            chunks[-1].append(line)
            size += 1 + len(line)
        else:
            chunks.append([line])
            size = len(line)
    return chunks
