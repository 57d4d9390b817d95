"""Dealer accounts: payments, adjustments, credits, allocations, month-end close, collection calls; reads of
balance and ageing. Every line is added, never changed (corrections are new lines); only finance writes payments,
adjustments and closes (the shell checks `dealers.account`)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.services import money
from warehouse.db import utcnow
from warehouse.dealers import rules
from warehouse.dealers.errors import OverAllocated, PeriodClosed, UnknownInvoice
from warehouse.dealers.models import AccountEntry, Allocation, CollectionCall, Dealer, Invoice, Period
from warehouse.documents.services import day_number
from warehouse.errors import AlreadyExists, ValidationError
from warehouse.limits import MAX_ORDER_LINES, NOTE_LEN, REFERENCE_LEN


def month_of(d: date) -> str:
    return f"{d:%Y-%m}"


def check_open(session: Session, on: date) -> None:
    if session.get(Period, month_of(on)) is not None:
        raise PeriodClosed(month=month_of(on))


def close_month(session: Session, *, month: str, actor: str) -> Period:
    """Month-end close: the month's lines and statements no longer change. Only a month that has ended; once."""
    try:
        first = date(int(month[:4]), int(month[5:7]), 1) if len(month) == 7 and month[4] == "-" else None
    except ValueError:
        first = None
    if first is None:
        raise ValidationError(field="month", reason="month_format")
    if month >= month_of(utcnow().date()):
        raise ValidationError(field="month", reason="month_not_ended", month=month)
    if session.get(Period, month) is not None:
        raise PeriodClosed(month=month)
    period = Period(month=month, closed_by=actor)
    session.add(period)
    session.flush()
    return period


def post_entry(session: Session, *, dealer: Dealer, kind: str, source: str, amount: Decimal, actor: str,
               note: str | None = None, booked_on: date | None = None, due_on: date | None = None) -> AccountEntry:
    """Add one immutable line to a dealer's account, booked today unless said otherwise, never into a closed
    month. One line per (kind, source): posting the same credit twice is refused by the database."""
    booked_on = booked_on or utcnow().date()
    check_open(session, booked_on)
    entry = AccountEntry(dealer_id=dealer.id, kind=kind, source=source, amount=amount, note=note, created_by=actor,
                         booked_on=booked_on, due_on=due_on)
    session.add(entry)
    session.flush()
    return entry


def _note(note) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationError(field="note", reason="not_text")
    note = note.strip()
    if len(note) > NOTE_LEN:
        raise ValidationError(field="note", reason="too_long", max=NOTE_LEN)
    return note or None


def record_payment(session: Session, *, dealer: Dealer, amount, paid_on: date, actor: str,
                   reference: str | None = None, allocations: list[dict] | None = None) -> AccountEntry:
    """A payment received (credit line). Zero, negative or future-dated payments are refused. `allocations`
    ([{invoice_no, amount}]) settle named invoices; what is not allocated settles the oldest open invoices first."""
    value = money(amount, "amount")
    if value <= 0:
        raise ValidationError(field="amount", reason="not_positive")
    if not isinstance(paid_on, date):
        raise ValidationError(field="paid_on", reason="required")
    if paid_on > utcnow().date():
        raise ValidationError(field="paid_on", reason="in_future")
    if reference is not None and len(reference) > REFERENCE_LEN:
        raise ValidationError(field="reference", reason="too_long", max=REFERENCE_LEN)
    allocations = allocations or []
    if len(allocations) > MAX_ORDER_LINES:
        raise ValidationError(field="allocations", reason="too_large", max=MAX_ORDER_LINES)
    entry = post_entry(session, dealer=dealer, kind="payment", source=day_number(session, "PY"), amount=-value,
                       actor=actor, note=_note(reference), booked_on=paid_on)
    total = Decimal("0")
    for a in allocations:
        debit = _invoice_entry(session, dealer, a.get("invoice_no"))
        part = money(a.get("amount"), "amount")
        if part <= 0:
            raise ValidationError(field="amount", reason="not_positive")
        already = session.scalar(select(func.coalesce(func.sum(Allocation.amount), 0))
                                 .where(Allocation.debit_id == debit.id))
        total += part
        if part + Decimal(already) > debit.amount or total > value:
            raise OverAllocated(invoice_no=debit.source, amount=f"{part:.2f}")
        session.add(Allocation(credit_id=entry.id, debit_id=debit.id, amount=part))
    session.flush()
    return entry


