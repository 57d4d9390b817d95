"""Dealers (经销商 / 特约维修点): the registry, price lists, successor parts, and the dealer accounts."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Money, PartNumber, Required, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.dealers import accounts, queries as dealer_queries, services as dealers, statements

blp = Blueprint("api_dealers", __name__, description="Dealers and repair stations, price lists, dealer accounts")


class DealerDetails(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    credit_limit = Money()
    kind = Str(validate=validate.OneOf(limits.DEALER_KINDS))
    parent = Text(32, metadata={"description": "a station's regional office (dealer code)"})
    region = Text(64)
    contact_name = Text(64)
    contact_phone = Text(40)
    address = Text(300)
    price_level = Text(16, metadata={"description": "price list code; null: the parts' dealer_price"})
    payment_terms_days = fields.Integer(strict=True, validate=validate.Range(0, limits.MAX_PAYMENT_TERMS_DAYS))
    tax_number = Text(32)
    invoice_title = Text(200)


class DealerCreate(DealerDetails):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_limit = Money(load_default="0")


class DealerOut(Schema):
    code = fields.String()
    name = fields.String()
    credit_limit = fields.String()
    region = fields.String(allow_none=True)
    kind = fields.String()
    parent = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    price_level = fields.String(allow_none=True)
    payment_terms_days = fields.Integer()
    tax_number = fields.String(allow_none=True)
    invoice_title = fields.String(allow_none=True)
    blocked = fields.Boolean()
    blocked_reason = fields.String(allow_none=True)


def dealer_dict(d) -> dict:
    return {"code": d.code, "name": d.name, "credit_limit": f"{d.credit_limit:.2f}", "region": d.region,
            "kind": d.kind, "parent": d.parent.code if d.parent else None, "contact_name": d.contact_name, "contact_phone": d.contact_phone,
            "address": d.address, "price_level": d.price_level, "payment_terms_days": d.payment_terms_days,
            "tax_number": d.tax_number, "invoice_title": d.invoice_title, "blocked": d.blocked,
            "blocked_reason": d.blocked_reason}


@blp.route("/dealers", methods=["POST"])
@blp.arguments(DealerCreate())
@blp.response(201, DealerOut)
@require("dealers.write")
def create_dealer(body):
    """Register a dealer, regional office or station; its ledger counterparty `@D:<code>` is created with it."""
    return write(lambda _key: dealer_dict(dealers.create_dealer(db.session, **body)), status=201)


class DealerSearch(Schema):
    q = Text(200, metadata={"description": "start of the dealer's code or name; empty: the first dealers by code"})
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 100))


@blp.route("/dealers", methods=["GET"])
@blp.arguments(DealerSearch, location="query")
@require("dealers.read")
def search_dealers(args):
    """Active dealers whose code or name starts with `q` (order entry's dealer suggestions)."""
    return read({"dealers": dealer_queries.search(db.session, args.get("q"), limit=args["limit"])})


@blp.route("/dealers/<code>", methods=["GET"])
@blp.response(200, DealerOut)
@require("dealers.read")
def show_dealer(code):
    return read(dealer_dict(dealers.get_dealer(db.session, code)))


@blp.route("/dealers/<code>", methods=["PATCH"])
@blp.arguments(DealerDetails())
@blp.response(200, DealerOut)
@require("dealers.write")
def update_dealer(body, code):
    """Change registry details (the account block is finance's: POST /dealers/<code>/block)."""
    return write(lambda _key: dealer_dict(dealers.update_dealer(db.session, code=code, **body)))


class BlockIn(Schema):
    blocked = fields.Boolean(required=True)
    reason = Text(limits.NOTE_LEN)


@blp.route("/dealers/<code>/block", methods=["POST"])
@blp.arguments(BlockIn())
@blp.response(200, DealerOut)
@require("dealers.account")
def block_dealer(body, code):
    """Finance blocks a dealer's account (orders → 409 `dealer_blocked`) or lifts the block."""
    return write(lambda _key: dealer_dict(dealers.set_block(db.session, code=code, **body)))


# --- accounts ------------------------------------------------------------------------------------------------------
class Ageing(Schema):
    not_due = fields.String()
    _1_30 = fields.String(data_key="1_30")
    _31_60 = fields.String(data_key="31_60")
    _61_90 = fields.String(data_key="61_90")
    over_90 = fields.String()


class AccountOut(Schema):
    dealer = fields.String()
    balance = fields.String(metadata={"description": "owed by the dealer (negative: owed to the dealer)"})
    overdue = fields.String()
    credit_limit = fields.String()
    blocked = fields.Boolean()
    ageing = fields.Nested(Ageing)
    lines = fields.List(fields.Dict(), metadata={"description": "the latest account lines, newest first"})


@blp.route("/dealers/<code>/account", methods=["GET"])
@blp.response(200, AccountOut)
@require("dealers.read")
def dealer_account(code):
    """Balance and ageing by due date (not yet due, 1–30, 31–60, 61–90, over 90 days overdue; the buckets add up
    to the balance), with the latest lines."""
    dealer = dealers.get_dealer(db.session, code)
    return read({**accounts.account(db.session, dealer), "lines": accounts.entry_dicts(db.session, dealer)})


class AllocationIn(Schema):
    invoice_no = Required(limits.DOCUMENT_LEN)
    amount = Money(required=True)


class PaymentIn(Schema):
    amount = Money(required=True)
    paid_on = fields.Date(required=True)
    reference = Text(limits.REFERENCE_LEN)
    allocations = fields.List(fields.Nested(AllocationIn), validate=validate.Length(max=limits.MAX_ORDER_LINES))


class EntryOut(Schema):
    kind = fields.String()
    source = fields.String()
    amount = fields.String()
    booked_on = fields.String()
    balance = fields.String()


def _entry(e, dealer) -> dict:
    return {"kind": e.kind, "source": e.source, "amount": f"{e.amount:.2f}", "booked_on": e.booked_on.isoformat(),
            "balance": accounts.account(db.session, dealer)["balance"]}


@blp.route("/dealers/<code>/payments", methods=["POST"])
@blp.arguments(PaymentIn())
@blp.response(201, EntryOut)
@require("dealers.account")
def record_payment(body, code):
    """A payment received (finance only). Zero, negative or future-dated → 400. Unallocated amounts settle the
    oldest open invoices first."""
    def run(_key):
        dealer = dealers.get_dealer(db.session, code)
        entry = accounts.record_payment(db.session, dealer=dealer, actor=api_actor().username, **body)
        return _entry(entry, dealer)
    return write(run, status=201)


class AdjustmentIn(Schema):
    amount = Str(required=True, metadata={"description": "signed decimal string: positive charges the dealer",
                                          "example": "-20.00"})
    reason = Required(limits.NOTE_LEN)


@blp.route("/dealers/<code>/adjustments", methods=["POST"])
@blp.arguments(AdjustmentIn())
@blp.response(201, EntryOut)
@require("dealers.account")
def record_adjustment(body, code):
    """A signed correction line (finance only), booked today."""
    def run(_key):
        dealer = dealers.get_dealer(db.session, code)
        entry = accounts.record_adjustment(db.session, dealer=dealer, actor=api_actor().username, **body)
        return _entry(entry, dealer)
    return write(run, status=201)


class CallIn(Schema):
    note = Required(limits.NOTE_LEN)
    promised_on = fields.Date(allow_none=True)


@blp.route("/dealers/<code>/collection-calls", methods=["POST"])
@blp.arguments(CallIn())
@blp.response(201, CallIn)
@require("dealers.collect")
def record_call(body, code):
    """A collection call (催款) by the order clerk or finance."""
    def run(_key):
        call = accounts.record_call(db.session, dealer=dealers.get_dealer(db.session, code),
                                    actor=api_actor().username, **body)
        return {"note": call.note, "promised_on": call.promised_on.isoformat() if call.promised_on else None}
    return write(run, status=201)


@blp.route("/collections", methods=["GET"])
@require("dealers.read")
def collections():
    """Dealers with an overdue amount, most overdue first, with their ageing and the last collection call."""
    return read({"dealers": accounts.collections(db.session)})


class OfficialIn(Schema):
    official_no = Required(32)


@blp.route("/invoices/<invoice_no>/official-number", methods=["POST"])
@blp.arguments(OfficialIn())
@require("dealers.account")
def official_number(body, invoice_no):
    """Record the tax invoice number (发票号) finance issued for one of our invoices (once)."""
    def run(_key):
        inv = accounts.record_official_number(db.session, invoice_no=invoice_no, **body)
        return {"invoice_no": inv.invoice_no, "official_no": inv.official_no, "gross": f"{inv.gross:.2f}"}
    return write(run)


class PeriodIn(Schema):
    month = Required(7, metadata={"example": "2026-10"})


@blp.route("/accounts/periods", methods=["POST"])
@blp.arguments(PeriodIn())
@require("dealers.account")
def close_month(body):
    """Month-end close: lines can no longer be booked into that month (corrections go into the next)."""
    def run(_key):
        p = accounts.close_month(db.session, actor=api_actor().username, **body)
        return {"month": p.month, "closed_by": p.closed_by}
    return write(run, status=201)


# --- price lists and successors -----------------------------------------------------------------------------------
class PriceListIn(Schema):
    code = Required(16)
    name = Required(200)
    kind = Str(load_default="dealer", validate=validate.OneOf(("dealer", "retail")))


@blp.route("/price-lists", methods=["POST"])
@blp.arguments(PriceListIn())
@require("dealers.write")
def create_price_list(body):
    """A price list: one per dealer price level, and RETAIL for customers."""
    def run(_key):
        pl = dealers.create_price_list(db.session, **body)
        return {"code": pl.code, "name": pl.name, "kind": pl.kind}
    return write(run, status=201)


class PriceIn(Schema):
    part_number = PartNumber()
    price = Money(required=True)


@blp.route("/price-lists/<code>/prices", methods=["POST"])
@blp.arguments(PriceIn())
@require("dealers.write")
def set_price(body, code):
    """Set a part's price on a list (parts without one are priced at their dealer_price)."""
    def run(_key):
        item = dealers.set_price(db.session, price_list=code, **body)
        return {"price_list": code.upper(), "part_number": body["part_number"], "price": f"{item.price:.2f}"}
    return write(run)


class SuccessorIn(Schema):
    successor = Text(limits.PART_NUMBER_LEN, required=True, metadata={"description": "null clears it"})


@blp.route("/parts/<part_number>/successor", methods=["POST"])
@blp.arguments(SuccessorIn())
@require("catalog.write")
def set_successor(body, part_number):
    """替代件: name the part that replaces this one; order entry offers it when this one is out of stock."""
    def run(_key):
        part = dealers.set_successor(db.session, part_number=part_number, successor=body["successor"])
        return {"part_number": part.part_number, "successor": body["successor"]}
    return write(run)


# --- monthly statements --------------------------------------------------------------------------------------------
class StatementIn(Schema):
    month = Required(7, metadata={"example": "2026-10"})


class StatementOut(Schema):
    statement_no = fields.String()
    month = fields.String()
    opening = fields.String()
    debits = fields.String()
    credits = fields.String()
    closing = fields.String()
    issued_by = fields.String()
    issued_at = fields.String()
    answer = fields.String(allow_none=True, metadata={"description": "confirmed | disputed | null"})
    disputed_amount = fields.String(allow_none=True)
    answer_note = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)


