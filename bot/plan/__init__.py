"""The strategic plan: import from YAML (or a goals CSV), export to CSV or JSON.

``import_plan`` validates everything first and reports every problem as
``file:line:field: message`` in one ``PlanErrors``, writing nothing; otherwise it loads the
plan in one transaction and says what changed. See ``docs/plan-format.md``.
"""

from bot.plan.errors import PlanError, PlanErrors
from bot.plan.export import ExportFormat, export_plan
from bot.plan.load import import_plan
from bot.plan.result import ImportResult, KindCounts

__all__ = [
    "ExportFormat",
    "ImportResult",
    "KindCounts",
    "PlanError",
    "PlanErrors",
    "export_plan",
    "import_plan",
]
