"""A local stand-in for Slack's Web API, for the demo, the tests and developers.

Start one, point ``slack_sdk.WebClient(token, base_url=standin.api_url)`` at it, and it
answers like Slack: Slack's error names, rate limits with ``Retry-After``, trigger ids that
expire, response_urls, the three-step file upload. See ``devkit/standin/README.md``.
"""

from devkit.standin.clock import StandinClock
from devkit.standin.limits import RateLimits
from devkit.standin.models import RecordedCall
from devkit.standin.server import SlackStandin
from devkit.standin.state import DEFAULT_TOKEN, Identity

__all__ = [
    "DEFAULT_TOKEN",
    "Identity",
    "RateLimits",
    "RecordedCall",
    "SlackStandin",
    "StandinClock",
]
