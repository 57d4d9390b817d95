"""Monthly dealer statements (对账单): the month's lines between the opening and the closing balance, issued with a
number, printed in Chinese with a confirmation slip, and the outlet's answer (confirmed, or the balance it says it
owes) recorded (session first, keyword-only, never commit). Figures come from the account lines only, so a closed
month's statement reads the same whenever it is printed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.services import money
from warehouse.db import utcnow
from warehouse.dealers.errors import StatementNotIssued
from warehouse.dealers.models import AccountEntry, Dealer, Period, Statement
from warehouse.documents.services import day_number
from warehouse.errors import ValidationError
from warehouse.limits import NOTE_LEN
from warehouse.reports import Column, Labels, Report

ZERO = Decimal("0.00")


def month_bounds(month) -> tuple[date, date]:
    """First day of the month and of the next; `month` is YYYY-MM of a month that has ended."""
    try:
        first = date(int(month[:4]), int(month[5:7]), 1) \
            if isinstance(month, str) and len(month) == 7 and month[4] == "-" and month[:4].isdigit() else None
    except ValueError:
        first = None
    if first is None:
        raise ValidationError(field="month", reason="month_format")
    if month >= f"{utcnow().date():%Y-%m}":
        raise ValidationError(field="month", reason="month_not_ended", month=month)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt


@dataclass
class StatementData:
    dealer: Dealer
    month: str
    opening: Decimal
    lines: list[dict] = field(default_factory=list)  # booked_on, kind, source, note, debit, credit, balance

    @property
    def debits(self) -> Decimal:
        return sum((ln["debit"] or ZERO for ln in self.lines), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((ln["credit"] or ZERO for ln in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debits - self.credits


def statement_data(session: Session, *, dealer: Dealer, month: str) -> StatementData:
    first, nxt = month_bounds(month)
    opening = session.scalar(select(func.coalesce(func.sum(AccountEntry.amount), 0))
                             .where(AccountEntry.dealer_id == dealer.id, AccountEntry.booked_on < first))
    data = StatementData(dealer=dealer, month=month, opening=Decimal(opening).quantize(Decimal("0.01")))
    running = data.opening
    rows = session.scalars(select(AccountEntry).where(AccountEntry.dealer_id == dealer.id,
                                                      AccountEntry.booked_on >= first, AccountEntry.booked_on < nxt)
                           .order_by(AccountEntry.booked_on, AccountEntry.id))
    for e in rows:
        running += e.amount
        data.lines.append({"booked_on": e.booked_on, "kind": e.kind, "source": e.source, "note": e.note or "",
                           "debit": e.amount if e.amount > 0 else None,
                           "credit": -e.amount if e.amount < 0 else None, "balance": running})
    return data


def get_statement(session: Session, *, dealer: Dealer, month: str) -> Statement | None:
    return session.scalar(select(Statement).where(Statement.dealer_id == dealer.id, Statement.month == month))


def issue(session: Session, *, dealer: Dealer, month: str, actor: str) -> Statement:
    """Issue the month's statement (a number, the figures). Issued again while the month is open, its figures are
    refreshed; after the month-end close it stays as it was issued."""
    data = statement_data(session, dealer=dealer, month=month)
    st = get_statement(session, dealer=dealer, month=month)
    closed = session.get(Period, month) is not None
    if st is not None and closed:
        return st
    if st is None:
        st = Statement(statement_no=day_number(session, "DS"), dealer_id=dealer.id, month=month, issued_by=actor,
                       opening=data.opening, debits=data.debits, credits=data.credits, closing=data.closing)
        session.add(st)
    else:
        st.opening, st.debits, st.credits, st.closing = data.opening, data.debits, data.credits, data.closing
        st.issued_by, st.issued_at = actor, utcnow()
    session.flush()
    return st


def record_answer(session: Session, *, dealer: Dealer, month: str, confirmed: bool, actor: str,
                  disputed_amount=None, note: str | None = None) -> Statement:
    """The outlet's answer to an issued statement: confirmed, or disputed with the balance it says it owes."""
    month_bounds(month)
    st = get_statement(session, dealer=dealer, month=month)
    if st is None:
        raise StatementNotIssued(dealer=dealer.code, month=month)
    if not isinstance(confirmed, bool):
        raise ValidationError(field="confirmed", reason="required")
    amount = None
    if not confirmed:
        if disputed_amount is None:
            raise ValidationError(field="disputed_amount", reason="required")
        text = disputed_amount.strip() if isinstance(disputed_amount, str) else disputed_amount
        negative = isinstance(text, str) and text.startswith("-")
        amount = -money(text[1:], "disputed_amount") if negative else money(text, "disputed_amount")
    elif disputed_amount is not None:
        raise ValidationError(field="disputed_amount", reason="not_with_confirmed")
    if note is not None:
        if not isinstance(note, str):
            raise ValidationError(field="note", reason="not_text")
        if len(note.strip()) > NOTE_LEN:
            raise ValidationError(field="note", reason="too_long", max=NOTE_LEN)
        note = note.strip() or None
    st.answer = "confirmed" if confirmed else "disputed"
    st.disputed_amount, st.answer_note, st.answered_by, st.answered_at = amount, note, actor, utcnow()
    session.flush()
    return st


