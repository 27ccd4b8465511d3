"""Block Kit builders: pure functions from domain objects to messages and views.

Nothing here talks to Slack or the database. Each module builds one kind of surface and,
for modals, parses its submission; ``limits`` keeps every builder inside Slack's limits.
"""
