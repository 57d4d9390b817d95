"""The dealer account statement (对账单) of a month, on the report base: `flask report dealer-statement --month
2024-05 --dealer D001`, the reports page, and the dealer's account page all print this one (the figures and layout
are `warehouse.dealers.statements`: opening balance, the month's invoices, credit notes, warranty credits and
payments with a running balance, the closing balance and the confirmation slip the outlet signs).

Only a month that has ended has a statement (`month_not_ended` otherwise); an unknown or inactive dealer is
`unknown_dealer`. Both are checked before a job is queued (`check`).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.dealers import statements as dealer_statements
from warehouse.dealers.services import get_dealer
from warehouse.reports import Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.words import N_, Translate

TITLE = N_("Dealer account statement")
WORDS = {"title": TITLE, "department": N_("After-sales service department"),
         "statement_no": N_("Statement no."), "dealer": N_("Dealer"), "invoice_title": N_("Invoice title"),
         "opening": N_("Opening balance"), "closing": N_("Closing balance"), "date": N_("Date"),
         "kind": N_("Kind"), "source": N_("Document"), "note": N_("Note"), "debit": N_("Debit"),
         "credit": N_("Credit side"), "balance": N_("Balance"),
         "slip_title": N_("Confirmation slip (sign, stamp and return)"),
         "slip_text": N_("{dealer}: at the end of {month} our books show a balance of {closing} "
                         "(positive: owed by you; negative: owed to you)."),
         "slip_confirm": N_("□ Confirmed: the balance above is correct."),
         "slip_dispute": N_("□ Not correct: by our books the balance is ________ ; differences listed overleaf.")}
KINDS = {"invoice": N_("Invoice"), "payment": N_("Payment"), "warranty_credit": N_("Warranty credit"),
         "return_credit": N_("Return credit"), "adjustment": N_("Adjustment"),
         "return_charge": N_("Restocking charge")}
SIGNATURES = (N_("Outlet's signature and stamp"), N_("Date"))


def check(session: Session, *, period: Period, dealer: str) -> None:
    """Refuse before anything is queued: an unknown dealer, a month that has not ended."""
    get_dealer(session, dealer)
    dealer_statements.month_bounds(period.label)


@statement("dealer-statement", title=TITLE, periods=("month",), permission="dealers.read", options=("dealer",),
           check=check)
def dealer_statement(session: Session, *, period: Period, t: Translate, dealer: str) -> Report:
    d = get_dealer(session, dealer)
    data = dealer_statements.statement_data(session, dealer=d, month=period.label)
    issued = dealer_statements.get_statement(session, dealer=d, month=period.label)
    return dealer_statements.statement_report(
        data, issued, words={k: t(v) for k, v in WORDS.items()}, kinds={k: t(v) for k, v in KINDS.items()},
        labels=None, signatures=[t(s) for s in SIGNATURES])
