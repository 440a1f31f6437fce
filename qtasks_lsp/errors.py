"""The errors qtasks-lsp reports to its users, in one small tree.

Every error carries a message that says what went wrong and a hint that says
what to change. ``SetupError`` covers what stops an inspection before any
project code runs (no app, no interpreter, a bad setting); ``InspectionError``
carries the structured error record of a failed inspection.
"""

from __future__ import annotations

from typing import Any


class QTasksLspError(Exception):
    """Base of every error qtasks-lsp raises on purpose."""

    kind = "error"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def describe(self) -> str:
        """The message and the hint as one paragraph."""
        message = self.message.rstrip(".!")
        return f"{message}. {self.hint}" if self.hint else message


class SetupError(QTasksLspError):
    """Nothing could be inspected: no app, no interpreter or a bad setting."""

    def __init__(self, kind: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind


class InspectionError(QTasksLspError):
    """An inspection ran and failed; ``record`` is the agent's error record."""

    def __init__(self, record: dict[str, Any], output: str = "") -> None:
        message = record.get("message") or "inspection failed"
        super().__init__(message, record.get("hint"))
        self.record = record
        self.output = output
        self.kind = record.get("kind") or "error"
