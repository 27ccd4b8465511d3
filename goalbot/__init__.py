"""The composition root: the ``goalbot`` command, serving, the tick's wiring and the Slack client.

The only package that knows every layer: it reads the settings, builds the engine, the services,
the Slack client and the app (``handlers``), and starts what runs (``serve``, ``tick``). Nothing
below it imports it.
"""
