"""The field-service pages through the Flask client: who may open what, the ticket entry, dispatch, callback,
the board, the technician's page (own jobs only, arrival, completion with a part from the van and the signature)
and the KPIs page. Bad form input is answered 400 with nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.service.conftest import refill
from warehouse.attachments.models import Attachment
from warehouse.ledger.models import Move
from warehouse.service.models import Ticket

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFElEQVR4nGP8//8/AwwwMSAB3BwAlm4DBfIlvvkAAAAASUVORK5CYII="


def _count(session, model) -> int:
    session.expire_all()
    n = session.scalar(select(func.count()).select_from(model))
    session.commit()  # end the read: SQLite would keep the app's next write waiting
    return n


def _get(session, ticket_no: str) -> Ticket:
    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))
    session.commit()
    return t


def _ticket(client, auth, **extra) -> str:
    body = {"serial": "SN-0001", "category": "device", "description": "不制冷"} | extra
    r = client.post("/api/v1/tickets", json=body, headers=auth.headers("service_agent", "agent"))
    assert r.status_code == 201, r.json
    return r.json["ticket_no"]


def _dispatched(client, auth, technician="tech1") -> str:
    no = _ticket(client, auth)
    r = client.post(f"/api/v1/tickets/{no}/dispatch", json={"technician": technician},
                    headers=auth.headers("service_agent", "agent"))
    assert r.status_code == 200, r.json
    return no


@pytest.mark.parametrize("role", ["shipper", "finance", "new_store_clerk"])
def test_roles_without_customer_data_get_403(client, auth, world, role):
    no = _ticket(client, auth)
    auth.login(role)
    for url in ("/service/tickets/new", "/service/tickets", f"/service/tickets/{no}", "/service/board",
                "/service/my-jobs"):
        assert client.get(url).status_code == 403, url


def test_agent_logs_a_ticket_from_the_form(client, auth, world, session):
    auth.login("service_agent", "agent")
    page = client.get("/service/tickets/new")
    assert page.status_code == 200 and b"ticket_new.js" in page.data and b"<script>" not in page.data
    r = client.post("/service/tickets/new", data={"serial": "SN-0001", "category": "device", "kind": "repair",
                                                  "channel": "phone", "priority": "", "description": "漏水"})
    assert r.status_code == 302
    no = r.headers["Location"].rsplit("/", 1)[1]
    t = _get(session, no)
    assert t.warranty_status == "in_warranty" and t.customer_id is not None and t.description == "漏水"
    shown = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert "张三" in shown and "in_warranty" in shown and 'id="dispatch-form"' in shown


@pytest.mark.parametrize("data", [
    {"category": "device", "kind": "repair", "channel": "phone", "description": "x"},          # no serial
    {"serial": "SN-0001", "category": "nope", "kind": "repair", "channel": "phone", "description": "x"},
    {"serial": "SN-0001", "category": "device", "kind": "repair", "channel": "phone", "description": ""},
    {"serial": "SN-9999", "category": "device", "kind": "repair", "channel": "phone", "description": "x"},
    {"serial": "SN-0001", "category": "device", "kind": "repair", "channel": "phone", "description": "x",
     "customer_id": "abc"},
])
def test_bad_ticket_form_writes_nothing(client, auth, world, session, data):
    auth.login("service_agent", "agent")
    r = client.post("/service/tickets/new", data=data)
    assert r.status_code == 400 and b'class="flash error"' in r.data
    assert _count(session, Ticket) == 0


def test_technicians_are_offered_by_display_name(client, auth, world, session):
    """The dispatch picker and the board's technician filter name a technician "李师傅 (tech1)", the ticket and the
    board's lists 李师傅; one without a display name by user name alone. The value sent is still the user name."""
    from warehouse.accounts.models import User

    session.scalars(select(User).where(User.username == "tech1")).one().display_name = "李师傅"
    session.commit()
    no = _ticket(client, auth)
    auth.login("service_agent", "agent")
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert '<option value="t:tech1">技术员 李师傅 (tech1)</option>' in page
    assert '<option value="t:tech2">技术员 tech2</option>' in page
    board = client.get("/service/board").get_data(as_text=True)
    assert '<option value="tech1" translate="no">李师傅 (tech1)</option>' in board
    assert client.post(f"/service/tickets/{no}/dispatch", data={"assignee": "t:tech1"}).status_code == 302
    assert _get(session, no).assignee == "tech1"
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert '<dd id="assignee" title="tech1">李师傅</dd>' in page  # and so on the board's lists
    # the reassign picker opens on who has the job, so "Reassign" without a choice is refused, not a move elsewhere
    assert '<option selected value="t:tech1">技术员 李师傅 (tech1)</option>' in page
    r = client.post(f"/service/tickets/{no}/dispatch", data={"assignee": "t:tech1"})
    assert r.status_code == 409 and _get(session, no).assignee == "tech1"
    assert f"工单 {no} 已由 tech1 负责：改派请选择其他人" in r.get_data(as_text=True)
    board = client.get("/service/board").get_data(as_text=True)
    assert "<td>李师傅</td>" in board.split('id="jobs"')[1] and "<td>李师傅" in board.split('id="load"')[1]


