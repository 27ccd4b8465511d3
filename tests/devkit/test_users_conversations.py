"""users.* and conversations.*: pagination, lookups, DMs and their errors."""

from __future__ import annotations

from slack_sdk import WebClient

from devkit.standin import SlackStandin
from tests.devkit.helpers import error_of, slack_error


def test_users_list_pages_with_cursor_and_limit(client: WebClient, standin: SlackStandin) -> None:
    added = [standin.add_user(f"user{n}") for n in range(7)]
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = client.users_list(limit=3, cursor=cursor)
        seen += [m["id"] for m in page["members"]]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3  # seven members plus the bot, three at a time
    assert seen == [standin.bot_user_id, *added]


def test_slack_sdk_iterates_users_list_pages(client: WebClient, standin: SlackStandin) -> None:
    for n in range(4):
        standin.add_user(f"user{n}")
    # SlackResponse reuses itself for each page: read each page as it comes.
    sizes = [len(page["members"]) for page in client.users_list(limit=2)]
    assert sizes == [2, 2, 1]


def test_users_list_rejects_a_made_up_cursor(client: WebClient) -> None:
    assert error_of(lambda: client.users_list(cursor="bm9wZTpub3Bl")) == "invalid_cursor"


def test_users_info_reports_timezone_fields(client: WebClient, alice: str) -> None:
    user = client.users_info(user=alice)["user"]
    assert user["tz"] == "Europe/Paris"
    assert user["tz_label"] == "Central European Time"
    assert user["tz_offset"] == 3600  # January: no daylight saving
    assert user["profile"]["email"] == "alice@example.com"
    assert user["is_bot"] is False and user["deleted"] is False


def test_updated_users_show_their_new_timezone(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    standin.update_user(alice, tz="America/Los_Angeles")
    user = client.users_info(user=alice)["user"]
    assert (user["tz"], user["tz_label"], user["tz_offset"]) == (
        "America/Los_Angeles",
        "Pacific Standard Time",
        -8 * 3600,
    )


def test_users_info_of_an_unknown_user(client: WebClient) -> None:
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"


def test_lookup_by_email(client: WebClient, alice: str) -> None:
    assert client.users_lookupByEmail(email="ALICE@example.com")["user"]["id"] == alice
    missing = lambda: client.users_lookupByEmail(email="nobody@example.com")  # noqa: E731
    assert error_of(missing) == "users_not_found"


def test_missing_required_argument_is_invalid_arguments(client: WebClient) -> None:
    error = slack_error(lambda: client.api_call("users.lookupByEmail"))
    assert error.response["error"] == "invalid_arguments"
    assert "email" in error.response["response_metadata"]["messages"][0]


def test_conversations_open_returns_the_dm_the_bot_posts_to(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    opened = client.conversations_open(users=alice)
    dm = opened["channel"]["id"]
    assert dm == standin.dm_channel(alice)
    again = client.conversations_open(users=alice, return_im=True)
    assert again["already_open"] is True
    assert again["channel"]["user"] == alice
    assert client.chat_postMessage(channel=alice, text="hi")["channel"] == dm


def test_conversations_open_with_several_users_opens_a_group_dm(
    client: WebClient, standin: SlackStandin, alice: str, bob: str
) -> None:
    group = client.conversations_open(users=f"{alice},{bob}", return_im=True)["channel"]
    assert group["is_mpim"] is True
    client.chat_postMessage(channel=group["id"], text="hello both")
    assert [m["text"] for m in standin.messages(group["id"])] == ["hello both"]
    again = client.conversations_open(users=f"{bob},{alice}")
    assert again["channel"]["id"] == group["id"]


def test_conversations_open_errors(client: WebClient, standin: SlackStandin) -> None:
    gone = standin.add_user("gone", deleted=True)
    assert error_of(lambda: client.conversations_open(users="U404")) == "user_not_found"
    assert error_of(lambda: client.conversations_open(users=gone)) == "user_disabled"
    assert error_of(lambda: client.api_call("conversations.open")) == "users_list_not_supplied"


def test_conversations_info_and_members(
    client: WebClient, standin: SlackStandin, general: str, alice: str, bob: str
) -> None:
    channel = client.conversations_info(channel=general, include_num_members=True)["channel"]
    assert channel["name"] == "general"
    assert channel["is_member"] is True
    assert channel["num_members"] == 3
    members = client.conversations_members(channel=general, limit=2)
    assert len(members["members"]) == 2
    rest = client.conversations_members(
        channel=general, cursor=members["response_metadata"]["next_cursor"]
    )
    assert sorted(members["members"] + rest["members"]) == sorted([alice, bob, standin.bot_user_id])


def test_private_channels_the_bot_is_not_in_do_not_exist(
    client: WebClient, standin: SlackStandin
) -> None:
    secret = standin.add_channel("secret", is_private=True, bot_member=False)
    assert error_of(lambda: client.conversations_info(channel=secret)) == "channel_not_found"
    assert error_of(lambda: client.conversations_info(channel="C404")) == "channel_not_found"


def test_history_of_a_public_channel_the_bot_is_not_in(
    client: WebClient, standin: SlackStandin
) -> None:
    elsewhere = standin.add_channel("elsewhere", bot_member=False)
    assert error_of(lambda: client.conversations_history(channel=elsewhere)) == "not_in_channel"


def test_replies_of_an_unknown_thread(client: WebClient, general: str) -> None:
    call = lambda: client.conversations_replies(channel=general, ts="1.000001")  # noqa: E731
    assert error_of(call) == "thread_not_found"
