"""The weekly alignment digest: what it says, when it is due, and posting it exactly once.

- ``service``: build a scope's digest from the database (``/goal digest preview``, the tick).
- ``content`` (+ ``measure``, ``tree``, ``sections``, ``alignment``): the pure content, computed
  on the scope's goals as numpy columns (``storage.repositories.digest_columns``), as the plain
  values of ``bot.domain.digest``.
- ``chart``: progress of the scope's top goals as a PNG (matplotlib, Agg).
- ``weeks`` / ``planning``: one row per subscription and week; catch-up and late window.
- ``sending``: the digest outbox, delivered by ``bot.delivery``: the main message once, then
  its thread replies and the chart.
- ``tick``: planning then sending, as the scheduler and ``goalbot tick`` run it.
"""
