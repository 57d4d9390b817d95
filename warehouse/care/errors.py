"""Errors of the customer-care area: a code and keyword parameters (rows in service_app/error_messages.py)."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownKbEntry(DomainError):
    code = "unknown_kb_entry"


class KbState(DomainError):
    """The step is not possible in the entry's state (reason: edit | submit | review; params: entry)."""

    code = "kb_state"


class OwnKbEntry(DomainError):
    """The author of an entry cannot review it (params: entry)."""

    code = "own_kb_entry"


class UnknownChecklist(DomainError):
    code = "unknown_checklist"


class ChecklistTarget(DomainError):
    """A checklist used for another kind of target (params: checklist)."""

    code = "checklist_target"


class ScoreOutOfRange(DomainError):
    """An item's score outside 0 … its maximum (params: item, score, max)."""

    code = "score_out_of_range"


class ChecklistScores(DomainError):
    """The scores do not cover the checklist (reason: missing | unknown_item | duplicate; params: item(s))."""

    code = "checklist_scores"


class UnknownInspection(DomainError):
    code = "unknown_inspection"


class UnknownAction(DomainError):
    code = "unknown_corrective_action"


class ActionClosed(DomainError):
    code = "action_closed"


class UnknownRepairman(DomainError):
    code = "unknown_repairman"


class UnknownCheck(DomainError):
    code = "unknown_service_check"
