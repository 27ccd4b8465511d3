"""Block Kit as HTML, the way Slack lays it out: headers, sections, fields, context, buttons,
images, dividers, inputs and rich text. Every text goes through ``mrkdwn`` or ``plain_html``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from devkit.transcript.model import JSON
from devkit.transcript.mrkdwn import Names, link_html, mrkdwn_html, plain_html
from devkit.transcript.rich_text import rich_text_html

ImageSource = Callable[[JSON], str | None]
"""The ``src`` to show an image element or block with (a data URI), or None when offline."""


@dataclass(frozen=True)
class Context:
    """What rendering needs besides the blocks: names for ids and image data."""

    names: Names
    image_src: ImageSource


def blocks_html(blocks: Iterable[JSON], ctx: Context) -> str:
    """A list of blocks as HTML."""
    return "".join(block_html(block, ctx) for block in blocks)


def block_html(block: JSON, ctx: Context) -> str:
    """One block as HTML (an unknown type is named, not dropped)."""
    kind = str(block.get("type", ""))
    render = _BLOCKS.get(kind)
    if render is None:
        return f'<div class="b-unknown">[{html.escape(kind or "block")}]</div>'
    return render(block, ctx)


def text_html(obj: JSON | None, ctx: Context) -> str:
    """A text object: mrkdwn formatted, plain_text escaped."""
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_html(text, ctx.names) if obj.get("type") == "mrkdwn" else plain_html(text)


def _header(block: JSON, ctx: Context) -> str:
    return f'<div class="b-header">{text_html(block.get("text"), ctx)}</div>'


def _section(block: JSON, ctx: Context) -> str:
    parts = []
    if block.get("text"):
        parts.append(f'<div class="b-text">{text_html(block["text"], ctx)}</div>')
    if block.get("fields"):
        fields = "".join(f"<div>{text_html(f, ctx)}</div>" for f in block["fields"])
        parts.append(f'<div class="b-fields">{fields}</div>')
    body = f'<div class="b-main">{"".join(parts)}</div>'
    accessory = block.get("accessory")
    side = f'<div class="b-accessory">{element_html(accessory, ctx)}</div>' if accessory else ""
    return f'<div class="b-section">{body}{side}</div>'


def _divider(block: JSON, ctx: Context) -> str:
    return '<hr class="b-divider">'


def _context(block: JSON, ctx: Context) -> str:
    items = []
    for element in block.get("elements", []):
        if element.get("type") == "image":
            items.append(_img(element, ctx, "b-context-img"))
        else:
            items.append(f"<span>{text_html(element, ctx)}</span>")
    return f'<div class="b-context">{"".join(items)}</div>'


def _actions(block: JSON, ctx: Context) -> str:
    items = "".join(element_html(e, ctx) for e in block.get("elements", []))
    return f'<div class="b-actions">{items}</div>'


def _image(block: JSON, ctx: Context) -> str:
    title = block.get("title")
    caption = f'<div class="b-image-title">{text_html(title, ctx)}</div>' if title else ""
    return f'<figure class="b-image">{caption}{_img(block, ctx, "b-img")}</figure>'


def _input(block: JSON, ctx: Context) -> str:
    label = text_html(block.get("label"), ctx)
    optional = ' <span class="b-optional">(optional)</span>' if block.get("optional") else ""
    hint = block.get("hint")
    hint_html = f'<div class="b-hint">{text_html(hint, ctx)}</div>' if hint else ""
    field = element_html(block.get("element") or {}, ctx)
    return f'<div class="b-input"><label>{label}{optional}</label>{field}{hint_html}</div>'


def _rich_text(block: JSON, ctx: Context) -> str:
    return f'<div class="b-rich">{rich_text_html(block, ctx.names)}</div>'


def _file(block: JSON, ctx: Context) -> str:
    return f'<div class="b-file">📎 file {html.escape(str(block.get("external_id", "")))}</div>'


def element_html(element: JSON, ctx: Context) -> str:
    """An interactive or image element: buttons, selects, pickers, inputs, images."""
    kind = str(element.get("type", ""))
    if kind == "button":
        style = str(element.get("style", ""))
        css = f"btn btn-{style}" if style in {"primary", "danger"} else "btn"
        label = text_html(element.get("text"), ctx)
        if element.get("url"):
            return f'<span class="{css}">{link_html(str(element["url"]), _strip(label))}</span>'
        return f'<span class="{css}">{label}</span>'
    if kind == "image":
        return _img(element, ctx, "b-thumb")
    if kind == "overflow":
        return '<span class="btn btn-overflow">⋯</span>'
    if kind in {"static_select", "external_select", "users_select", "conversations_select"}:
        chosen = (element.get("initial_option") or {}).get("text") or element.get("placeholder")
        shown = text_html(chosen, ctx) if chosen else "Select…"
        return f'<span class="select">{shown} ▾</span>'
    if kind in {"checkboxes", "radio_buttons"}:
        return _choices(element, ctx)
    if kind in {"plain_text_input", "number_input", "email_text_input", "url_text_input"}:
        value = element.get("initial_value")
        shown = plain_html(str(value)) if value else text_html(element.get("placeholder"), ctx)
        return f'<span class="text-input">{shown}</span>'
    if kind in {"datepicker", "timepicker"}:
        value = element.get("initial_date") or element.get("initial_time") or "—"
        return f'<span class="select">📅 {plain_html(str(value))}</span>'
    return f'<span class="b-unknown">[{html.escape(kind or "element")}]</span>'


def _choices(element: JSON, ctx: Context) -> str:
    chosen = {str(o.get("value")) for o in element.get("initial_options", [])}
    if element.get("initial_option"):
        chosen.add(str(element["initial_option"].get("value")))
    boxes = []
    for option in element.get("options", []):
        mark = "☑" if str(option.get("value")) in chosen else "☐"
        boxes.append(f'<span class="choice">{mark} {text_html(option.get("text"), ctx)}</span>')
    return "".join(boxes)


def _img(element: JSON, ctx: Context, css: str) -> str:
    alt = html.escape(str(element.get("alt_text", "")), quote=True)
    src = ctx.image_src(element)
    if src is None:
        return f'<span class="{css} img-missing" title="{alt}">🖼 {alt or "image"}</span>'
    return f'<img class="{css}" src="{html.escape(src, quote=True)}" alt="{alt}">'


def _strip(label_html: str) -> str:
    return html.unescape(label_html)


_BLOCKS: dict[str, Callable[[JSON, Context], str]] = {
    "header": _header,
    "section": _section,
    "divider": _divider,
    "context": _context,
    "actions": _actions,
    "image": _image,
    "input": _input,
    "rich_text": _rich_text,
    "file": _file,
}
