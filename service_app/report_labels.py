"""The report base's own words (page header, "page n of m", totals, sign-off lines) in the reader's language.

`warehouse.reports` knows no Flask; every statement's view, CLI command or job handler passes these in.
"""
from __future__ import annotations

from flask_babel import gettext as _

from warehouse.reports import Labels


def report_labels() -> Labels:
    return Labels(period=_("Period"), printed_at=_("Printed at"), printed_by=_("Printed by"),
                  page=_("Page {page} of {pages}"), subtotal=_("Subtotal"), total=_("Total"),
                  more_rows=_("The first {shown} of {total} rows are printed."))


def signatures() -> list[str]:
    """The sign-off line of a paper statement: 制表 / 审核 / 负责人."""
    return [_("Prepared by"), _("Reviewed by"), _("Person in charge")]


def statement_words() -> dict[str, str]:
    """Every word the back-office statements print, in the current language (for a CLI run or a queued job)."""
    from warehouse.reports import statements

    return {msgid: str(_(msgid)) for msgid in statements.words()}
