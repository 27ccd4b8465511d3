"""The check-in: plan due check-ins into the DM outbox, follow them up, compose the DMs.

- ``tick``: :func:`~bot.checkins.tick.run_tick` = planning + follow-ups + sending; what the
  scheduler runs.
- ``planning``: due owners -> ``bot.rhythm.plan_due`` -> outbox rows, in bulk.
- ``followups``: missed cycles, one reminder in working hours, escalation to the lead.
- ``compose``: the check-in DM, its reminder and the escalation, as messages.
- ``capping``: the weekly DM cap on reminders and escalations.
- ``sending``: the DM outbox as the delivery engine (``bot.delivery``) drives it.
"""
