"""OAuth scopes: which bot scope each Web API method needs, and Slack's ``missing_scope``.

By default the stand-in grants every scope. ``SlackStandin.set_scopes`` /
``revoke_scope`` narrow what the token holds; a method whose scope is not held answers
``{"ok": false, "error": "missing_scope", "needed": …, "provided": …}`` as Slack does.
Only methods listed in ``METHOD_SCOPES`` are checked.
"""

from __future__ import annotations

from collections.abc import Collection

from devkit.standin.errors import SlackError

METHOD_SCOPES: dict[str, str] = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "users.list": "users:read",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}

DEFAULT_SCOPES: frozenset[str] = frozenset(
    {
        "channels:history",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "im:history",
        "users:read",
        "users:read.email",
    }
)
"""The bot scopes of goalbot's app manifest: what a token holds once scopes are narrowed."""


def missing_scope(method: str, granted: Collection[str] | None) -> SlackError | None:
    """The ``missing_scope`` error for a method the granted scopes do not cover (None: allowed;
    `granted` None: every scope is granted)."""
    needed = METHOD_SCOPES.get(method)
    if granted is None or needed is None or needed in granted:
        return None
    return SlackError("missing_scope", needed=needed, provided=",".join(sorted(granted)))
