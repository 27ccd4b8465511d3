"""Slack's ``rich_text`` blocks as HTML: sections, lists, preformatted text and quotes."""

from __future__ import annotations

import html
from typing import Any

from devkit.transcript.mrkdwn import EMOJI, Names, link_html

JSON = dict[str, Any]
_STYLE_TAGS = (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s"))


def rich_text_html(block: JSON, names: Names) -> str:
    """A rich_text block's elements as HTML."""
    return "".join(_part(element, names) for element in block.get("elements", []))


def _part(element: JSON, names: Names) -> str:
    kind = element.get("type")
    inline = _inline(element.get("elements", []), names)
    if kind == "rich_text_list":
        tag = "ol" if element.get("style") == "ordered" else "ul"
        items = "".join(f"<li>{_part(item, names)}</li>" for item in element.get("elements", []))
        return f"<{tag}>{items}</{tag}>"
    if kind == "rich_text_preformatted":
        return f"<pre>{inline}</pre>"
    if kind == "rich_text_quote":
        return f"<blockquote>{inline}</blockquote>"
    return f"<div>{inline}</div>"


def _inline(elements: list[JSON], names: Names) -> str:
    return "".join(_element(element, names) for element in elements)


def _element(element: JSON, names: Names) -> str:
    kind = element.get("type")
    if kind == "text":
        return _styled(html.escape(str(element.get("text", ""))), element.get("style") or {})
    if kind == "link":
        url = str(element.get("url", ""))
        return link_html(url, str(element.get("text") or url))
    if kind == "user":
        name = names(str(element.get("user_id", "")))
        return f'<span class="mention">@{html.escape(name)}</span>'
    if kind == "channel":
        name = names(str(element.get("channel_id", "")))
        return f'<span class="mention">#{html.escape(name)}</span>'
    if kind == "emoji":
        name = str(element.get("name", ""))
        return html.escape(EMOJI.get(name, f":{name}:"))
    if kind == "broadcast":
        return f'<span class="mention">@{html.escape(str(element.get("range", "here")))}</span>'
    return ""


def _styled(text: str, style: JSON) -> str:
    for key, tag in _STYLE_TAGS:
        if style.get(key):
            text = f"<{tag}>{text}</{tag}>"
    return text.replace("\n", "<br>")
