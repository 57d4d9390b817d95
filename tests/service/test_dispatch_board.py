"""The dispatch board's per-technician day view (a technician's jobs of a day by due time, late and about-to-be-late
marked), dispatch suggestions ranked by region, skills and load (hand-made cases of `rules.rank_candidates`, and
on the ticket page), and the hand-off answer recorded from the ticket page."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.service.conftest import backdate
from tests.service.test_api import T, dispatched, iso, new_job
from warehouse.db import utcnow
from warehouse.service.rules import FULL_LOAD, rank_candidates, skill_tokens


def tech(name, region=None, skills=None, load=0):
    return {"assignee_kind": "technician", "assignee": name, "region": region, "skills": skills, "open_jobs": load}


def station(code, region=None, load=0):
    return {"assignee_kind": "station", "assignee": code, "region": region, "skills": None, "open_jobs": load}


def names(ranked):
    return [c["assignee"] for c in ranked]


def test_skill_tokens():
    assert skill_tokens("Repair, installation、KFR-35GW，保养") == {"repair", "installation", "kfr-35gw", "保养"}
    assert skill_tokens(None) == set() and skill_tokens(" , ") == set()


@pytest.mark.parametrize("candidates, job, expected", [
    # region first: the idle technician elsewhere comes after the busy one in the job's region
    ([tech("a", "华北", "repair", 0), tech("b", "华东", "repair", 3)], ("华东", "repair", None), ["b", "a"]),
    # same region: the one with the skill (the kind, or the unit's model, any case) before the one without
    ([tech("a", "华东", "installation", 0), tech("b", "华东", "kfr-35gw", 2)], ("华东", "repair", "KFR-35GW"),
     ["b", "a"]),
    # same region and skills: the lighter load first, then the name
    ([tech("c", "华东", "repair", 2), tech("a", "华东", "repair", 4), tech("b", "华东", "repair", 2)],
     ("华东", "repair", None), ["b", "c", "a"]),
    # a full technician (FULL_LOAD open jobs) goes after everyone who is not, even out of region and unskilled
    ([tech("a", "华东", "repair", FULL_LOAD), tech("b", "华北", None, 5)], ("华东", "repair", None), ["b", "a"]),
    # a station in the region counts as skilled; at equal load a technician comes first
    ([station("S1", "华东", 1), tech("a", "华东", None, 0), tech("b", "华东", "repair", 1)],
     ("华东", "repair", None), ["b", "S1", "a"]),
    # a job without a region: region plays no part, skills and load decide
    ([tech("a", "华东", "repair", 3), tech("b", None, "repair", 1), tech("c", None, None, 0)],
     (None, "repair", None), ["b", "a", "c"]),
    # region names compare without case and surrounding spaces
    ([tech("a", "north", "repair", 0), tech("b", " East ", "repair", 5)], ("east", "repair", None), ["b", "a"]),
])
def test_rank_candidates(candidates, job, expected):
    region, kind, model = job
    ranked = rank_candidates(candidates, region=region, kind=kind, model=model)
    assert names(ranked) == expected
    assert all({"region_match", "skills_match", "full"} <= set(c) for c in ranked)


def test_suggestions_on_the_ticket_page(client, auth, world):
    admin = auth.headers("admin")
    for user, body in (("tech1", {"region": "华北", "skills": "repair"}),
                       ("tech2", {"region": "华东", "skills": "repair,installation"})):
        r = client.post(f"/api/v1/technicians/{user}/profile", json=body, headers=admin)
        assert r.status_code == 200, r.json
    busy = dispatched(client, auth, technician="tech2", region="华东")  # tech2 has one open job
    no = new_job(client, auth, region="华东")
    auth.login("service_agent", "agent")
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    block = page.split('id="dispatch-suggestions"')[1].split("</ol>")[0]
    # tech2 is in the job's region despite the open job; tech1 is idle but elsewhere
    assert block.index('data-assignee="tech2"') < block.index('data-assignee="tech1"')
    assert "1 个未完成工单" in block or "1 open jobs" in block
    # the job's own assignee is not suggested again on a reassignment
    page = client.get(f"/service/tickets/{busy}").get_data(as_text=True)
    assert 'data-assignee="tech2"' not in page.split('id="dispatch-suggestions"')[1].split("</ol>")[0]


def test_a_technicians_day_on_the_board(client, auth, world, session):
    tech1 = auth.headers("technician", "tech1")
    first, second, reached, other_day = (dispatched(client, auth) for _ in range(4))
    theirs = dispatched(client, auth, technician="tech2")
    now = utcnow()
    today, start = now.date(), now.replace(hour=0, minute=0, second=0, microsecond=0)
    # due times within today (UTC), distinct at any hour (a run just after midnight once tied two of them at 00:00):
    # one reached late (due at 00:00), one passed since (late), one ahead, an hour at most (about to be late)
    backdate(session, first, due_at=start + (now - start) / 2)
    backdate(session, second, due_at=now + min(timedelta(minutes=60), (start + timedelta(days=1) - now) / 2))
    assert client.post(f"{T}/{reached}/arrive", json={"at": iso(now)}, headers=tech1).status_code == 200
    backdate(session, reached, due_at=start)
    backdate(session, other_day, due_at=start + timedelta(days=1, hours=9))
    backdate(session, theirs, due_at=start + timedelta(hours=10))
    auth.login("service_agent", "agent")
    page = client.get("/service/board", query_string={"technician": "tech1", "day": today.isoformat()})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    table = html.split('id="day-jobs"')[1].split("</table>")[0]
    order = [no for no in (reached, first, second) if no in table]
    assert order == [reached, first, second]  # all three, by due time
    assert table.index(reached) < table.index(first) < table.index(second)
    assert other_day not in table and theirs not in table
    assert f'data-ticket="{first}" data-flag="late"' in table
    assert f'data-ticket="{second}" data-flag="due_soon"' in table
    assert f'data-ticket="{reached}" data-flag="late"' in table  # reached after its due time
    # the next day holds the other job only; bad input falls back to today, an unknown technician shows no table
    table = client.get("/service/board", query_string={"technician": "tech1",
                                                       "day": (today + timedelta(days=1)).isoformat()}
                       ).get_data(as_text=True).split('id="day-jobs"')[1].split("</table>")[0]
    assert other_day in table and first not in table
    r = client.get("/service/board", query_string={"technician": "<x>", "day": "2026-13-45"})
    assert r.status_code == 200 and 'id="day-jobs"' not in r.get_data(as_text=True)


def test_handoff_answer_from_the_ticket_page(client, auth, world):
    no = new_job(client, auth)
    agent = auth.headers("service_agent", "agent")
    r = client.post(f"{T}/{no}/handoffs", json={"department": "平台部", "question": "账号无法登录",
                                                 "due_at": iso(utcnow() + timedelta(days=2))}, headers=agent)
    assert r.status_code in (200, 201), r.json
    hid = r.json["id"]
    auth.login("service_agent", "agent")
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert f'name="handoff_id" value="{hid}"' in page
    # empty answer, an unknown hand-off: refused, nothing recorded
    assert client.post(f"/service/tickets/{no}/handoff-answer", data={"handoff_id": hid, "answer": ""}
                       ).status_code == 400
    assert client.post(f"/service/tickets/{no}/handoff-answer", data={"handoff_id": hid + 999, "answer": "x"}
                       ).status_code == 409
    assert client.get(f"{T}/{no}", headers=agent).json["handoffs"][0]["answer"] is None
    r = client.post(f"/service/tickets/{no}/handoff-answer", data={"handoff_id": hid, "answer": "已重置密码，请客户重新登录"})
    assert r.status_code == 302
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert "已重置密码，请客户重新登录" in page and f'name="handoff_id" value="{hid}"' not in page
    assert client.get(f"{T}/{no}", headers=agent).json["handoffs"][0]["answer"] == "已重置密码，请客户重新登录"
    # answered once: a second answer is refused
    assert client.post(f"/service/tickets/{no}/handoff-answer", data={"handoff_id": hid, "answer": "again"}
                       ).status_code == 409
