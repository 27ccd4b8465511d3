"""The lowest floor of ``bot``: shapes and pure rules every layer above shares.

Time (``clock``), fiscal periods (``periods``), the errors a person can act on (``errors``),
the cascade's rules (``cascade``), the enums of the method (``enums``), and the pure
dataclasses that cross layers: goal summaries, workspace settings, the digest's model, the
review's scorecard and views. Nothing here imports a feature, a service or Slack.
"""
