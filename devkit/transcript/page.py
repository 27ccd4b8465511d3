"""The transcript as one self-contained HTML page: a sidebar of conversations, then each one."""

from __future__ import annotations

import html

from devkit.transcript.blocks import Context, blocks_html
from devkit.transcript.entries import EntryRenderer
from devkit.transcript.model import Conversation, Home, Transcript
from devkit.transcript.style import CSS


def render_transcript(transcript: Transcript) -> str:
    """The whole page: no scripts, no external resources, every text escaped."""
    channels = [c for c in transcript.conversations if c.kind == "channel"]
    dms = [c for c in transcript.conversations if c.kind == "dm"]
    title = html.escape(transcript.title)
    sections = "".join(_conversation(transcript, c) for c in (*channels, *dms))
    sections += _homes(transcript)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        f"{_header(transcript)}"
        f'<div class="layout">{_nav(transcript, channels, dms)}<main>{sections}</main></div>'
        "</body></html>\n"
    )


def _header(transcript: Transcript) -> str:
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in transcript.summary)
    summary = f"<ul>{lines}</ul>" if lines else ""
    workspace = html.escape(transcript.workspace)
    return (
        f'<header class="top"><h1>{html.escape(transcript.title)}</h1>'
        f"<p>{workspace}</p>{summary}</header>"
    )


def _nav(transcript: Transcript, channels: list[Conversation], dms: list[Conversation]) -> str:
    def links(conversations: list[Conversation]) -> str:
        return "".join(
            f'<a href="#{_anchor(c)}">{html.escape(_label(c))}'
            f'<span class="count">{len(c.entries)}</span></a>'
            for c in conversations
        )

    parts = [f"<h2>Channels</h2>{links(channels)}" if channels else ""]
    parts.append(f"<h2>Direct messages</h2>{links(dms)}" if dms else "")
    if transcript.homes:
        parts.append('<h2>App Home</h2><a href="#app-home">What people see</a>')
    return f"<nav>{''.join(parts)}</nav>"


def _conversation(transcript: Transcript, conversation: Conversation) -> str:
    renderer = EntryRenderer(transcript, conversation)
    topic = f'<div class="topic">{html.escape(conversation.topic)}</div>'
    return (
        f'<section class="conv" id="{_anchor(conversation)}">'
        f"<h2>{html.escape(_label(conversation))}</h2>{topic}"
        f"{renderer.conversation_html(conversation)}</section>"
    )


def _homes(transcript: Transcript) -> str:
    if not transcript.homes:
        return ""
    ctx = Context(names=transcript.name_of, image_src=lambda element: None)
    parts = [_home(transcript, home, ctx) for home in transcript.homes]
    return f'<section class="conv" id="app-home"><h2>App Home</h2>{"".join(parts)}</section>'


def _home(transcript: Transcript, home: Home, ctx: Context) -> str:
    name = html.escape(transcript.name_of(home.user))
    return f"<h3>{name}'s Home</h3>{blocks_html(home.blocks, ctx)}"


def _label(conversation: Conversation) -> str:
    return conversation.title if conversation.kind == "dm" else "#" + conversation.title


def _anchor(conversation: Conversation) -> str:
    return "c-" + "".join(ch for ch in conversation.id if ch.isalnum())
