"""A scan looks its part up once: the resolver's row goes to the ledger, which does not select it again. Counted by an
SQLAlchemy listener on the statements a scan sends, on SQLite and PostgreSQL, and through the API."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.ledger.services import receive
from warehouse.scanning import scan_step

READS_PART = re.compile(r"\b(FROM|JOIN)\s+part\b", re.IGNORECASE)
TABLE = re.compile(r"\b(?:FROM|UPDATE|INTO)\s+(\w+)")


def verbs(sent: list[str]) -> list[str]:
    """Each statement as its verb and table; PostgreSQL's one statement for a move (data-modifying CTEs,
    ledger.services._post_at_once) as the steps inside it, in order, joined by "+"."""
    out = []
    for s in sent:
        if s.upper().startswith(("BEGIN", "PRAGMA")):
            continue
        if s.startswith("WITH "):
            steps = re.findall(r"\w+ AS \((UPDATE|INSERT INTO) (\w+)", s)
            out.append(" + ".join(f"{verb.split()[0]} {table}" for verb, table in steps))
        else:
            out.append(f"{s.split()[0]} {TABLE.search(s).group(1)}")
    return out


def move_steps(bind, *steps: str) -> list[str]:
    """The balance, valuation and move steps as sent: one statement on PostgreSQL, one each on SQLite."""
    name = bind.dialect.name
    return [" + ".join(steps)] if name == "postgresql" else list(steps)


@contextmanager
def statements(engine):
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def shelf(any_db_url):
    engine = make_engine(any_db_url)
    s = Session(engine, expire_on_commit=False)
    make_part(s, part_number="AC-100", barcodes=["6901234567892"])
    make_bin(s, "N-A01-01")
    make_bin(s, "N-A01-02")
    s.commit()
    receive(s, part_number="AC-100", location="N-A01-01", qty=10, actor="setup")
    s.commit()
    yield s
    s.close()
    engine.dispose()


SCANS = {
    "issue": dict(mode="issue", location="N-A01-01"),
    "receive": dict(mode="receive", location="N-A01-01"),
    "transfer": dict(mode="transfer", location="N-A01-01", to_location="N-A01-02"),
}


@pytest.mark.parametrize("mode", SCANS)
@pytest.mark.parametrize("code", ["AC-100", "6901234567892"])
def test_a_scan_reads_the_part_once(shelf, mode, code):
    scan_step(shelf, code=code, actor="clerk", **SCANS[mode])  # warm the counterparty cache
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        answer = scan_step(shelf, code=code, actor="clerk", idempotency_key=f"k-{mode}", **SCANS[mode])
        shelf.commit()
    assert answer["part_number"] == "AC-100" and answer["move_id"]
    assert sum(bool(READS_PART.search(s)) for s in sent) == 1, sent


def test_a_scan_issue_sends_its_statements(shelf):
    """The hot path, statement by statement: the part with its bin, the key's earlier move, then balance, valuation
    and the move (five statements on SQLite; three on PostgreSQL, where the last three are one)."""
    scan_step(shelf, code="AC-100", mode="issue", location="N-A01-01", actor="clerk")
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        scan_step(shelf, code="AC-100", mode="issue", location="N-A01-01", actor="clerk", idempotency_key="k1")
    shelf.commit()
    assert verbs(sent) == ["SELECT part", "SELECT move",
                           *move_steps(shelf.get_bind(), "UPDATE balance", "UPDATE valuation", "INSERT move")], sent


def test_a_scan_receipt_sends_its_statements(shelf):
    """A receipt numbers its note (the day's counter) and writes it with the move: on PostgreSQL both inside the
    move's one statement, so a receipt costs the round trips of an issue."""
    from warehouse.documents.models import Document

    scan_step(shelf, code="AC-100", mode="receive", location="N-A01-01", actor="clerk")
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        answer = scan_step(shelf, code="AC-100", mode="receive", location="N-A01-01", actor="clerk",
                           idempotency_key="k1")
    shelf.commit()
    assert verbs(sent) == ["SELECT part", "SELECT move",
                           *move_steps(shelf.get_bind(), "INSERT doc_sequence", "INSERT document", "INSERT balance",
                                       "INSERT valuation", "INSERT move")], sent
    doc = shelf.query(Document).filter_by(doc_no=answer["doc_no"]).one()
    assert (doc.doc_type, doc.store, doc.created_by) == ("receipt", "NEW", "clerk")


def test_the_scan_endpoint_reads_the_part_once(client, auth, app):
    from service_app.extensions import db

    with app.app_context():
        make_part(db.session, part_number="AC-100")
        make_bin(db.session, "N-A01-01")
        db.session.commit()
        receive(db.session, part_number="AC-100", location="N-A01-01", qty=5, actor="setup")
        db.session.commit()
        engine = db.engine
    h = {**auth.headers("new_store_clerk"), "Idempotency-Key": "scan-1"}
    body = {"code": "AC-100", "mode": "issue", "location": "N-A01-01"}
    with statements(engine) as sent:
        first = client.post("/api/v1/scan", json=body, headers=h)
    assert first.status_code == 200 and first.json["qty_on_hand"] == 4
    assert sum(bool(READS_PART.search(s)) for s in sent) == 1
    again = client.post("/api/v1/scan", json=body, headers=h)  # the scan page's retry: replayed, nothing new
    assert again.json == first.json and again.headers["Idempotent-Replay"] == "true"
    assert client.get("/api/v1/stock/AC-100", headers=h).json["total"] == 4


def test_a_gs1_receipt_keeps_the_suppliers_lot_at_no_extra_statement(shelf):
    """(01) GTIN (10) lot: the lot is kept on the receipt's move (issue 9: incidents name lots); the statements
    sent are those of a receipt of the plain GTIN."""
    from warehouse.ledger.models import Move

    gs1 = "]C1" + "0106901234567892" + "10L2405A"
    scan_step(shelf, code="AC-100", mode="receive", location="N-A01-01", actor="clerk", document=None)
    shelf.commit()
    with statements(shelf.get_bind()) as plain:
        scan_step(shelf, code="6901234567892", mode="receive", location="N-A01-01", actor="clerk")
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        answer = scan_step(shelf, code=gs1, mode="receive", location="N-A01-01", actor="clerk")
    shelf.commit()
    assert answer["gs1"]["lot"] == "L2405A"
    assert shelf.get(Move, answer["move_id"]).lot == "L2405A"
    assert len(sent) == len(plain)


def test_the_scan_endpoint_sends_the_floors_statements(client, auth, app):
    """Through the API with an Idempotency-Key: the part with its bin, balance, valuation, the move and the key's
    record. The
    stock path's frame looks the key up only when a request fails (a retry fails on the key's unique move or
    record), and the ledger does not look for the key's move either."""
    from service_app.extensions import db

    with app.app_context():
        make_part(db.session, part_number="AC-100")
        make_bin(db.session, "N-A01-01")
        db.session.commit()
        receive(db.session, part_number="AC-100", location="N-A01-01", qty=5, actor="setup")
        db.session.commit()
        engine = db.engine
    h = auth.headers("new_store_clerk")
    body = {"code": "AC-100", "mode": "issue", "location": "N-A01-01"}
    assert client.post("/api/v1/scan", json=body, headers={**h, "Idempotency-Key": "warm"}).status_code == 200
    with statements(engine) as sent:
        r = client.post("/api/v1/scan", json=body, headers={**h, "Idempotency-Key": "scan-2"})
    assert r.status_code == 200 and r.json["qty_on_hand"] == 3
    assert verbs(sent) == ["SELECT part",
                           *move_steps(engine, "UPDATE balance", "UPDATE valuation", "INSERT move"),
                           "INSERT idempotency_record"], sent
    with statements(engine) as sent:  # the retry: the same statements up to the move's unique key, then the record
        again = client.post("/api/v1/scan", json=body, headers={**h, "Idempotency-Key": "scan-2"})
    assert again.json == r.json and again.headers["Idempotent-Replay"] == "true"
    assert verbs(sent)[0] == "SELECT part" and verbs(sent)[-1] == "SELECT idempotency_record"
    assert "INSERT idempotency_record" not in verbs(sent), sent


def test_a_transfer_scan_reads_the_part_and_both_bins_at_once(shelf):
    """Part, source and destination in the one statement that reads the part: no statement reads a bin alone."""
    scan_step(shelf, code="AC-100", actor="clerk", **SCANS["transfer"])
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        answer = scan_step(shelf, code="AC-100", actor="clerk", idempotency_key="t1", **SCANS["transfer"])
    shelf.commit()
    assert (answer["location"], answer["qty_on_hand"]) == ("N-A01-02", 2)
    assert verbs(sent)[:2] == ["SELECT part", "SELECT move"], sent
    assert not any(TABLE.search(s).group(1) == "location" for s in sent if s.startswith("SELECT")), sent


# A part scanned at a place that is not a bin it may post at: the scan reads the part and places at once, the ledger
# alone looks them up one by one; both refuse with the same error and write nothing.
REFUSED = [
    dict(mode="issue", location="N-Z99-99"),  # no such bin
    dict(mode="issue", location="N-A01-09"),  # a bin taken out of use
    dict(mode="issue", location="@CUSTOMER"),  # not a bin
    dict(mode="issue", location="n-a01-01", role="returned_store_clerk"),  # the other store's clerk
    dict(mode="receive", location="R-A01-01"),  # receipts go to the new-parts store
    dict(mode="transfer", location="N-A01-01", to_location="R-A01-01"),  # across stores
    dict(mode="transfer", location="N-A01-01", to_location="N-Z99-99"),
    dict(mode="transfer", location="N-Z99-99", to_location="N-A01-02"),
    dict(mode="transfer", location="N-A01-01", to_location="N-A01-09"),
]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_a_scan_refuses_a_place_as_the_ledger_does(shelf, case):
    from warehouse.errors import DomainError
    from warehouse.ledger import services as ledger
    from warehouse.ledger.models import Move
    from warehouse.locations.models import Location

    make_bin(shelf, "R-A01-01", store="RETURNED")
    make_bin(shelf, "N-A01-09").active = False
    shelf.commit()
    moves = shelf.query(Move).count()
    case = dict(case)
    mode, role = case.pop("mode"), case.pop("role", None)
    with pytest.raises(DomainError) as by_scan:
        scan_step(shelf, code="AC-100", mode=mode, actor="clerk", role=role, **case)
    shelf.rollback()
    args = dict(part_number="AC-100", qty=1, actor="clerk", role=role)
    if mode == "transfer":
        args.update(from_location=case["location"], to_location=case["to_location"])
    else:
        args.update(location=case["location"])
    with pytest.raises(DomainError) as by_ledger:
        getattr(ledger, mode)(shelf, **args)
    shelf.rollback()
    assert (by_scan.value.code, by_scan.value.params) == (by_ledger.value.code, by_ledger.value.params)
    assert shelf.query(Move).count() == moves
    assert shelf.query(Location).filter_by(code="N-A01-09").one().active is False


def test_a_code_that_is_no_part_number_is_still_found_once(shelf):
    """A supplier's own barcode (plain text, not a GTIN) misses the part-number-with-bins statement and is found by
    the next resolver, the part number not tried twice: two statements read the part, as before."""
    from warehouse.catalog.models import Part, PartBarcode

    shelf.add(PartBarcode(part_id=shelf.query(Part).filter_by(part_number="AC-100").one().id, code="SUP-77-X"))
    shelf.commit()
    with statements(shelf.get_bind()) as sent:
        answer = scan_step(shelf, code="SUP-77-X", actor="clerk", **SCANS["issue"])
    shelf.commit()
    assert (answer["part_number"], answer["matched_by"], answer["qty_on_hand"]) == ("AC-100", "barcode", 9)
    assert sum(bool(READS_PART.search(s)) for s in sent) == 2, sent

