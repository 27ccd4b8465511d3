"""Small helpers for asserting Slack errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError


def slack_error(call: Callable[[], Any]) -> SlackApiError:
    """The SlackApiError a WebClient call raises (fails the test if it succeeds)."""
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def error_of(call: Callable[[], Any]) -> str:
    """The Slack ``error`` string of a failing call."""
    return str(slack_error(call).response["error"])
