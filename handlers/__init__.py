"""Slack listeners only: commands, actions, views and events."""
