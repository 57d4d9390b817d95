"""Order pages: entry on the keyboard alone (the order clerk), the orders list with its status filters and the
shipper's lists (late, ready backorders, the day's register), an order's page (written copy, credit release, pick
list, ship). The entry page's look-ups are the JSON API's (`/api/v1/dealers?q=`, `/api/v1/orders/part-suggestions`),
called by static/js/order_entry.js."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from labels import linear
from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse import limits
from warehouse.db import utcnow
from warehouse.orders import documents, queries, services as orders
from warehouse.orders.rules import PICKABLE, SHIPPABLE, STATUSES
from warehouse.printing import services as printing

bp = Blueprint("orders", __name__)


@bp.app_template_global()
def code128_svg(data: str, module: float = 2, height: int = 60) -> Markup:
    """A Code 128 symbol as inline SVG (no script, prints sharp): the pick list's order code for the scan page."""
    pattern = linear.symbol("code128", data).pattern  # python-barcode's modules, as the labels print them
    quiet = 10 * module  # Code 128's quiet zone: ten modules each side
    width = len(pattern) * module + 2 * quiet
    bars = "".join(f'<rect x="{quiet + x * module:g}" y="0" width="{w * module:g}" height="{height}"/>'
                   for x, w in linear.bar_runs(pattern))
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height}" '
                  f'viewBox="0 0 {width:g} {height}" role="img" aria-label="{Markup.escape(data)}">'
                  f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{bars}</g></svg>')


def status_words() -> dict[str, str]:
    return {"held": _("Held (credit)"), "awaiting_written": _("Waiting for the written order"),
            "released": _("Released"), "picking": _("Picking"), "picked": _("Picked"), "shipped": _("Shipped"),
            "backorder": _("Backorder"), "cancelled": _("Cancelled")}


def channel_choices():
    return [SelectChoice("phone", _l("Phone")), SelectChoice("fax", _l("Fax")), SelectChoice("chat", _l("Chat (QQ/WeChat)"))]


class OrderForm(FlaskForm):
    dealer = StringField(_l("Dealer"), validators=[DataRequired(), Length(max=32)])
    channel = SelectField(_l("Channel"), choices=channel_choices())
    reference = StringField(_l("Written order reference (fax / chat)"),
                            validators=[Optional(), Length(max=limits.REFERENCE_LEN)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Place order"))


class WrittenForm(FlaskForm):
    reference = StringField(_l("Fax / chat reference"), validators=[Optional(), Length(max=limits.REFERENCE_LEN)])
    submit = SubmitField(_l("Record written copy"))


class ShipForm(FlaskForm):
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=64)])
    waybill = StringField(_l("Waybill no."), validators=[Optional(), Length(max=64)])
    parcels = IntegerField(_l("Parcels"), default=1, validators=[Optional(), NumberRange(min=1, max=999)])
    print_labels = BooleanField(_l("Print a shipment label per parcel"), default=True)
    submit = SubmitField(_l("Ship and invoice"))


def _typed_lines() -> list[dict]:
    """The lines as typed: part numbers and quantities in step (a quantity that is not a number stays text, so
    the domain refuses it as `not_integer`)."""
    parts, qtys = request.form.getlist("part_number"), request.form.getlist("qty")
    out = []
    for pn, qty in zip(parts, qtys):
        pn, qty = pn.strip(), qty.strip()
        if pn:
            out.append({"part_number": pn, "qty": int(qty) if qty.isascii() and qty.isdigit() and len(qty) < 10
                        else qty})
    return out


@bp.route("/orders")
@permission_required("orders.read")
def orders_list():
    view = request.args.get("view", "")
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    day = None
    if view == "late":
        rows = queries.late_orders(db.session)
    elif view == "ready":
        rows = queries.backorders_ready(db.session)
    elif view == "shipped":
        try:
            day = date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            day = utcnow().date()
        rows = queries.shipment_register(db.session, day=day)
    else:
        view = ""
        rows = queries.list_orders(db.session, status=status, limit=200)
    return render_template("orders/list.html", rows=rows, view=view, status=status, statuses=STATUSES,
                           words=status_words(), day=day, due_hours=limits.SHIP_DUE_HOURS)


