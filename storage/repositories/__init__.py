"""Keyword-only repository functions, each scoped to one workspace (``team_id``)."""