def test_dispatch_reassign_and_callback_from_the_ticket_page(client, auth, world, session):
    no = _ticket(client, auth)
    auth.login("service_agent", "agent")
    assert client.post(f"/service/tickets/{no}/dispatch", data={"assignee": "t:nobody"}).status_code == 400
    assert client.post(f"/service/tickets/{no}/dispatch",
                       data={"assignee": "t:tech1", "due_at": "2099-01-01T10:00"}).status_code == 302
    t = _get(session, no)
    assert t.assignee == "tech1" and t.due_at.year == 2099
    assert client.post(f"/service/tickets/{no}/dispatch", data={"assignee": "t:tech2"}).status_code == 302
    session.expire_all()
    t = _get(session, no)
    assert t.assignee == "tech2" and t.due_at.year == 2099  # clocks kept
    # a callback on an open job is refused, nothing written
    r = client.post(f"/service/tickets/{no}/callback", data={"satisfied": "yes", "score": "5"})
    assert r.status_code == 409
    r = client.post(f"/service/tickets/{no}/callback", data={"satisfied": "yes", "score": "9"})
    assert r.status_code == 400
    r = client.post(f"/service/tickets/{no}/handoff", data={"department": "平台部", "question": "账号无法登录",
                                                            "due_at": "2099-01-02T10:00"})
    assert r.status_code == 302
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert "平台部" in page and "tech1 → tech2" in page


def test_list_filters_and_board(client, auth, world, session):
    from tests.service.conftest import backdate
    from datetime import timedelta
    from warehouse.db import utcnow
    late = _dispatched(client, auth)
    backdate(session, late, due_at=utcnow() - timedelta(hours=1))
    other = _ticket(client, auth, category="platform", serial=None, kind="inquiry")
    auth.login("service_agent", "agent")
    page = client.get("/service/tickets?late=1").get_data(as_text=True)
    assert late in page and other not in page
    page = client.get("/service/tickets?kind=inquiry").get_data(as_text=True)
    assert other in page and late not in page
    assert client.get("/service/tickets?status=bogus&kind=<x>").status_code == 200
    board = client.get("/service/board").get_data(as_text=True)
    assert 'http-equiv="refresh" content="30"' in board
    assert late in board.split('id="board-late"')[1].split('id="board-due_soon"')[0]
    assert client.get("/service/tickets/TK-NOPE").status_code == 404


def test_technician_sees_only_their_own_jobs_customer(client, auth, world, session):
    mine = _dispatched(client, auth, "tech1")
    theirs = _dispatched(client, auth, "tech2")
    auth.login("technician", "tech1")
    page = client.get("/service/my-jobs").get_data(as_text=True)
    assert mine in page and theirs not in page and "张三" in page
    other = client.get(f"/service/tickets/{theirs}").get_data(as_text=True)
    assert "张三" not in other and "13800000001" not in other
    assert client.get("/service/tickets/new").status_code == 403
    assert client.get("/service/board").status_code == 403
    assert client.post(f"/service/my-jobs/{theirs}/arrive").status_code == 302
    session.expire_all()
    assert _get(session, theirs).arrived_at is None


def test_technician_arrives_and_completes_with_a_part_and_signature(client, auth, world, session):
    refill(client, auth, "tech1", [("FAN-1", 2)])
    no = _dispatched(client, auth, "tech1")
    auth.login("technician", "tech1")
    page = client.get("/service/my-jobs").get_data(as_text=True)
    assert "V-TECH1" in page and "FAN-1" in page
    assert client.post(f"/service/my-jobs/{no}/arrive").status_code == 302
    moves = _count(session, Move)
    # bad input: a malformed line, a part the van lacks, a forged signature → nothing written
    for data, status in (({"diagnosis": "电机坏", "part_number": ["FAN-1"], "qty": ["x"]}, 400),
                         ({"diagnosis": "电机坏", "part_number": ["CMP-1"], "qty": ["1"]}, 409),
                         ({"diagnosis": "电机坏", "signature": "data:text/html;base64,PGI+"}, 400),
                         ({"diagnosis": ""}, 400)):
        r = client.post(f"/service/my-jobs/{no}/complete", data=data)
        assert r.status_code == status, data
    assert _count(session, Move) == moves and _count(session, Attachment) == 0
    r = client.post(f"/service/my-jobs/{no}/complete",
                    data={"diagnosis": "风扇电机烧毁", "cause": "quality", "labour_hours": "1.5",
                          "part_number": ["FAN-1", ""], "qty": ["1", ""], "signature": PNG, "step_key": "k1"})
    assert r.status_code == 302, r.get_data(as_text=True).split('class="flash')[1:2]
    again = client.post(f"/service/my-jobs/{no}/complete",
                        data={"diagnosis": "x", "part_number": ["FAN-1"], "qty": ["1"], "step_key": "k1"})
    assert again.status_code == 409  # sent twice: applied once
    t = _get(session, no)
    assert t.status == "completed" and t.diagnosis == "风扇电机烧毁"
    assert _count(session, Move) == moves + 1
    a = session.scalar(select(Attachment))
    session.commit()
    assert (a.owner_kind, a.owner_key) == ("ticket", no)
    # the agent records the callback on the page
    auth.login("service_agent", "agent")
    assert client.post(f"/service/tickets/{no}/callback", data={"satisfied": "yes", "score": "5"}).status_code == 302
    session.expire_all()
    assert _get(session, no).status == "closed"


def test_kpis_page(client, auth, world):
    auth.login("manager")
    r = client.get("/service/kpis?month=2025-01")
    assert r.status_code == 200 and b'id="kpi-repair_timeliness_rate"' in r.data
    assert client.get("/service/kpis?month=2025-13").status_code == 400
    auth.login("service_agent", "agent")
    assert client.get("/service/kpis").status_code == 403
