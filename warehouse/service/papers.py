"""Field service's paper on the report base: the charged-repair receipt (收费维修单（收据）) the technician leaves
with the customer — who, which unit, what was done, the parts at the customer price, the labour, the total, what
was paid how, and the signature lines.

A Chinese document by its nature (it goes to the customer), so its captions are fixed here in Chinese, like the
warranty area's papers; the base's own words (page n of m, totals) come in from the shell, rendered in zh_CN.
Amounts are the quote's, exact: each part line is qty × its customer price (cents), the labour line is the quote's
labour amount, and their sum is checked against the quote's total before anything is drawn."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.errors import Forbidden
from warehouse.reports import Column, Labels, Report, render
from warehouse.service.errors import NoQuote
from warehouse.service.models import Payment, Ticket
from warehouse.service.queries import may_see_customer
from warehouse.service.services import get_ticket
from warehouse.warranty.models import Customer, Unit
from warehouse.warranty.papers import DEPARTMENT

TITLE = "收费维修单（收据）"
WARRANTY_WORDS = {"in_warranty": "保修期内", "expired": "已过保修期", "no_policy": "无保修政策", None: "无机组信息"}
CAUSE_WORDS = {"quality": "质量问题", "human": "人为损坏", "wear": "正常磨损", "installation": "安装问题", None: "—"}
METHOD_WORDS = {"cash": "现金", "transfer": "银行转账", "qr": "扫码支付"}
SIGNATURES = ("客户签字", "维修技术员", "收款人")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "—"


def amount_in_words(amount: Decimal) -> str:
    """人民币大写, as written on Chinese receipts: 1234.50 → 壹仟贰佰叁拾肆元伍角整, 100001 → 壹拾万零壹元整."""
    cents = int((amount * 100).to_integral_value())
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out, zero, digits = "", False, str(yuan)
    for i, ch in enumerate(digits if yuan else ""):
        d, pos = int(ch), len(digits) - 1 - i
        if d == 0:
            zero = True
        else:
            out += ("零" if zero else "") + _DIGITS[d] + ("", "拾", "佰", "仟")[pos % 4]
            zero = False
        if pos and pos % 4 == 0 and int(digits[max(0, i - 3):i + 1]):
            out += "万" if pos % 8 == 4 else "亿"
    out += "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    out += _DIGITS[fen] + "分" if fen else "整"
    return out if cents else "零元整"


def receipt_report(session: Session, *, ticket_no: str, printed_by: str, labels: Labels,
                   can_read_customers: bool) -> Report:
    """The receipt of a charged repair as a report: a quote must exist (`no_quote` otherwise). It names the
    customer, so it is printed for those who may see them: the technician holding the job (`printed_by`) and the
    roles that read customers (`forbidden` otherwise)."""
    t: Ticket = get_ticket(session, ticket_no)
    if not may_see_customer(t, username=printed_by, can_read_customers=can_read_customers):
        raise Forbidden(reason="not_assignee", ticket_no=t.ticket_no)
    if t.quote_total is None:
        raise NoQuote(ticket_no=t.ticket_no)
    customer = session.get(Customer, t.customer_id) if t.customer_id else None
    unit = session.get(Unit, t.unit_id) if t.unit_id else None
    rows, labour = [], {}
    for line in t.quote_lines or []:
        if "part_number" in line:
            price = Decimal(line["price"])
            rows.append({"item": len(rows) + 1, "code": line["part_number"], "name": line.get("name") or "",
                         "qty": str(line["qty"]), "price": price, "amount": price * line["qty"]})
        else:
            labour = line
    hours = Decimal(labour.get("labour_hours", "0"))
    rows.append({"item": len(rows) + 1, "code": "工时", "name": f"维修工时 {hours:.2f} 小时",
                 "qty": f"{hours:.2f}", "price": Decimal(labour.get("rate", "0")), "amount": t.quote_labour})
    total = sum((r["amount"] for r in rows), Decimal("0"))
    if total != t.quote_total:  # the paper says exactly what the ticket holds, or nothing
        raise ValueError(f"receipt lines add up to {total}, the quote to {t.quote_total}")
    payments = session.scalars(select(Payment).where(Payment.ticket_id == t.id).order_by(Payment.id)).all()
    owed = t.quote_total - t.paid
    notes = [f"维修单号：{t.ticket_no}    受理时间：{_when(t.created_at)}    完工时间：{_when(t.completed_at)}",
             f"客户：{customer.name if customer else '—'}    电话：{(customer.phone if customer else None) or '—'}",
             f"地址：{(customer.address if customer else None) or '—'}",
             f"机组：{unit.serial if unit else '—'}  {unit.model if unit else ''}    保修状态：{WARRANTY_WORDS.get(t.warranty_status, t.warranty_status)}"
             f"    故障原因：{CAUSE_WORDS.get(t.cause, t.cause)}",
             f"故障描述：{t.description}",
             f"维修内容：{t.diagnosis or '—'}"]
    closing = [f"合计金额：¥{t.quote_total:,.2f}（人民币大写：{amount_in_words(t.quote_total)}）"
               f"    配件：¥{t.quote_parts:,.2f}    工时费：¥{t.quote_labour:,.2f}",
               f"报价确认：{_when(t.quote_accepted_at) if t.quote_accepted_at else '未确认'}"]
    closing += [f"收款：{p.receipt_no}  {_when(p.at)}  {METHOD_WORDS.get(p.method, p.method)}  ¥{p.amount:,.2f}"
                + (f"  凭证号 {p.reference}" if p.reference else "") for p in payments] or ["收款：尚未收款"]
    closing.append(f"已收：¥{t.paid:,.2f}    未收：¥{owed:,.2f}" + ("    已结清" if owed == 0 else ""))
    return Report(
        title=TITLE, department=DEPARTMENT, printed_by=printed_by, notes=notes,
        columns=[Column("item", "序号", width=4), Column("code", "配件号/项目"), Column("name", "名称", width=24),
                 Column("qty", "数量/工时", width=8), Column("price", "单价（元）", "money", total=False),
                 Column("amount", "金额（元）", "money")],
        rows=rows, totals=True, closing=closing, signatures=SIGNATURES, labels=labels, landscape=False,
        sheet_name="收费维修单")


def receipt_pdf(session: Session, *, ticket_no: str, printed_by: str, labels: Labels,
                can_read_customers: bool) -> bytes:
    return render(receipt_report(session, ticket_no=ticket_no, printed_by=printed_by, labels=labels,
                                 can_read_customers=can_read_customers), "pdf")


# --- the completion notice ------------------------------------------------------------------------------------------

NOTICE_TITLE = "完工通知单"
NOTICE_SIGNATURES = ("客户签字", "维修技术员")
KIND_WORDS = {"repair": "维修", "installation": "安装调试", "maintenance": "保养", "factory_repair": "来厂维修",
              "complaint": "投诉", "inquiry": "咨询", "suggestion": "建议"}
COMPLETED = ("completed", "closed")


def _signature_image(session: Session, ticket_no: str) -> bytes | None:
    """The customer's confirmation drawn on the tablet at completion (the web page and the tablet attach it as
    `signature-<no>.png`), the latest one; None when none was attached."""
    from warehouse.attachments.models import Attachment
    return session.scalar(select(Attachment.data).where(
        Attachment.owner_kind == "ticket", Attachment.owner_key == ticket_no,
        Attachment.filename == f"signature-{ticket_no}.png").order_by(Attachment.id.desc()).limit(1))


def completion_report(session: Session, *, ticket_no: str, printed_by: str, labels: Labels,
                      can_read_customers: bool) -> Report:
    """The completion notice (完工通知单) of a finished job: customer, unit and warranty status, the problem, the
    diagnosis and work done, the parts used and the failed parts collected (with their claims), the labour, the
    arrival and completion times, and the customer's signature (drawn on the tablet, else a line to sign).
    Only once the job is completed (`not_completed`); names the customer, so the receipt's rule applies."""
    from warehouse.catalog.models import Part
    from warehouse.service.errors import NotCompleted
    from warehouse.service.models import TicketPart
    from warehouse.warranty.models import Claim
    t: Ticket = get_ticket(session, ticket_no)
    if not may_see_customer(t, username=printed_by, can_read_customers=can_read_customers):
        raise Forbidden(reason="not_assignee", ticket_no=t.ticket_no)
    if t.status not in COMPLETED or t.completed_at is None:
        raise NotCompleted(ticket_no=t.ticket_no, status=t.status)
    customer = session.get(Customer, t.customer_id) if t.customer_id else None
    unit = session.get(Unit, t.unit_id) if t.unit_id else None
    rows = [{"item": 0, "what": "更换配件", "code": pn, "name": name or "", "qty": tp.qty, "ref": tp.location or ""}
            for tp, pn, name in session.execute(select(TicketPart, Part.part_number, Part.name)
                                                .join(Part, Part.id == TicketPart.part_id)
                                                .where(TicketPart.ticket_id == t.id).order_by(TicketPart.id))]
    claim_nos = [no for e in t.events if e.kind == "completed" for no in ((e.data or {}).get("claims") or [])]
    if claim_nos:
        for c, pn, name in session.execute(select(Claim, Part.part_number, Part.name)
                                           .join(Part, Part.id == Claim.part_id)
                                           .where(Claim.claim_no.in_(claim_nos)).order_by(Claim.id)):
            rows.append({"item": 0, "what": "回收旧件", "code": pn, "name": name or "", "qty": c.qty,
                         "ref": f"索赔单 {c.claim_no}"})
    for i, row in enumerate(rows, 1):
        row["item"] = i
    notes = [f"维修单号：{t.ticket_no}    类别：{KIND_WORDS.get(t.kind, t.kind)}    受理时间：{_when(t.created_at)}",
             f"客户：{customer.name if customer else '—'}    电话：{(customer.phone if customer else None) or '—'}",
             f"地址：{(customer.address if customer else None) or '—'}",
             f"机组：{unit.serial if unit else '—'}  {unit.model if unit else ''}    保修状态："
             f"{WARRANTY_WORDS.get(t.warranty_status, t.warranty_status)}",
             f"故障描述：{t.description}",
             f"故障诊断：{t.diagnosis or '—'}    故障原因：{CAUSE_WORDS.get(t.cause, t.cause)}",
             f"维修技术员：{t.assignee or '—'}    到达时间：{_when(t.arrived_at)}    完工时间：{_when(t.completed_at)}"]
    done = t.diagnosis or "—"
    closing = [f"处理结果（维修内容）：{done}；更换配件 {sum(1 for r in rows if r['what'] == '更换配件')} 项，"
               f"回收旧件 {len(claim_nos)} 项",
               f"工时：{t.labour_hours:.2f} 小时",
               "客户确认：以上维修已完成，设备运行正常。"]
    signature = _signature_image(session, t.ticket_no)
    return Report(
        title=NOTICE_TITLE, department=DEPARTMENT, printed_by=printed_by, notes=notes,
        columns=[Column("item", "序号", width=4), Column("what", "类别", width=8), Column("code", "配件号"),
                 Column("name", "名称", width=20), Column("qty", "数量", width=6), Column("ref", "来源/索赔单")],
        rows=rows, closing=closing, images=[("客户签字（平板签名）：", signature)] if signature else (),
        signatures=NOTICE_SIGNATURES[1:] if signature else NOTICE_SIGNATURES, labels=labels, landscape=False,
        sheet_name="完工通知单")


def completion_pdf(session: Session, *, ticket_no: str, printed_by: str, labels: Labels,
                   can_read_customers: bool) -> bytes:
    return render(completion_report(session, ticket_no=ticket_no, printed_by=printed_by, labels=labels,
                                    can_read_customers=can_read_customers), "pdf")