def _invoice_entry(session: Session, dealer: Dealer, invoice_no) -> AccountEntry:
    entry = session.scalar(select(AccountEntry).where(AccountEntry.kind == "invoice",
                                                      AccountEntry.source == invoice_no,
                                                      AccountEntry.dealer_id == dealer.id)) \
        if isinstance(invoice_no, str) else None
    if entry is None:
        raise UnknownInvoice(invoice_no=invoice_no, dealer=dealer.code)
    return entry


def record_adjustment(session: Session, *, dealer: Dealer, amount, reason: str, actor: str) -> AccountEntry:
    """A signed correction by finance: positive charges the dealer, negative credits it. Booked today (a closed
    month is corrected in the next one)."""
    if isinstance(amount, str) and amount.strip().startswith("-"):
        value = -money(amount.strip()[1:], "amount")
    else:
        value = money(amount, "amount")
    if value == 0:
        raise ValidationError(field="amount", reason="not_zero")
    note = _note(reason)
    if not note:
        raise ValidationError(field="reason", reason="required")
    today = utcnow().date()
    return post_entry(session, dealer=dealer, kind="adjustment", source=day_number(session, "AD"), amount=value,
                      actor=actor, note=note, due_on=today if value > 0 else None)


def invoice(session: Session, *, dealer: Dealer, order_no: str, net: Decimal, tax_rate: Decimal,
            actor: str) -> Invoice:
    """Invoice a shipment: net at the order's prices, tax at `tax_rate` (half-up to the cent), due after the
    dealer's payment terms; one debit line on the account."""
    today = utcnow().date()
    tax = (net * tax_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    due = today + timedelta(days=dealer.payment_terms_days)
    inv = Invoice(invoice_no=day_number(session, "IV"), dealer_id=dealer.id, order_no=order_no, net=net,
                  tax_rate=tax_rate, tax=tax, gross=net + tax, issued_on=today, due_on=due)
    session.add(inv)
    post_entry(session, dealer=dealer, kind="invoice", source=inv.invoice_no, amount=inv.gross, actor=actor,
               note=order_no, booked_on=today, due_on=due)
    return inv


def record_official_number(session: Session, *, invoice_no: str, official_no: str) -> Invoice:
    """The tax invoice number (发票号) finance issued for one of our invoices; recorded once."""
    inv = session.scalar(select(Invoice).where(Invoice.invoice_no == invoice_no)) \
        if isinstance(invoice_no, str) else None
    if inv is None:
        raise UnknownInvoice(invoice_no=invoice_no)
    if inv.official_no is not None:
        raise AlreadyExists(reason="official_no", code=inv.official_no)
    official_no = (official_no or "").strip()
    if not official_no:
        raise ValidationError(field="official_no", reason="required")
    if len(official_no) > 32:
        raise ValidationError(field="official_no", reason="too_long", max=32)
    inv.official_no = official_no
    session.flush()
    return inv


def record_call(session: Session, *, dealer: Dealer, note: str, actor: str,
                promised_on: date | None = None) -> CollectionCall:
    note = _note(note)
    if not note:
        raise ValidationError(field="note", reason="required")
    call = CollectionCall(dealer_id=dealer.id, note=note, promised_on=promised_on, created_by=actor)
    session.add(call)
    session.flush()
    return call


# --- reads ---------------------------------------------------------------------------------------------------------
def lines_of(session: Session, dealer_id: int, *, until: date | None = None) -> tuple[list[rules.Line], dict]:
    q = select(AccountEntry.id, AccountEntry.amount, AccountEntry.due_on, AccountEntry.booked_on,
               AccountEntry.created_at).where(AccountEntry.dealer_id == dealer_id)
    if until is not None:
        q = q.where(AccountEntry.booked_on <= until)
    lines = [rules.Line(r.id, Decimal(r.amount), r.due_on, r.booked_on or r.created_at.date())
             for r in session.execute(q)]
    ids = {ln.id for ln in lines}
    allocs: dict[int, Decimal] = {}
    for a in session.execute(select(Allocation.debit_id, Allocation.credit_id, Allocation.amount)
                             .join(AccountEntry, AccountEntry.id == Allocation.debit_id)
                             .where(AccountEntry.dealer_id == dealer_id)):
        if a.debit_id in ids and a.credit_id in ids:
            allocs[a.debit_id] = allocs.get(a.debit_id, Decimal("0")) + Decimal(a.amount)
    return lines, allocs


def account(session: Session, dealer: Dealer, *, today: date | None = None) -> dict:
    today = today or utcnow().date()
    lines, allocs = lines_of(session, dealer.id)
    ageing = rules.ageing(lines, allocs, today)
    return {"dealer": dealer.code, "balance": f"{rules.balance(lines):.2f}",
            "overdue": f"{rules.overdue(lines, allocs, today):.2f}",
            "credit_limit": f"{dealer.credit_limit:.2f}", "blocked": dealer.blocked,
            "ageing": {k: f"{v:.2f}" for k, v in ageing.items()}}


def standing(session: Session, dealer: Dealer, *, today: date | None = None) -> tuple[Decimal, Decimal]:
    """(balance, overdue amount) for the credit check."""
    today = today or utcnow().date()
    lines, allocs = lines_of(session, dealer.id)
    return rules.balance(lines), rules.overdue(lines, allocs, today)


def entry_dicts(session: Session, dealer: Dealer, *, limit: int = 200) -> list[dict]:
    rows = session.scalars(select(AccountEntry).where(AccountEntry.dealer_id == dealer.id)
                           .order_by(AccountEntry.id.desc()).limit(limit))
    return [{"kind": e.kind, "source": e.source, "amount": f"{e.amount:.2f}", "note": e.note,
             "booked_on": (e.booked_on or e.created_at.date()).isoformat(),
             "due_on": e.due_on.isoformat() if e.due_on else None, "created_by": e.created_by} for e in rows]


def collections(session: Session, *, today: date | None = None) -> list[dict]:
    """Dealers with an overdue amount (催款), most overdue first, with the last collection call."""
    today = today or utcnow().date()
    out = []
    debtor_ids = session.scalars(select(AccountEntry.dealer_id).where(AccountEntry.amount > 0,
                                                                     AccountEntry.due_on < today).distinct())
    for dealer_id in list(debtor_ids):
        dealer = session.get(Dealer, dealer_id)
        lines, allocs = lines_of(session, dealer_id)
        due = rules.overdue(lines, allocs, today)
        if due <= 0:
            continue
        ageing = rules.ageing(lines, allocs, today)
        last = session.scalar(select(CollectionCall).where(CollectionCall.dealer_id == dealer_id)
                              .order_by(CollectionCall.created_at.desc()).limit(1))
        out.append({"dealer": dealer.code, "name": dealer.name, "overdue": f"{due:.2f}",
                    "balance": f"{rules.balance(lines):.2f}", "ageing": {k: f"{v:.2f}" for k, v in ageing.items()},
                    "contact_phone": dealer.contact_phone,
                    "last_call": None if last is None else {"note": last.note, "by": last.created_by,
                                                            "at": last.created_at.isoformat(),
                                                            "promised_on": last.promised_on.isoformat()
                                                            if last.promised_on else None}})
    out.sort(key=lambda r: Decimal(r["overdue"]), reverse=True)
    return out
