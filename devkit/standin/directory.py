"""Who and where: the workspace's users and conversations, and the bot's DMs."""

from __future__ import annotations

from collections.abc import Iterable

from devkit.standin.clock import StandinClock
from devkit.standin.errors import SlackError
from devkit.standin.idgen import IdMaker
from devkit.standin.models import Conversation, User


class Directory:
    """Users and conversations, looked up the way Slack looks them up for a bot token."""

    def __init__(self, ids: IdMaker, clock: StandinClock, bot: User) -> None:
        self._ids = ids
        self._clock = clock
        self.bot = bot
        self.users: dict[str, User] = {bot.id: bot}
        self.conversations: dict[str, Conversation] = {}
        self._dms: dict[str, str] = {}

    def add_user(
        self,
        *,
        user_id: str | None,
        name: str,
        real_name: str | None,
        email: str | None,
        tz: str | None,
        is_bot: bool,
        deleted: bool,
        is_admin: bool,
    ) -> User:
        """Add a member; the id is made up when not given."""
        uid = user_id or self._ids.new("U")
        if uid in self.users:
            raise ValueError(f"user {uid} already exists")
        user = User(uid, name, real_name or name, email, tz, is_bot, deleted, is_admin)
        self.users[uid] = user
        return user

    def add_channel(
        self,
        *,
        channel_id: str | None,
        name: str,
        members: Iterable[str],
        is_private: bool,
        bot_member: bool,
        archived: bool,
    ) -> Conversation:
        """Add a public or private channel with the given members."""
        if any(c.name == name and not c.is_im for c in self.conversations.values()):
            raise ValueError(f"a channel named {name!r} already exists")
        cid = channel_id or self._ids.new("C")
        conv = Conversation(cid, name, int(self._clock.time()), set(members), is_private)
        conv.is_archived = archived
        for uid in conv.members:
            self.user(uid)
        if bot_member:
            conv.members.add(self.bot.id)
        self.conversations[cid] = conv
        return conv

    def user(self, user_id: str) -> User:
        """The user with this id, else Slack's ``user_not_found``."""
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    def by_email(self, email: str) -> User | None:
        """The user with this email address (case-insensitive), if any."""
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if (u.email or "").lower() == wanted), None)

    def conversation(self, channel_id: str) -> Conversation:
        """A conversation the bot can see, else ``channel_not_found``."""
        conv = self.conversations.get(channel_id)
        if conv is None or ((conv.is_private or conv.is_mpim) and not self.is_member(conv)):
            raise SlackError("channel_not_found")
        return conv

    def is_member(self, conv: Conversation) -> bool:
        """Whether the bot belongs to the conversation (always true for its DMs)."""
        return conv.is_im or self.bot.id in conv.members

    def resolve(self, channel: str) -> Conversation:
        """What `channel` names: a conversation id, a user id (the bot's DM) or ``#name``."""
        if channel.startswith(("U", "W")) and channel in self.users:
            return self.dm(channel)
        if channel in self.conversations:
            return self.conversation(channel)
        name = channel.removeprefix("#")
        for conv in self.conversations.values():
            if not conv.is_im and conv.name == name:
                return self.conversation(conv.id)
        raise SlackError("channel_not_found")

    def dm(self, user_id: str) -> Conversation:
        """The bot's DM with a user, opened on first use."""
        self.user(user_id)
        existing = self._dms.get(user_id)
        if existing is not None:
            return self.conversations[existing]
        conv = Conversation(self._ids.new("D"), "", int(self._clock.time()), is_im=True)
        conv.members = {self.bot.id, user_id}
        conv.im_user = user_id
        self.conversations[conv.id] = conv
        self._dms[user_id] = conv.id
        return conv

    def has_dm(self, user_id: str) -> bool:
        """Whether the bot's DM with this user has been opened."""
        return user_id in self._dms

    def mpim(self, user_ids: list[str]) -> tuple[Conversation, bool]:
        """The group DM of the bot and these users, and whether it already existed."""
        members = {self.bot.id, *user_ids}
        for conv in self.conversations.values():
            if conv.is_mpim and conv.members == members:
                return conv, True
        names = "--".join(sorted(self.users[u].name for u in members))
        conv = Conversation(self._ids.new("G"), f"mpdm-{names}-1", int(self._clock.time()))
        conv.members, conv.is_mpim = members, True
        self.conversations[conv.id] = conv
        return conv, False
