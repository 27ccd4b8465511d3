"""The sandbox: goalbot without Slack. Never imported by the product packages.

- ``standin``: a local stand-in for Slack's Web API (methods, limits, errors, faults, a clock);
- ``people``: simulated people who sign slash commands, click, fill modals and type DMs;
- ``transcript``: every channel, DM and thread as Slack would show them, as one HTML page;
- ``demo``: ``goalbot demo``, one quarter played against the stand-in by simulated people
  (offered to the ``goalbot`` command through the ``goalbot.commands`` entry point).
"""
