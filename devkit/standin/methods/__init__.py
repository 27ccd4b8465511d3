"""Every Web API method the stand-in serves, by name."""

from __future__ import annotations

from collections.abc import Callable

from devkit.standin.methods import auth_users, chat, conversations, files, views
from devkit.standin.models import JSON
from devkit.standin.request import Args
from devkit.standin.state import Workspace

Handler = Callable[[Workspace, Args], JSON]

METHODS: dict[str, Handler] = {
    "auth.test": auth_users.auth_test,
    "users.list": auth_users.users_list,
    "users.info": auth_users.users_info,
    "users.lookupByEmail": auth_users.users_lookup_by_email,
    "conversations.info": conversations.info,
    "conversations.open": conversations.open_,
    "conversations.members": conversations.members,
    "conversations.history": conversations.history,
    "conversations.replies": conversations.replies,
    "chat.postMessage": chat.post_message,
    "chat.update": chat.update,
    "chat.delete": chat.delete,
    "chat.postEphemeral": chat.post_ephemeral,
    "chat.getPermalink": chat.get_permalink,
    "views.open": views.open_,
    "views.push": views.push,
    "views.update": views.update,
    "views.publish": views.publish,
    "files.getUploadURLExternal": files.get_upload_url,
    "files.completeUploadExternal": files.complete_upload,
}
