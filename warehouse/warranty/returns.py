"""Failed parts back to their suppliers: a batch per supplier built by scanning claim tags out of RETURNED bins,
shipped (moves to the supplier's counterparty `@S:<code>`), then the supplier's acceptance and credit recorded line
by line; refused parts are scrapped with a manager's approval (a move from the supplier's counterparty to @SCRAP,
since the parts are physically with the supplier or written off there). The batch closes when every line is settled.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part, Supplier
from warehouse.catalog.services import money
from warehouse.db import utcnow
from warehouse.documents.services import day_number
from warehouse.errors import Conflict, DomainError, NotFound, ValidationError
from warehouse.ledger import services as ledger
from warehouse.locations.services import virtual
from warehouse.warranty.models import Claim, ReturnBatch, ReturnLine
from warehouse.warranty.services import get_claim


class WrongSupplier(DomainError):
    code = "wrong_supplier"


class BatchState(DomainError):
    code = "batch_state"


def supplier_counterparty(session: Session, supplier: Supplier) -> str:
    code = f"@S:{supplier.code}"
    virtual(session, code, kind="supplier", name=supplier.name)
    return code


def open_batch(session: Session, *, supplier: str, actor: str) -> ReturnBatch:
    sup = session.scalar(select(Supplier).where(Supplier.code == supplier)) if isinstance(supplier, str) else None
    if sup is None:
        raise NotFound(reason="supplier", supplier=supplier)
    batch = ReturnBatch(batch_no=day_number(session, "SR"), supplier_id=sup.id, created_by=actor)
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, batch_no: str, *, lock: bool = False) -> ReturnBatch:
    q = select(ReturnBatch).where(ReturnBatch.batch_no == (batch_no or "").strip().upper())
    batch = session.scalar(q.with_for_update() if lock else q) if isinstance(batch_no, str) else None
    if batch is None:
        raise NotFound(reason="return_batch", batch_no=batch_no)
    return batch


def add_claim(session: Session, *, batch_no: str, claim_no: str) -> ReturnLine:
    """Scan a claim's tag into an open batch: the part must be the batch supplier's and in the returned store."""
    batch = get_batch(session, batch_no, lock=True)
    if batch.status != "open":
        raise BatchState(batch_no=batch.batch_no, status=batch.status)
    claim = get_claim(session, claim_no)
    if claim.intake_doc_no is None:
        raise Conflict(reason="not_taken_in", claim_no=claim.claim_no)
    part = session.get(Part, claim.part_id)
    if part.supplier_id != batch.supplier_id:
        raise WrongSupplier(claim_no=claim.claim_no, part_number=part.part_number)
    if session.scalar(select(ReturnLine.id).where(ReturnLine.claim_no == claim.claim_no)) is not None:
        raise Conflict(reason="already_in_batch", claim_no=claim.claim_no)
    # What we claim from the supplier is the claim's amount for the parts actually returned (a shortfall intake
    # sends fewer), rounded half-up to the cent once.
    claimed = (claim.amount * claim.intake_qty / claim.qty).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    line = ReturnLine(batch_id=batch.id, claim_no=claim.claim_no, part_id=part.id, location=claim.intake_location,
                      qty=claim.intake_qty, claimed=claimed)
    session.add(line)
    session.flush()
    return line


def ship(session: Session, *, batch_no: str, actor: str, role: str | None = None) -> ReturnBatch:
    """Post every line's move out of its RETURNED bin to the supplier; all lines or none."""
    batch = get_batch(session, batch_no, lock=True)
    if batch.status != "open" or not batch.lines:
        raise BatchState(batch_no=batch.batch_no, status=batch.status if batch.lines else "empty")
    dst = ledger.loc_ref(session, supplier_counterparty(session, session.get(Supplier, batch.supplier_id)))
    for line in batch.lines:
        src = ledger.bin_ref(session, line.location, role=role)
        ledger.post_move(session, part=session.get(Part, line.part_id), qty=line.qty, src=src, dst=dst,
                         doc_type="supplier_return", doc_no=batch.batch_no, actor=actor, note=line.claim_no)
    batch.status, batch.shipped_at = "shipped", utcnow()
    session.flush()
    return batch


def settle_line(session: Session, *, batch_no: str, claim_no: str, accepted_qty: int, recovered) -> ReturnLine:
    """The supplier's answer for one line: how many parts it accepts and what it credits us."""
    batch = get_batch(session, batch_no, lock=True)
    if batch.status != "shipped":
        raise BatchState(batch_no=batch.batch_no, status=batch.status)
    line = next((ln for ln in batch.lines if ln.claim_no == (claim_no or "").strip().upper()), None)
    if line is None:
        raise NotFound(reason="return_line", claim_no=claim_no)
    if isinstance(accepted_qty, bool) or not isinstance(accepted_qty, int) or not 0 <= accepted_qty <= line.qty:
        raise ValidationError(field="accepted_qty", reason="out_of_range", min=0, max=line.qty)
    line.accepted_qty, line.recovered = accepted_qty, money(recovered, "recovered")
    _maybe_close(batch)
    session.flush()
    return line


def approve_scrap(session: Session, *, batch_no: str, claim_no: str, actor: str) -> ReturnLine:
    """A manager writes off what the supplier refused (qty − accepted): moved from the supplier to @SCRAP."""
    batch = get_batch(session, batch_no, lock=True)
    line = next((ln for ln in batch.lines if ln.claim_no == (claim_no or "").strip().upper()), None)
    if line is None or line.accepted_qty is None:
        raise NotFound(reason="settled_return_line", claim_no=claim_no)
    refused = line.qty - line.accepted_qty
    if refused == 0 or line.scrap_approved_by:
        raise Conflict(reason="nothing_to_scrap", claim_no=line.claim_no)
    src = ledger.loc_ref(session, supplier_counterparty(session, session.get(Supplier, batch.supplier_id)))
    ledger.post_move(session, part=session.get(Part, line.part_id), qty=refused, src=src,
                     dst=ledger.loc_ref(session, "@SCRAP"), doc_type="scrap", doc_no=batch.batch_no, actor=actor,
                     note=line.claim_no)
    line.scrap_approved_by = actor
    _maybe_close(batch)
    session.flush()
    return line


