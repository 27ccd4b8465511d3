"""The method as plain Python: goals, CSFs, people, workspace settings, App Home and replies.

Each service takes the engine and a ``Clock``, opens one unit of work per call, and returns
domain shapes (``bot.domain``). ``bot.application`` builds them all, with the features'.
"""
