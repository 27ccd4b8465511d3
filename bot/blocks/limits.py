"""Slack's Block Kit limits, the helpers that keep builders inside them, and checks for tests.

``slack_sdk``'s models check most per-element limits in ``to_dict()`` (asked through
``bot.delivery.blockkit``); the checks here add what they do not: blocks per message or view,
unique block ids, unique action ids within a block, input initial values within
``max_length``, initial options among the options.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from bot.delivery.blockkit import RejectedByModels, UnknownBlockType, validate_block, validate_view

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
BUTTON_TEXT = 75
ACTION_ID = 255
BUTTON_VALUE = 2000
ACTIONS_ELEMENTS = 25
SELECT_OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
INPUT_LABEL = 2000
INPUT_MAX_LENGTH = 3000
ELLIPSIS = "…"

Block_ = dict[str, Any]


class BlockKitLimitError(ValueError):
    """A message or view Slack would reject; the message lists every problem found."""


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with "…" when cut (never mid-entity)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def fit(
    blocks: Sequence[Block_], limit: int, more_block_factory: Callable[[int], Block_]
) -> list[Block_]:
    """At most ``limit`` blocks; when cut, the last one is ``more_block_factory(omitted)``."""
    if len(blocks) <= limit:
        return list(blocks)
    if limit <= 0:
        return []
    kept = list(blocks[: limit - 1])
    return [*kept, more_block_factory(len(blocks) - len(kept))]


def check_message(blocks: Sequence[Block_], *, text: str | None = None) -> None:
    """Raise BlockKitLimitError unless Slack would accept these message blocks (and text)."""
    problems = _blocks_problems(blocks, MESSAGE_BLOCKS)
    if text is not None and not text.strip():
        problems.append("the text fallback is empty")
    if text is not None and len(text) > MESSAGE_TEXT:
        problems.append(f"the text fallback has {len(text)} characters (> {MESSAGE_TEXT})")
    _raise(problems)


def check_view(view: Mapping[str, Any]) -> None:
    """Raise BlockKitLimitError unless Slack would accept this modal or Home tab."""
    blocks = view.get("blocks") or []
    problems = _blocks_problems(blocks, VIEW_BLOCKS)
    if view.get("type") not in {"modal", "home"}:
        problems.append(f"view type {view.get('type')!r} is neither modal nor home")
    has_input = any(block.get("type") == "input" for block in blocks)
    if view.get("type") == "modal" and has_input and not view.get("submit"):
        problems.append("a modal with inputs needs a submit button")
    try:
        validate_view(view)
    except RejectedByModels as exc:
        problems.append(f"view: {exc}")
    _raise(problems)


def _raise(problems: list[str]) -> None:
    if problems:
        raise BlockKitLimitError("; ".join(problems))


def _blocks_problems(blocks: Sequence[Block_], limit: int) -> list[str]:
    problems = [] if len(blocks) <= limit else [f"{len(blocks)} blocks (> {limit})"]
    for index, block in enumerate(blocks):
        problems.extend(f"block {index}: {problem}" for problem in _block_problems(block))
    block_ids = Counter(block["block_id"] for block in blocks if "block_id" in block)
    problems.extend(f"block_id {bid!r} used {n} times" for bid, n in block_ids.items() if n > 1)
    return problems


def _block_problems(block: Block_) -> Iterator[str]:
    try:
        validate_block(block)
    except UnknownBlockType as exc:
        yield str(exc)
        return
    except RejectedByModels as exc:
        yield str(exc)
    elements = _elements(block)
    action_ids = Counter(e["action_id"] for e in elements if "action_id" in e)
    yield from (f"action_id {aid!r} used {n} times" for aid, n in action_ids.items() if n > 1)
    if block.get("type") == "actions" and len(elements) > ACTIONS_ELEMENTS:
        yield f"{len(elements)} elements in an actions block (> {ACTIONS_ELEMENTS})"
    for element in elements:
        yield from _element_problems(element)


def _elements(block: Block_) -> list[Block_]:
    found = list(block.get("elements") or []) if block.get("type") == "actions" else []
    for key in ("element", "accessory"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def _element_problems(element: Block_) -> Iterator[str]:
    initial = element.get("initial_value")
    max_length = element.get("max_length", INPUT_MAX_LENGTH)
    if isinstance(initial, str) and len(initial) > max_length:
        yield f"initial_value has {len(initial)} characters (> max_length {max_length})"
    options = element.get("options") or []
    if len(options) > SELECT_OPTIONS:
        yield f"{len(options)} options (> {SELECT_OPTIONS})"
    chosen = element.get("initial_option")
    if chosen is not None and chosen not in options:
        yield f"initial_option {chosen.get('value')!r} is not one of the options"
    for option in element.get("initial_options") or []:
        if option not in options:
            yield f"initial option {option.get('value')!r} is not one of the options"
