"""A chat message as goalbot sends it: a text fallback and Block Kit blocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    """Text fallback (notifications, accessibility) and blocks, ready for chat.* calls."""

    text: str
    blocks: list[dict[str, Any]]

    def kwargs(self) -> dict[str, Any]:
        """``text`` and ``blocks`` as keyword arguments for chat.postMessage and friends."""
        return {"text": self.text, "blocks": self.blocks}