def _maybe_close(batch: ReturnBatch) -> None:
    settled = all(ln.accepted_qty is not None and (ln.accepted_qty == ln.qty or ln.scrap_approved_by)
                  for ln in batch.lines)
    if settled:
        batch.status, batch.closed_at = "closed", utcnow()


def recovery(session: Session, *, year: int | None = None) -> list[dict]:
    """Claimed vs recovered per supplier and month of shipping (SQL aggregation; money summed exactly)."""
    month = func.to_char(ReturnBatch.shipped_at, "YYYY-MM") \
        if session.get_bind().dialect.name == "postgresql" else func.strftime("%Y-%m", ReturnBatch.shipped_at)
    q = (select(Supplier.code, month.label("month"), func.sum(ReturnLine.claimed),
                func.coalesce(func.sum(ReturnLine.recovered), 0), func.count(ReturnLine.id))
         .join(ReturnLine, ReturnLine.batch_id == ReturnBatch.id).join(Supplier, Supplier.id == ReturnBatch.supplier_id)
         .where(ReturnBatch.shipped_at.is_not(None)).group_by(Supplier.code, month).order_by(month, Supplier.code))
    out = []
    for code, m, claimed, recovered, lines in session.execute(q):
        if year is not None and not str(m).startswith(str(year)):
            continue
        claimed, recovered = Decimal(claimed).quantize(Decimal("0.01")), Decimal(recovered).quantize(Decimal("0.01"))
        out.append({"supplier": code, "month": m, "lines": lines, "claimed": f"{claimed:.2f}",
                    "recovered": f"{recovered:.2f}", "outstanding": f"{claimed - recovered:.2f}"})
    return out


def batch_dict(session: Session, batch: ReturnBatch) -> dict:
    sup = session.get(Supplier, batch.supplier_id)
    numbers = dict(session.execute(select(Part.id, Part.part_number).where(
        Part.id.in_([ln.part_id for ln in batch.lines]))).all()) if batch.lines else {}
    lines = [{"claim_no": ln.claim_no, "part_number": numbers.get(ln.part_id), "location": ln.location,
              "qty": ln.qty, "claimed": f"{ln.claimed:.2f}", "accepted_qty": ln.accepted_qty,
              "recovered": None if ln.recovered is None else f"{ln.recovered:.2f}",
              "scrap_approved_by": ln.scrap_approved_by} for ln in batch.lines]
    return {"batch_no": batch.batch_no, "supplier": sup.code, "supplier_name": sup.name, "status": batch.status,
            "created_by": batch.created_by, "created_at": batch.created_at.isoformat(),
            "shipped_at": batch.shipped_at.isoformat() if batch.shipped_at else None,
            "closed_at": batch.closed_at.isoformat() if batch.closed_at else None,
            "claimed": f"{sum((ln.claimed for ln in batch.lines), Decimal('0')):.2f}",
            "recovered": f"{sum((ln.recovered or Decimal('0') for ln in batch.lines), Decimal('0')):.2f}",
            "lines": lines}


def batch_view(session: Session, batch_no: str) -> dict:
    return batch_dict(session, get_batch(session, batch_no))


def list_batches(session: Session, *, status: str | None = None, supplier: str | None = None,
                 limit: int = 100) -> list[dict]:
    q = select(ReturnBatch, Supplier.code).join(Supplier, Supplier.id == ReturnBatch.supplier_id)
    if status:
        q = q.where(ReturnBatch.status == status)
    if supplier:
        q = q.where(Supplier.code == supplier.strip())
    counts = (select(ReturnLine.batch_id, func.count(), func.sum(ReturnLine.claimed),
                     func.coalesce(func.sum(ReturnLine.recovered), 0)).group_by(ReturnLine.batch_id))
    totals = {b: (n, c, r) for b, n, c, r in session.execute(counts)}
    out = []
    for batch, code in session.execute(q.order_by(ReturnBatch.id.desc()).limit(limit)):
        n, claimed, recovered = totals.get(batch.id, (0, 0, 0))
        out.append({"batch_no": batch.batch_no, "supplier": code, "status": batch.status, "lines": n,
                    "claimed": f"{Decimal(claimed or 0):.2f}", "recovered": f"{Decimal(recovered or 0):.2f}",
                    "created_at": batch.created_at.isoformat(),
                    "shipped_at": batch.shipped_at.isoformat() if batch.shipped_at else None})
    return out


def waiting_by_supplier(session: Session) -> list[dict]:
    """Suppliers whose failed parts wait in the returned-parts store (taken in, in no return batch yet): the
    clerk opens a batch for one of them. Parts of no supplier are left out (they cannot go back)."""
    in_batch = select(ReturnLine.claim_no)
    q = (select(Supplier.code, Supplier.name, func.count(Claim.id), func.sum(Claim.intake_qty))
         .join(Part, Part.supplier_id == Supplier.id).join(Claim, Claim.part_id == Part.id)
         .where(Claim.intake_doc_no.is_not(None), Claim.intake_qty > 0, Claim.claim_no.not_in(in_batch))
         .group_by(Supplier.code, Supplier.name).order_by(Supplier.code))
    return [{"supplier": code, "name": name, "claims": n, "qty": int(qty or 0)}
            for code, name, n, qty in session.execute(q)]
