"""Acting on what the bot showed: buttons found by label, modal inputs filled by label."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any

JSON = dict[str, Any]


class NotShown(LookupError):
    """The person looked for a button or input the bot never showed them."""


def _text(obj: Mapping[str, Any] | None) -> str:
    return str((obj or {}).get("text", ""))


def _words(text: str) -> str:
    """A label as a person reads it: without leading emoji or punctuation, any case."""
    start = next((i for i, char in enumerate(text) if char.isalnum()), len(text))
    return text[start:].strip().lower()


def find_button(blocks: Iterable[JSON], label: str) -> tuple[JSON, JSON]:
    """The (block, button) whose visible text is ``label`` (case-insensitive, emoji aside)."""
    wanted = _words(label)
    seen = []
    for block in blocks:
        elements = list(block.get("elements", []))
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("type") == "button":
                seen.append(_text(element.get("text")))
                if _words(_text(element.get("text"))) == wanted:
                    return block, element
    raise NotShown(f"no button labelled {label!r}; the buttons shown were {seen}")


def fill_view(view: JSON, answers: Mapping[str, Any]) -> JSON:
    """Slack's ``view.state.values`` for a modal, answering inputs by their label.

    A label shown on several inputs answers the first; use the block id for the others.
    Inputs not answered keep their initial value. A select is answered with an option's
    text or value; users_select with a user id; checkboxes with a list of option texts.
    """
    wanted = {label.strip().lower(): value for label, value in answers.items()}
    values: dict[str, JSON] = {}
    labels = []
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        label = _text(block.get("label")).strip().lower()
        labels.append(label)
        element = block["element"]
        answer = wanted.pop(block["block_id"].lower(), _UNSET)
        if answer is _UNSET:
            answer = wanted.pop(label, _UNSET)
        values[block["block_id"]] = {element["action_id"]: _state(element, answer)}
    if wanted:
        raise NotShown(f"no input labelled {sorted(wanted)}; the inputs were {labels}")
    return values


_UNSET: Any = object()


def _state(element: JSON, answer: Any) -> JSON:
    kind = element["type"]
    state: JSON = {"type": kind}
    if kind in {"plain_text_input", "number_input", "email_text_input", "url_text_input"}:
        state["value"] = element.get("initial_value") if answer is _UNSET else (str(answer) or None)
    elif kind in {"static_select", "radio_buttons"}:
        state["selected_option"] = (
            element.get("initial_option") if answer is _UNSET else _option(element, str(answer))
        )
    elif kind == "checkboxes":
        chosen = (
            element.get("initial_options", [])
            if answer is _UNSET
            else [_option(element, str(item)) for item in answer]
        )
        state["selected_options"] = chosen
    elif kind == "users_select":
        state["selected_user"] = element.get("initial_user") if answer is _UNSET else answer
    elif kind == "datepicker":
        state["selected_date"] = element.get("initial_date") if answer is _UNSET else answer
    elif kind == "timepicker":
        state["selected_time"] = element.get("initial_time") if answer is _UNSET else answer
    else:
        raise NotShown(f"the stand-in's people cannot fill a {kind} input yet")
    return state


def _option(element: JSON, answer: str) -> JSON:
    wanted = answer.strip().lower()
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    for option in options:
        if wanted in {_text(option.get("text")).strip().lower(), str(option.get("value")).lower()}:
            return dict(option)
    shown = [_text(option.get("text")) for option in options]
    raise NotShown(f"no option {answer!r}; the options were {shown}")


def describe_answers(view: JSON, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """``Label: answer`` for each input of a modal that `answers` fills (by label or block id),
    options shown by their text; inputs answered with nothing are left out."""
    wanted = {str(key).strip().lower(): value for key, value in answers.items()}
    lines = []
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        label = _text(block.get("label")).strip()
        key = next(
            (k for k in (str(block["block_id"]).lower(), label.lower()) if k in wanted), None
        )
        if key is None:
            continue
        shown = _shown(block["element"], wanted.pop(key))
        if shown:
            lines.append(f"{label}: {shown}")
    return tuple(lines)


def _shown(element: JSON, answer: Any) -> str:
    items = answer if isinstance(answer, list) else [answer]
    if element.get("type") in {"static_select", "radio_buttons", "checkboxes"}:
        with suppress(NotShown):
            items = [_text(_option(element, str(item)).get("text")) for item in items]
    return ", ".join(str(item) for item in items if str(item))
