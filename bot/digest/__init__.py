"""The weekly alignment digest: what it says, when it is due, and posting it exactly once.

- ``service``: build a scope's digest from the database (``/goal digest preview``, the tick).
- ``content`` (+ ``measure``, ``tree``, ``sections``, ``alignment``, ``model``): the pure
  content, computed on the scope's goals as numpy columns (``storage.repositories.digest_columns``).
- ``chart``: progress of the scope's top goals as a PNG (matplotlib, Agg).
- ``schedule`` / ``planning``: one row per subscription and week; catch-up and late window.
- ``sending`` / ``slack_poster``: claim under a lease, post once, thread replies, chart upload.
- ``tick``: planning then sending, as the scheduler and ``goalbot tick`` run it.
"""
