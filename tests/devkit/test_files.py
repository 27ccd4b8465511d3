"""Files: slack_sdk's files_upload_v2 end to end (get URL, upload bytes, complete)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient

from devkit.standin import SlackStandin
from tests.devkit.helpers import error_of


def test_files_upload_v2_shares_the_file_in_a_thread(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    parent = client.chat_postMessage(channel=general, text="Q1 review")["ts"]
    answer = client.files_upload_v2(
        channel=general,
        content="goal,status\nrevenue,on track\n",
        filename="q1.csv",
        title="Q1 scorecard",
        initial_comment="Here is the scorecard",
        thread_ts=parent,
    )
    uploaded = answer["file"]
    assert uploaded["title"] == "Q1 scorecard"
    share = uploaded["shares"]["public"][general][0]
    assert share["thread_ts"] == parent
    assert [c.method for c in standin.calls()][-3:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    reply = standin.thread(general, parent)[1]
    assert reply["text"] == "Here is the scorecard"
    assert reply["files"][0]["id"] == uploaded["id"]
    stored = standin.files()[0]
    assert stored["content"] == b"goal,status\nrevenue,on track\n"
    with urllib.request.urlopen(uploaded["url_private"], timeout=5) as response:
        assert response.read() == stored["content"]


def test_files_upload_v2_to_a_user_lands_in_the_dm(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    client.files_upload_v2(channel=alice, content=b"\x00\x01", filename="data.bin")
    assert standin.dm_messages(alice)[0]["files"][0]["name"] == "data.bin"


def test_completing_an_unknown_or_unsent_file_is_file_not_found(
    client: WebClient, general: str
) -> None:
    unknown = lambda: client.files_completeUploadExternal(files=[{"id": "F404"}])  # noqa: E731
    assert error_of(unknown) == "file_not_found"
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)["file_id"]
    unsent = lambda: client.files_completeUploadExternal(files=[{"id": reserved}])  # noqa: E731
    assert error_of(unsent) == "file_not_found"


def test_sharing_where_the_bot_cannot_post(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    elsewhere = standin.add_channel("elsewhere", bot_member=False)
    denied = lambda: client.files_upload_v2(channel=elsewhere, content="x", filename="x")  # noqa: E731
    assert error_of(denied) == "posting_to_channel_denied"
    unknown = lambda: client.files_upload_v2(channel="C404", content="x", filename="x")  # noqa: E731
    assert error_of(unknown) == "invalid_channel"


def test_upload_url_needs_a_length(client: WebClient) -> None:
    no_length = lambda: client.files_getUploadURLExternal(filename="a.txt", length=0)  # noqa: E731
    assert error_of(no_length) == "missing_argument"


def test_upload_url_also_takes_a_multipart_form(client: WebClient, standin: SlackStandin) -> None:
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=5)
    boundary = "b0undary"
    data = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(reserved["upload_url"], data=data, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    assert standin.files()[0]["content"] == b"hello"


def test_unknown_upload_url_is_404(standin: SlackStandin) -> None:
    request = urllib.request.Request(standin.url + "upload/v1/nope", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 404
