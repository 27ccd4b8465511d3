"""Quarterly reviews: one thread per unit and quarter, its scorecard, ratings, replies, close-out.

- ``policy``: when reviews open, what they cover, and the diagnosis rule (pure).
- ``measure`` / ``data``: the scorecard's values, built from one read of the quarter (% to
  objective, goals achieved / missed / open, rhythm, CSF outcomes). The scorecard, the views
  and the diagnosis are plain values in ``bot.domain.review``.
- ``opening``: which units get a review, in which channel; rows created once per unit and quarter.
- ``posting``: the review-thread outbox, delivered by ``bot.delivery``; close-out DMs planned
  in the same unit of work as the thread's record.
- ``compose``: teaches the DM outbox's composer the close-out message.
- ``closeout``: each owner's DM and closing a goal from it (carry over via
  ``bot.services.carry``); ``ratings``: ratings and replies read back.
- ``service``: ``ReviewService``, what handlers, the tick and the CLI call.

Nothing is imported here: import the module you need (``bot.application`` builds the
``ReviewService``).
"""
