"""Messages and ephemeral messages, with Slack's thread bookkeeping."""

from __future__ import annotations

from devkit.standin.errors import SlackError
from devkit.standin.idgen import parse_ts
from devkit.standin.models import Ephemeral, Message


class MessageStore:
    """Every conversation's messages in ts order, plus the ephemerals (never in history)."""

    def __init__(self) -> None:
        self._by_channel: dict[str, dict[str, Message]] = {}
        self.ephemerals: list[Ephemeral] = []

    def add(self, msg: Message) -> Message:
        """Store a message; a reply is counted on its parent."""
        if msg.thread_ts is not None:
            parent = self.get(msg.channel, msg.thread_ts)
            if parent is None:
                raise SlackError("invalid_thread_ts")
            if parent.thread_ts is not None and parent.thread_ts != parent.ts:
                parent = self.require(msg.channel, parent.thread_ts)
            msg.thread_ts = parent.ts
            parent.thread_ts = parent.ts
            parent.replies.append(msg.ts)
        self._by_channel.setdefault(msg.channel, {})[msg.ts] = msg
        return msg

    def get(self, channel: str, ts: str) -> Message | None:
        """The message with this ts in this conversation, if any."""
        return self._by_channel.get(channel, {}).get(ts)

    def require(self, channel: str, ts: str) -> Message:
        """The message with this ts, else ``message_not_found``."""
        msg = self.get(channel, ts)
        if msg is None:
            raise SlackError("message_not_found")
        return msg

    def delete(self, channel: str, ts: str) -> Message:
        """Remove a message; removing a reply uncounts it on its parent."""
        msg = self.require(channel, ts)
        del self._by_channel[channel][ts]
        if msg.thread_ts and msg.thread_ts != msg.ts:
            parent = self.get(channel, msg.thread_ts)
            if parent is not None and ts in parent.replies:
                parent.replies.remove(ts)
        return msg

    def all(self, channel: str) -> list[Message]:
        """Every message in the conversation, oldest first, replies included."""
        return list(self._by_channel.get(channel, {}).values())

    def top_level(self, channel: str) -> list[Message]:
        """What conversations.history shows: parents, plain messages and broadcast replies."""
        return [m for m in self.all(channel) if is_top_level(m) or m.reply_broadcast]

    def replies(self, parent: Message) -> list[Message]:
        """The replies in a thread, oldest first."""
        found = (self.get(parent.channel, ts) for ts in parent.replies)
        return [m for m in found if m is not None]

    def thread(self, channel: str, ts: str) -> list[Message]:
        """A thread's parent followed by its replies (a reply's ts finds its thread)."""
        msg = self.get(channel, ts)
        if msg is None:
            raise SlackError("thread_not_found")
        if not is_top_level(msg) and msg.thread_ts is not None:
            msg = self.require(channel, msg.thread_ts)
        return [msg, *self.replies(msg)]


def is_top_level(msg: Message) -> bool:
    """Whether a message is not a thread reply."""
    return msg.thread_ts is None or msg.thread_ts == msg.ts


def in_window(ts: str, oldest: str | None, latest: str | None, inclusive: bool) -> bool:
    """Whether `ts` lies between `oldest` and `latest` as conversations.history reads them."""
    value = parse_ts(ts) or 0
    low = parse_ts(oldest) if oldest else None
    high = parse_ts(latest) if latest else None
    if low is not None and (value < low or (value == low and not inclusive)):
        return False
    return not (high is not None and (value > high or (value == high and not inclusive)))
