"""One conversation's timeline as HTML: messages (each edit shown when it happened), threads,
ephemeral messages, what people typed and what they clicked or submitted.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devkit.transcript.blocks import Context, blocks_html
from devkit.transcript.model import JSON, Conversation, Entry, Revision, StoredFile, Transcript
from devkit.transcript.mrkdwn import mrkdwn_html

_FILE_URL = re.compile(r"/files/(F[A-Z0-9]+)/")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$")


@dataclass(frozen=True)
class Shown:
    """An entry as shown at one instant: a message as first posted, or as last edited."""

    entry: Entry
    ts: str
    edits: int = 0  # for the edited version: how many times it was edited
    posted: str = ""  # for the edited version: when the message was first posted


def timeline(entries: tuple[Entry, ...]) -> list[Shown]:
    """Entries in time order; an edited message shows twice: as first posted, at its ts, and
    as last edited (with its thread), at the last edit's time."""
    items: list[Shown] = []
    for entry in entries:
        if not entry.revisions:
            items.append(Shown(entry, entry.ts))
            continue
        items.append(Shown(_version(entry, entry.revisions[0], replies=()), entry.ts))
        final = Revision(entry.text, entry.blocks, entry.attachments)
        edited = Shown(
            _version(entry, final, entry.replies),
            entry.revisions[-1].replaced_at,
            len(entry.revisions),
            entry.ts,
        )
        items.append(edited)
    return sorted(items, key=lambda item: _seconds(item.ts))


def _version(entry: Entry, version: Revision, replies: tuple[Entry, ...]) -> Entry:
    return replace(
        entry,
        text=version.text,
        blocks=version.blocks,
        attachments=version.attachments,
        revisions=(),
        replies=replies,
    )


