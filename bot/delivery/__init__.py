"""The delivery engine: lease, claim, post, record the outcome, recover by message metadata.

Written once for every outbox (check-ins, reminders, escalations and close-out DMs; weekly
digests; review threads), with one Slack poster. The only place in ``bot`` that imports
``slack_sdk``.
"""
