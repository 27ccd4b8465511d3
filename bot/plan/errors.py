"""Where a plan value came from, and the errors that name it as ``file:line:field``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import GoalbotError


@dataclass(frozen=True)
class PlanError:
    """One problem in a plan file, at a line and a field path."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.field}: {self.message}"


@dataclass(frozen=True)
class Where:
    """A position in a plan file: its line and the field path (``goals[7].parent``)."""

    file: str
    line: int
    field: str = ""

    def child(self, name: str, line: int | None = None) -> Where:
        """The position of a named field inside this one."""
        path = f"{self.field}.{name}" if self.field else name
        return Where(self.file, self.line if line is None else line, path)

    def item(self, index: int, line: int) -> Where:
        """The position of a list item inside this one."""
        return Where(self.file, line, f"{self.field}[{index}]")

    def error(self, message: str) -> PlanError:
        """An error at this position."""
        return PlanError(self.file, self.line, self.field, message)


class PlanErrors(GoalbotError):
    """Every problem found in a plan file; nothing was written."""

    def __init__(self, errors: list[PlanError]) -> None:
        self.errors = sorted(errors, key=lambda error: error.line)
        super().__init__("\n".join(str(error) for error in self.errors))
