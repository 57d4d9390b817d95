"""The complaint pages without a browser: who may log and handle complaints (complaints.write, as the API), bad input
is a 400 with nothing written, a refused step (unknown person, unknown incident, close without a result) is
flashed with nothing written."""
from __future__ import annotations

from sqlalchemy import func, select

from warehouse.service.models import Complaint, Ticket


def _count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def test_complaint_pages_permissions_bad_input_and_refusals(client, auth, world, session):
    auth.headers("technician", "techx")
    auth.login("technician")
    assert client.get("/service/complaints/new").status_code == 403
    assert client.post("/service/complaints/new", data={"description": "x", "severity": "normal",
                                                        "responsible": "techx"}).status_code == 403
    auth.headers("service_agent", "agent")
    auth.login("service_agent")
    html = client.get("/service/complaints/new").get_data(as_text=True)
    assert "登记投诉" in html and 'value="agent"' in html and 'value="techx"' not in html  # may not be responsible
    tickets = _count(session, Ticket)
    for data in ({"severity": "normal", "responsible": "agent"},  # no description
                 {"description": "x", "severity": "grave", "responsible": "agent"},
                 {"description": "x", "severity": "normal", "responsible": "techx"},
                 {"description": "x" * 4001, "severity": "normal", "responsible": "agent"}):
        r = client.post("/service/complaints/new", data=data)
        assert r.status_code == 400, data
    assert _count(session, Ticket) == tickets
    r = client.post("/service/complaints/new", data={"description": "态度差", "severity": "normal",
                                                     "responsible": "agent", "problem": "服务态度",
                                                     "customer_name": "赵六", "customer_phone": "13600000004"})
    assert r.status_code == 302, r.get_data(as_text=True)
    no = r.headers["Location"].rsplit("/", 1)[1]
    base = f"/service/complaints/{no}"
    r = client.post(f"{base}/incident", data={"incident_no": "QI-NOPE"}, follow_redirects=True)
    assert r.status_code == 409 and "QI-NOPE" in r.get_data(as_text=True)
    r = client.post(f"{base}/close", data={"customer_answer": "不满意"})
    assert r.status_code == 409 and "flash error" in r.get_data(as_text=True)
    r = client.post(f"{base}/assign", data={"responsible": "nobody"})
    assert r.status_code == 400
    c = session.scalars(select(Complaint)).one()
    assert (c.incident_no, c.closed_at, c.customer_answer, c.responsible) == (None, None, None, "agent")
    session.rollback()
    auth.headers("customer_supervisor", "sup")
    r = client.post(f"{base}/assign", data={"responsible": "sup"})
    assert r.status_code == 302
    assert session.scalar(select(Complaint.responsible)) == "sup"


def test_the_person_responsible_is_named_by_display_name(client, auth, world, session):
    """The picker lists "王小丽 (agent)", and the complaint and the list show 王小丽 (the user name in the title); a
    user without a display name is shown by user name."""
    from warehouse.accounts.models import User

    auth.headers("service_agent", "agent")
    auth.headers("customer_supervisor", "sup")
    session.scalars(select(User).where(User.username == "agent")).one().display_name = "王小丽"
    session.commit()
    auth.login("service_agent", "agent")
    html = client.get("/service/complaints/new").get_data(as_text=True)
    assert '<option selected value="agent">王小丽 (agent)</option>' in html and '>sup</option>' in html
    r = client.post("/service/complaints/new", data={"description": "态度差", "severity": "normal",
                                                     "responsible": "agent", "problem": "服务态度",
                                                     "customer_name": "赵六", "customer_phone": "13600000004"})
    assert r.status_code == 302, r.get_data(as_text=True)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="complaint-responsible" translate="no" title="agent">王小丽</dd>' in page
    assert 'title="agent">王小丽</td>' in client.get("/service/complaints").get_data(as_text=True)
    client.post(r.headers["Location"] + "/assign", data={"responsible": "sup"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'title="sup">sup</dd>' in page
