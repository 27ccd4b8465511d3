"""Serving: lifecycle, request encodings, authentication, the call log, the command line."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from devkit.standin import DEFAULT_TOKEN, SlackStandin
from devkit.standin.__main__ import build, parse_args
from tests.devkit.helpers import error_of


def post(
    url: str, data: bytes, content_type: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """POST raw bytes and decode the JSON answer."""
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    with urllib.request.urlopen(request, timeout=5) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def test_start_picks_a_free_port_and_stop_releases_it() -> None:
    standin = SlackStandin()
    url = standin.start()
    try:
        assert standin.port > 0
        assert url == f"http://127.0.0.1:{standin.port}/api/"
        assert standin.client().auth_test()["ok"]
    finally:
        standin.stop()
    with pytest.raises(OSError):
        WebClient(token=DEFAULT_TOKEN, base_url=url, timeout=2, retry_handlers=[]).auth_test()


def test_auth_test_names_the_workspace_and_bot(client: WebClient, standin: SlackStandin) -> None:
    answer = client.auth_test()
    assert answer["team_id"] == standin.team_id
    assert answer["user_id"] == standin.bot_user_id
    assert answer["bot_id"].startswith("B")


def test_missing_and_wrong_tokens_are_refused(standin: SlackStandin) -> None:
    assert error_of(WebClient(base_url=standin.api_url).auth_test) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=standin.api_url)
    assert error_of(wrong.auth_test) == "invalid_auth"


def test_token_may_come_as_a_form_field(standin: SlackStandin, alice: str) -> None:
    body = f"token={standin.token}&user={alice}".encode()
    answer = post(standin.api_url + "users.info", body, "application/x-www-form-urlencoded")
    assert answer["user"]["id"] == alice


def test_json_body_with_bearer_header(standin: SlackStandin, alice: str) -> None:
    body = json.dumps({"channel": alice, "text": "hello"}).encode()
    headers = {"Authorization": f"Bearer {standin.token}"}
    answer = post(standin.api_url + "chat.postMessage", body, "application/json", headers)
    assert answer["ok"] and answer["channel"].startswith("D")


def test_multipart_form_bodies_are_read(standin: SlackStandin, alice: str) -> None:
    boundary = "standin-boundary"
    fields = {"token": standin.token, "user": alice}
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    data = (body + f"--{boundary}--\r\n").encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    assert post(standin.api_url + "users.info", data, content_type)["user"]["id"] == alice


def test_malformed_json_is_invalid_json(standin: SlackStandin) -> None:
    headers = {"Authorization": f"Bearer {standin.token}"}
    answer = post(standin.api_url + "auth.test", b"{nope", "application/json", headers)
    assert answer == {"ok": False, "error": "invalid_json"}


def test_unknown_method(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("chat.postHaiku")) == "unknown_method"


def test_calls_are_recorded_without_the_token(client: WebClient, standin: SlackStandin) -> None:
    client.auth_test()
    client.api_call("auth.test", params={"token": standin.token})
    calls = standin.calls("auth.test")
    assert [c.status for c in calls] == [200, 200]
    assert all("token" not in c.args for c in calls)
    assert calls[0].result["ok"] is True
    assert calls[0].time == standin.clock.now()


def test_bolt_app_verifies_its_token_against_the_standin(standin: SlackStandin) -> None:
    app = App(client=standin.client(), signing_secret="not-a-real-secret")
    assert app.client.base_url == standin.api_url
    assert standin.calls("auth.test")


def test_command_line_builds_a_configured_standin() -> None:
    args = parse_args(["--port", "0", "--speed", "60", "--rate-limits", "--users", "3"])
    standin = build(args)
    assert standin.clock.speed == 60
    assert standin.rate_limits.enabled
    assert len(standin.ws.directory.users) == 4  # three members and the bot