def statement_dict(st: Statement | None) -> dict | None:
    if st is None:
        return None
    return {"statement_no": st.statement_no, "month": st.month, "opening": f"{st.opening:.2f}",
            "debits": f"{st.debits:.2f}", "credits": f"{st.credits:.2f}", "closing": f"{st.closing:.2f}",
            "issued_by": st.issued_by, "issued_at": st.issued_at.isoformat(), "answer": st.answer,
            "disputed_amount": f"{st.disputed_amount:.2f}" if st.disputed_amount is not None else None,
            "answer_note": st.answer_note, "answered_by": st.answered_by}


def data_dict(data: StatementData, st: Statement | None) -> dict:
    def m(v):
        return None if v is None else f"{v:.2f}"
    return {"dealer": data.dealer.code, "month": data.month, "opening": m(data.opening), "debits": m(data.debits),
            "credits": m(data.credits), "closing": m(data.closing),
            "lines": [{**ln, "booked_on": ln["booked_on"].isoformat(), "debit": m(ln["debit"]),
                       "credit": m(ln["credit"]), "balance": m(ln["balance"])} for ln in data.lines],
            "statement": statement_dict(st)}


def statement_report(data: StatementData, st: Statement | None, *, words: dict[str, str], kinds: dict[str, str],
                     labels: Labels | None = None, printed_by: str = "", signatures=()) -> Report:
    """The statement as a report (PDF/XLSX/CSV): the opening balance as the first line, the month's lines with a
    running balance, the closing balance, and the confirmation slip the outlet signs and sends back. `words` and
    `kinds` are the captions, in the language of the paper (the shell passes them; statements go out in Chinese)."""
    d = data.dealer
    rows = [{"booked_on": None, "kind": words["opening"], "source": "", "note": "", "debit": None, "credit": None,
             "balance": data.opening}]
    rows += [{**ln, "kind": kinds.get(ln["kind"], ln["kind"])} for ln in data.lines]
    rows.append({"booked_on": None, "kind": words["closing"], "source": "", "note": "", "debit": data.debits,
                 "credit": data.credits, "balance": data.closing})
    notes = [f"{words['dealer']}: {d.code} {d.name}" + (f"  {words['invoice_title']}: {d.invoice_title}"
                                                        if d.invoice_title else ""),
             f"{words['opening']}: {data.opening:,.2f}    {words['closing']}: {data.closing:,.2f}"]
    if st is not None:
        notes.insert(0, f"{words['statement_no']}: {st.statement_no}")
    slip = [words["slip_title"], words["slip_text"].format(dealer=f"{d.code} {d.name}", month=data.month,
                                                           closing=f"{data.closing:,.2f}"),
            words["slip_confirm"], words["slip_dispute"]]
    return Report(title=words["title"], period=data.month, department=words["department"], printed_by=printed_by,
                  columns=[Column("booked_on", words["date"], "date"), Column("kind", words["kind"]),
                           Column("source", words["source"]), Column("note", words["note"], width=24),
                           Column("debit", words["debit"], "money", total=False),
                           Column("credit", words["credit"], "money", total=False),
                           Column("balance", words["balance"], "money", total=False)],
                  rows=rows, notes=notes, closing=slip, signatures=signatures, labels=labels or Labels(),
                  sheet_name=data.month)


def statements_of(session: Session, *, dealer: Dealer) -> list[dict]:
    """The dealer's issued statements, newest month first."""
    rows = session.scalars(select(Statement).where(Statement.dealer_id == dealer.id).order_by(Statement.month.desc()))
    return [statement_dict(st) for st in rows]
