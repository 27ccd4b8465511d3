"""Quarterly reviews: one thread per unit and quarter, its scorecard, ratings, replies, close-out.

- ``rules``: when reviews open, what they cover, and the diagnosis rule (pure).
- ``scorecard`` / ``measure`` / ``data``: the scorecard's values, built from one read of the
  quarter (% to objective, goals achieved / missed / open, rhythm, CSF outcomes).
- ``opening``: which units get a review, in which channel; rows created once per unit and quarter.
- ``posting``: threads posted exactly once under a claim and lease; close-out DMs planned.
- ``closeout``: each owner's DM and closing a goal from it (carry over via
  ``bot.services.carry``); ``ratings``: ratings and replies read back.
- ``service``: ``ReviewService``, what handlers, the tick and the CLI call.
- ``slack``: the thin layer that posts threads and finds them again (``slack_sdk``).

Nothing is imported here: ``bot.services`` builds the ``ReviewService`` lazily, and importing
the modules eagerly would load them before the services they build on.
"""
