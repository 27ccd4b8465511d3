"""What a transcript shows: people, conversations and their messages, files and App Homes.

Plain values, so the renderer is a pure function; ``snapshot`` fills them from the Slack
stand-in. Message content (``text``, ``blocks``, ``attachments``) is kept as Slack sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
EntryKind = Literal["message", "ephemeral", "message_by_person", "action"]


@dataclass(frozen=True)
class Person:
    """A member of the workspace (or the bot)."""

    id: str
    name: str
    tz: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class Revision:
    """An earlier version of an edited message, shown until `replaced_at`."""

    text: str
    blocks: tuple[JSON, ...] = ()
    attachments: tuple[JSON, ...] = ()
    replaced_at: str = ""


@dataclass(frozen=True)
class Entry:
    """One thing in a conversation, ordered by ``ts``.

    ``message``: posted by the bot or a person; ``ephemeral``: seen by ``visible_to`` only;
    ``message_by_person``: what someone typed; ``action``: a click, command or form submission
    (``action`` says which, ``text`` on what, ``details`` what was entered).
    """

    ts: str
    user: str
    kind: EntryKind = "message"
    text: str = ""
    blocks: tuple[JSON, ...] = ()
    attachments: tuple[JSON, ...] = ()
    files: tuple[JSON, ...] = ()
    replies: tuple[Entry, ...] = ()
    revisions: tuple[Revision, ...] = ()
    details: tuple[str, ...] = ()
    action: str = ""  # for actions: click, submit, command or home
    visible_to: str | None = None


@dataclass(frozen=True)
class Conversation:
    """A channel or the bot's DM with a person; times in it are shown in ``tz``."""

    id: str
    title: str
    kind: Literal["channel", "dm"]
    entries: tuple[Entry, ...]
    tz: str = "UTC"
    topic: str = ""


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file's bytes, to inline images as data URIs."""

    id: str
    name: str
    mimetype: str
    content: bytes
    title: str = ""


@dataclass(frozen=True)
class Home:
    """The App Home last published for a person."""

    user: str
    blocks: tuple[JSON, ...]


@dataclass(frozen=True)
class Transcript:
    """Everything one page shows."""

    title: str
    workspace: str
    people: dict[str, Person]
    conversations: tuple[Conversation, ...]
    files: dict[str, StoredFile] = field(default_factory=dict)
    homes: tuple[Home, ...] = ()
    summary: tuple[str, ...] = ()  # lines shown at the top, e.g. what the demo did

    def name_of(self, user_id: str) -> str:
        """The display name of a user id (the id itself when unknown)."""
        person = self.people.get(user_id)
        return person.name if person else user_id