@bp.route("/orders/new", methods=["GET", "POST"])
@permission_required("orders.write")
def new():
    form = OrderForm()
    lines = []
    if request.method == "POST":
        lines = _typed_lines()
        if form.validate_on_submit():
            done = post(lambda: orders.place_order(
                db.session, dealer=form.dealer.data, lines=lines, channel=form.channel.data,
                reference=form.reference.data or None, note=form.note.data or None, actor=current_user.username),
                lambda o: (o.order_no, o.status))
            if done is not None:
                flash(_("Order %(no)s placed: %(status)s.", no=done[0], status=status_words()[done[1]]), "ok")
                return redirect(url_for("orders.detail", order_no=done[0]))
    return render_template("orders/new.html", form=form, lines=lines, max_lines=limits.MAX_ORDER_LINES)


@bp.route("/orders/<order_no>")
@permission_required("orders.read")
def detail(order_no):
    order = queries.show(db.session, order_no)
    return render_template("orders/detail.html", order=order, words=status_words(),
                           written_form=WrittenForm(formdata=None), ship_form=ShipForm(formdata=None),
                           pickable=order["status"] in PICKABLE, shippable=order["status"] in SHIPPABLE)


@bp.route("/orders/<order_no>/written", methods=["POST"])
@permission_required("orders.write")
def written(order_no):
    form = WrittenForm()
    if form.validate_on_submit():
        done = post(lambda: orders.record_written(db.session, order_no=order_no, actor=current_user.username,
                                                  reference=form.reference.data or None))
        if done is not None:
            flash(_("Written copy recorded."), "ok")
    else:
        flash(_("The reference is too long."), "error")
    return redirect(url_for("orders.detail", order_no=order_no))


@bp.route("/orders/<order_no>/release", methods=["POST"])
@permission_required("orders.release")
def release(order_no):
    if post(lambda: orders.release(db.session, order_no=order_no, actor=current_user.username)) is not None:
        flash(_("Credit hold released."), "ok")
    return redirect(url_for("orders.detail", order_no=order_no))


@bp.route("/orders/<order_no>/pick-list")
@permission_required("orders.read")
def pick_list(order_no):
    return render_template("orders/pick_list.html", pick=queries.pick_list(db.session, order_no))


@bp.route("/orders/<order_no>/ship", methods=["POST"])
@permission_required("orders.ship")
def ship(order_no):
    form = ShipForm()
    if not form.validate_on_submit():
        flash(_("Check the carrier, the waybill and the number of parcels (1–999)."), "error")
        return redirect(url_for("orders.detail", order_no=order_no))

    def action():
        order = orders.ship(db.session, order_no=order_no, actor=current_user.username,
                            carrier=form.carrier.data or None, waybill=form.waybill.data or None,
                            parcels=form.parcels.data)
        if form.print_labels.data:  # only the site's printers: a browser may not name any host
            url = printing.allowed_printer(db.session, request.form.get("printer"),
                                           default=current_app.config["PRINTER_URL"])
            documents.queue_shipment_labels(db.session, order=order, actor=current_user.username, printer_url=url)
        return order.invoice_no

    invoice_no = post(action)
    if invoice_no is not None:
        flash(_("Shipped and invoiced (%(no)s).", no=invoice_no), "ok")
    return redirect(url_for("orders.detail", order_no=order_no))


def paper_words() -> dict[str, str]:
    """The order document's captions: the paper goes out in Chinese whatever the screen's language."""
    with force_locale("zh_CN"):
        return {"title": _("Parts sales order"), "finance": _("Finance copy"), "warehouse": _("Warehouse copy"),
                "materials": _("Materials accountant copy"), "archive": _("Archive copy"),
                "order_no": _("Order no."), "date": _("Date"), "dealer": _("Dealer"), "channel": _("Channel"),
                "phone": _("Phone"), "fax": _("Fax"), "chat": _("Chat (QQ/WeChat)"), "address": _("Address"),
                "invoice_title": _("Invoice title"), "invoice_no": _("Invoice"), "waybill": _("Waybill no."),
                "line": "#", "part_number": _("Part number"), "name": _("Name"), "qty": _("Qty"),
                "shipped": _("Picked"), "price": _("Price"), "amount": _("Amount"), "net": _("Total before tax"),
                "tax": _("VAT"), "total": _("Total (tax included)"), "made_by": _("Entered by"),
                "shipped_by": _("Shipped by"), "received_by": _("Received by (dealer)"), "page_of": _("Copy")}


@bp.route("/orders/<order_no>/documents.pdf")
@permission_required("orders.read")
def order_pdf(order_no):
    """The order document in four copies (财务联 / 仓库联 / 材料会计联 / 存档联), one A4 page each."""
    order = orders.get_order(db.session, order_no)
    data = documents.order_pdf(order, words=paper_words(), printed_by=current_user.username)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={order.order_no}.pdf"})
