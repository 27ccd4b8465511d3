"""A local stand-in for Slack's Web API, for the demo, the tests and developers.

Start one, point ``slack_sdk.WebClient(token, base_url=standin.api_url)`` at it, and it
answers like Slack: Slack's error names, rate limits with ``Retry-After``, trigger ids that
expire, response_urls, the three-step file upload. See ``bot/standin/README.md``.
"""

from bot.standin.clock import StandinClock
from bot.standin.limits import RateLimits
from bot.standin.models import RecordedCall
from bot.standin.server import SlackStandin
from bot.standin.state import DEFAULT_TOKEN, Identity

__all__ = [
    "DEFAULT_TOKEN",
    "Identity",
    "RateLimits",
    "RecordedCall",
    "SlackStandin",
    "StandinClock",
]