class EntryRenderer:
    """Renders entries of one transcript, with times in one conversation's zone."""

    def __init__(self, transcript: Transcript, conversation: Conversation) -> None:
        self._t = transcript
        self._zone = _zone(conversation.tz)
        self._ctx = Context(names=self._name, image_src=self._image_src)

    def conversation_html(self, conversation: Conversation) -> str:
        """Every entry of the conversation, with a divider at each new local day."""
        parts: list[str] = []
        day = None
        for item in timeline(conversation.entries):
            when = self.local(item.ts)
            if when.date() != day:
                day = when.date()
                parts.append(f'<div class="day"><span>{when:%A, %d %B %Y}</span></div>')
            parts.append(self.item_html(item))
        return "".join(parts) or '<p class="empty">Nothing here yet.</p>'

    def item_html(self, item: Shown) -> str:
        """One timeline item."""
        entry = item.entry
        if entry.kind == "action":
            return self._action(entry, item.ts)
        body = self._body(entry)
        css = "msg ephemeral" if entry.kind == "ephemeral" else "msg"
        notes = ""
        if entry.kind == "ephemeral" and entry.visible_to:
            notes = f'<div class="only">👁 Only visible to {self._esc_name(entry.visible_to)}</div>'
        if item.edits:
            times = f" {item.edits} times" if item.edits > 1 else ""
            posted = f"{self.local(item.posted):%a %d %b %H:%M}"
            notes += f'<div class="edited-note">✎ the message of {posted}, edited{times}</div>'
        thread = self._thread(entry.replies)
        head = self._head(entry.user, item.ts, edited=bool(item.edits))
        avatar = self._avatar(entry.user)
        inner = f'<div class="msg-body">{notes}{head}{body}{thread}</div>'
        return f'<div class="{css}">{avatar}{inner}</div>'

    def local(self, ts: str) -> datetime:
        """A ts on the conversation's wall clock."""
        return datetime.fromtimestamp(_seconds(ts), UTC).astimezone(self._zone)

    def _body(self, entry: Entry) -> str:
        if entry.blocks:
            content = blocks_html(entry.blocks, self._ctx)
        else:
            content = f'<div class="b-text">{mrkdwn_html(entry.text, self._name)}</div>'
        content += "".join(self._attachment(a) for a in entry.attachments)
        content += "".join(self._file(f) for f in entry.files)
        return content

    def _thread(self, replies: tuple[Entry, ...]) -> str:
        if not replies:
            return ""
        count = f"{len(replies)} repl{'y' if len(replies) == 1 else 'ies'}"
        items = "".join(self.item_html(item) for item in timeline(replies))
        return f'<div class="thread"><div class="thread-count">🧵 {count}</div>{items}</div>'

    def _action(self, entry: Entry, ts: str) -> str:
        what = html.escape(entry.text)
        verbs = {
            "click": f"clicked <b>{what}</b>",
            "submit": f"submitted <b>{what}</b>",
            "command": f"used <code>{what}</code>",
            "home": "opened App Home",
        }
        doing = verbs.get(entry.action, what)
        details = "".join(f"<li>{html.escape(d)}</li>" for d in entry.details)
        listed = f"<ul>{details}</ul>" if details else ""
        time = f'<span class="time">{self.local(ts):%H:%M}</span>'
        name = self._esc_name(entry.user)
        return f'<div class="action">↳ <b>{name}</b> {doing} {time}{listed}</div>'

    def _head(self, user: str, ts: str, *, edited: bool) -> str:
        person = self._t.people.get(user)
        badge = ' <span class="app">APP</span>' if person and person.is_bot else ""
        stamp = self.local(ts)
        label = f"{stamp:%H:%M}" + (" (edited)" if edited else "")
        title = f"{stamp:%Y-%m-%d %H:%M %Z}"
        time = f'<span class="time" title="{title}">{label}</span>'
        return f'<div class="head"><b>{self._esc_name(user)}</b>{badge} {time}</div>'

    def _avatar(self, user: str) -> str:
        name = self._name(user)
        initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
        hue = int(hashlib.sha256(user.encode()).hexdigest()[:4], 16) % 360
        style = f"background:hsl({hue},55%,42%)"
        return f'<div class="avatar" style="{style}">{html.escape(initials)}</div>'

    def _attachment(self, attachment: JSON) -> str:
        color = str(attachment.get("color", "#dddddd"))
        color = color if re.fullmatch(r"#?[0-9A-Fa-f]{3,6}|good|warning|danger", color) else "#ddd"
        color = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}.get(color, color)
        color = color if color.startswith("#") else "#" + color
        inner = mrkdwn_html(str(attachment.get("text", "")), self._name)
        inner += blocks_html(attachment.get("blocks", []), self._ctx)
        return f'<div class="attachment" style="border-color:{color}">{inner}</div>'

    def _file(self, file: JSON) -> str:
        stored = self._t.files.get(str(file.get("id", "")))
        name = html.escape(str(file.get("title") or file.get("name") or "file"))
        if stored is not None and stored.mimetype.startswith("image/"):
            return f'<figure class="file"><img src="{_data_uri(stored)}" alt="{name}">' + (
                f"<figcaption>{name}</figcaption></figure>"
            )
        return f'<div class="file-chip">📎 {name}</div>'

    def _image_src(self, element: JSON) -> str | None:
        slack_file = element.get("slack_file") or {}
        file_id = str(slack_file.get("id", ""))
        url = str(element.get("image_url") or slack_file.get("url") or "")
        if _DATA_IMAGE.match(url):
            return url
        if not file_id and (match := _FILE_URL.search(url)):
            file_id = match[1]
        stored = self._t.files.get(file_id)
        return _data_uri(stored) if stored and stored.mimetype.startswith("image/") else None

    def _name(self, user_id: str) -> str:
        conversation = next((c for c in self._t.conversations if c.id == user_id), None)
        return conversation.title.lstrip("#") if conversation else self._t.name_of(user_id)

    def _esc_name(self, user_id: str) -> str:
        return html.escape(self._name(user_id))


def _data_uri(stored: StoredFile) -> str:
    encoded = base64.b64encode(stored.content).decode("ascii")
    return f"data:{stored.mimetype};base64,{encoded}"


def _seconds(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
