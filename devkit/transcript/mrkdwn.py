"""Slack's mrkdwn as safe HTML: everything is escaped first, then formatted.

Handled: ``*bold*``, ``_italic_``, ``~strike~``, inline and fenced code, ``>`` quotes, line
breaks, ``<@U1>``/``<#C1|name>``/``<!here>`` references, ``<!date^…|fallback>``, links
(``http``, ``https`` and ``mailto`` only; anything else is shown as text) and a few emoji
short codes. Slack's own entities (``&amp;``, ``&lt;``, ``&gt;``) are read as the characters
they stand for and escaped again for HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

Names = Callable[[str], str]
"""Looks up a user's or channel's display name by id."""

_MARK = "\ue000"
_END = "\ue001"
_PRIVATE = re.compile("[\ue000-\ue0ff]")
_REF = re.compile(r"<([^<>\n]+)>")
_FENCE = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_SLOT = re.compile(_MARK + r"(\d+)" + _END)
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])"), "s"),
)
_SAFE_LINK = re.compile(r"^(https?://|mailto:)[^\s\"'<>]+$", re.IGNORECASE)
EMOJI = {
    "white_check_mark": "✅",
    "warning": "⚠️",
    "x": "❌",
    "tada": "🎉",
    "wave": "👋",
    "thumbsup": "👍",
    "+1": "👍",
    "memo": "📝",
    "chart_with_upwards_trend": "📈",
    "calendar": "📅",
    "rotating_light": "🚨",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "no_entry": "⛔",
}
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")


def mrkdwn_html(text: str, names: Names) -> str:
    """A mrkdwn string as HTML that cannot inject markup."""
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return f"{_MARK}{len(slots) - 1}{_END}"

    text = _PRIVATE.sub("", text)
    text = _FENCE.sub(lambda m: keep(f"<pre>{_plain(m[1].strip(chr(10)))}</pre>"), text)
    text = _CODE.sub(lambda m: keep(f"<code>{_plain(m[1])}</code>"), text)
    text = _REF.sub(lambda m: keep(reference_html(m[1], names)), text)
    out = _quotes(_plain(text))
    for pattern, tag in _STYLES:
        out = pattern.sub(rf"<{tag}>\1</{tag}>", out)
    out = _EMOJI.sub(lambda m: EMOJI.get(m[1], m[0]), out)
    out = out.replace("\n", "<br>")
    return _SLOT.sub(lambda m: slots[int(m[1])], out)


def plain_html(text: str) -> str:
    """plain_text as HTML: Slack entities read, then escaped; line breaks kept."""
    return _plain(_PRIVATE.sub("", text)).replace("\n", "<br>")


def reference_html(body: str, names: Names) -> str:
    """The inside of ``<…>``: a mention, a channel, a special mention, a date or a link."""
    target, _, label = body.partition("|")
    if target.startswith("@"):
        name = names(target[1:])
        return _chip("mention", "@" + (label if label and name == target[1:] else name))
    if target.startswith("#"):
        return _chip("mention", "#" + (label or names(target[1:])))
    if target.startswith("!date^"):
        return _plain(label or target)
    if target.startswith("!subteam^"):
        return _chip("mention", label or "@team")
    if target.startswith("!"):
        return _chip("mention", "@" + target[1:])
    return link_html(target, label or target)


def link_html(url: str, label: str) -> str:
    """A link when the URL is http(s) or mailto; otherwise just its label as text."""
    url = html.unescape(url)
    if not _SAFE_LINK.match(url):
        return _plain(label)
    return f'<a href="{html.escape(url, quote=True)}" rel="noopener">{_plain(label)}</a>'


def _chip(kind: str, text: str) -> str:
    return f'<span class="{kind}">{html.escape(html.unescape(text))}</span>'


def _plain(text: str) -> str:
    """Slack's entities decoded, then every HTML-special character escaped."""
    return html.escape(html.unescape(text), quote=True)


def _quotes(escaped: str) -> str:
    """Lines starting with ``>`` (already ``&gt;``) as blockquotes."""
    lines = escaped.split("\n")
    out: list[str] = []
    quoted: list[str] = []
    for line in lines:
        if line.startswith("&gt;"):
            quoted.append(line.removeprefix("&gt;").removeprefix(" "))
            continue
        if quoted:
            out.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
            quoted = []
        out.append(line)
    if quoted:
        out.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
    return "\n".join(out).replace("</blockquote>\n", "</blockquote>")