@blp.route("/dealers/<code>/statements", methods=["POST"])
@blp.arguments(StatementIn())
@blp.response(201, StatementOut)
@require("dealers.account")
def issue_statement(body, code):
    """Issue a dealer's statement for an ended month (finance): its number and figures. Issued again while the
    month is open it is refreshed; after the month-end close it stays as issued. The PDF (in Chinese, with the
    confirmation slip) is the page `/dealers/<code>/statements/<month>.pdf`."""
    return write(lambda _key: statements.statement_dict(statements.issue(
        db.session, dealer=dealers.get_dealer(db.session, code), month=body["month"], actor=api_actor().username)),
        status=201)


@blp.route("/dealers/<code>/statements/<month>", methods=["GET"])
@require("dealers.read")
def show_statement(code, month):
    """The month's statement: opening balance, the lines with a running balance, closing balance, and the issued
    statement with the outlet's answer (null when not issued)."""
    dealer = dealers.get_dealer(db.session, code)
    data = statements.statement_data(db.session, dealer=dealer, month=month)
    return read(statements.data_dict(data, statements.get_statement(db.session, dealer=dealer, month=month)))


class StatementAnswerIn(Schema):
    confirmed = fields.Boolean(required=True)
    disputed_amount = Text(21, metadata={"description": "when not confirmed: the balance the outlet says it owes "
                                                   "(signed decimal string)", "example": "1200.00"})
    note = Text(limits.NOTE_LEN)


@blp.route("/dealers/<code>/statements/<month>/answer", methods=["POST"])
@blp.arguments(StatementAnswerIn())
@blp.response(200, StatementOut)
@require("dealers.collect")
def statement_answer(body, code, month):
    """Record the outlet's answer to an issued statement: confirmed, or disputed with its balance."""
    return write(lambda _key: statements.statement_dict(statements.record_answer(
        db.session, dealer=dealers.get_dealer(db.session, code), month=month, actor=api_actor().username, **body)))
