"""Customer care through the API, on SQLite and PostgreSQL: the knowledge base's workflow and Chinese search, the
suggestions on a ticket, inspections with hand-worked totals and the station ranking, corrective actions, station
files, service checks and the compliance rate — and every refusal writing nothing."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from tests.care.conftest import ok
from warehouse.care import kpis
from warehouse.care.models import CorrectiveAction, Inspection, KbEntry, ServiceCheck

NOV = (datetime(2025, 11, 1, tzinfo=timezone.utc), datetime(2025, 12, 1, tzinfo=timezone.utc))


def count(session, model) -> int:
    session.rollback()
    try:
        return session.scalar(select(func.count()).select_from(model))
    finally:
        session.rollback()  # end the read: on SQLite it would hold up the next request's write


def entry(client, headers, **values) -> int:
    body = {"title": "压缩机不启动", "symptom": "开机后压缩机不启动，有嗡嗡声", "solution": "检查启动电容，更换电容"}
    body.update(values)
    return ok(client.post("/api/v1/kb/entries", json=body, headers=headers), 201)["id"]


def publish(client, auth, entry_id, author="agent1"):
    ok(client.post(f"/api/v1/kb/entries/{entry_id}/submit", headers=auth.headers("service_agent", author)))
    return ok(client.post(f"/api/v1/kb/entries/{entry_id}/review", json={"publish": True},
                          headers=auth.headers("customer_supervisor", "sup")))


def search(client, headers, **params) -> list[str]:
    return [e["title"] for e in ok(client.get("/api/v1/kb/entries", query_string=params, headers=headers))["entries"]]


# --- knowledge base -------------------------------------------------------------------------------------------------

def test_entry_is_reviewed_by_someone_else_before_anyone_finds_it(client, auth, care, session):
    agent = auth.headers("service_agent", "agent1")
    eid = entry(client, agent, model="KFR-35GW", part_number="CMP-1")
    assert search(client, agent, q="压缩机") == []                          # a draft is not published
    assert search(client, agent, q="压缩机", status="draft") == ["压缩机不启动"]
    r = client.post(f"/api/v1/kb/entries/{eid}/review", json={"publish": True}, headers=care["sup"])
    assert r.status_code == 409 and r.json["error"]["code"] == "kb_state"    # not submitted yet
    ok(client.post(f"/api/v1/kb/entries/{eid}/submit", headers=agent))
    r = client.patch(f"/api/v1/kb/entries/{eid}", json={"title": "改"}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "kb_state"    # frozen while in review
    # the supervisor may review, but not an entry she wrote; a technician may not review at all
    own = entry(client, care["sup"], title="自己写的")
    ok(client.post(f"/api/v1/kb/entries/{own}/submit", headers=care["sup"]))
    r = client.post(f"/api/v1/kb/entries/{own}/review", json={"publish": True}, headers=care["sup"])
    assert r.status_code == 403 and r.json["error"]["code"] == "own_kb_entry"
    r = client.post(f"/api/v1/kb/entries/{eid}/review", json={"publish": True},
                    headers=auth.headers("technician", "tech1"))
    assert r.status_code == 403
    r = client.post(f"/api/v1/kb/entries/{eid}/review", json={"publish": False}, headers=care["sup"])
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"  # returning needs a note
    session.rollback()
    assert session.scalar(select(KbEntry.status).where(KbEntry.id == eid)) == "in_review"
    session.rollback()  # end the read: SQLite would keep the writer of the next request waiting
    out = ok(client.post(f"/api/v1/kb/entries/{eid}/review", json={"publish": True, "note": "好"},
                         headers=care["sup"]))
    assert (out["status"], out["reviewer"]) == ("published", "sup")
    assert search(client, agent, q="压缩机") == ["压缩机不启动"]
    # a change of a published entry takes it back to draft, out of search and suggestions
    out = ok(client.patch(f"/api/v1/kb/entries/{eid}", json={"solution": "先测电压"},
                          headers=auth.headers("technician", "tech1")))
    assert (out["status"], out["editor"], out["solution"], out["title"]) == ("draft", "tech1", "先测电压", "压缩机不启动")
    assert search(client, agent, q="压缩机") == []
    # roles that do not keep the knowledge base do not read it
    for role in ("finance", "shipper", "new_store_clerk"):
        assert client.get("/api/v1/kb/entries", headers=auth.headers(role)).status_code == 403


def test_search_by_chinese_words_pinyin_initials_model_and_part(client, auth, care):
    agent = auth.headers("service_agent", "agent1")
    a = entry(client, agent, title="压缩机不启动", model="KFR-35GW", part_number="CMP-1")
    b = entry(client, agent, title="室外风扇电机异响", symptom="外机风扇有异响", solution="紧固风叶", model="KFR-50LW")
    c = entry(client, agent, title="遥控器失灵", symptom="遥控器按键无反应", solution="更换电池")
    for e in (a, b, c):
        publish(client, auth, e)
    assert search(client, agent, q="缩机") == ["压缩机不启动"]             # any substring of two characters
    assert search(client, agent, q="压缩机 嗡嗡") == ["压缩机不启动"]       # every word must match
    assert search(client, agent, q="压缩机 异响") == []
    assert search(client, agent, q="ysj") == ["压缩机不启动"]              # pinyin initials of 压缩机
    assert search(client, agent, q="ykq") == ["遥控器失灵"]                # 遥控器
    assert search(client, agent, q="FSDJ") == ["室外风扇电机异响"]          # 风扇电机, in capitals
    assert search(client, agent, q="kfr") == ["室外风扇电机异响", "压缩机不启动"]  # a word prefix, newest first
    assert search(client, agent, model="kfr-35gw") == ["压缩机不启动"]
    assert search(client, agent, part_number="CMP-1") == ["压缩机不启动"]
    assert search(client, agent, q="电池") == ["遥控器失灵"]                 # the solution is searched too
    assert search(client, agent, q="机") == ["室外风扇电机异响", "压缩机不启动"]  # one character
    r = client.get("/api/v1/kb/entries", query_string={"q": "，。！"}, headers=agent)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    r = client.post("/api/v1/kb/entries", json={"title": "x", "symptom": "y", "solution": "z",
                                                "part_number": "NOPE"}, headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_part"


def test_suggestions_on_a_ticket_rank_by_shared_words(client, auth, care, session):
    """The description 压缩机不启动 has 5 bigrams: 压缩 缩机 机不 不启 启动.
    A (model KFR-35GW, symptom 压缩机不启动…) shares all 5; B (no model, 压缩机过热) shares 压缩 缩机 = 2;
    C (KFR-35GW, 遥控器不启动) shares 不启 启动 = 2; D (other model KFR-50LW) shares 5 but is for another model;
    E shares only 启动 = 1 (below the minimum of 2); F shares 5 but is a draft.
    Expected: A (5), then C (2, the unit's own model) before B (2, general)."""
    agent = auth.headers("service_agent", "agent1")
    ok(client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 12,
                                                       "effective_from": "2015-01-01"}, headers=care["admin"]), 201)
    ok(client.post("/api/v1/units", json={"serial": "SN-0001", "model": "KFR-35GW", "sold_on": "2025-01-10",
                                          "customer": {"name": "张三", "phone": "13800000001"}},
                   headers=care["admin"]), 201)
    t = ok(client.post("/api/v1/tickets", json={"serial": "SN-0001", "category": "device",
                                                "description": "压缩机不启动"}, headers=agent), 201)["ticket_no"]
    ids = {}
    for key, title, symptom, model in (("A", "故障甲", "压缩机不启动，有嗡嗡声", "KFR-35GW"),
                                       ("B", "故障乙", "压缩机过热", None),
                                       ("C", "故障丙", "遥控器不启动", "KFR-35GW"),
                                       ("D", "故障丁", "压缩机不启动", "KFR-50LW"),
                                       ("E", "故障戊", "风扇启动慢", None),
                                       ("F", "故障己", "压缩机不启动", None)):
        ids[key] = entry(client, agent, title=title, symptom=symptom, solution="处理", model=model)
        if key != "F":
            publish(client, auth, ids[key])
    got = ok(client.get(f"/api/v1/tickets/{t}/kb-suggestions", headers=agent))["suggestions"]
    assert [(s["title"], s["shared"]) for s in got] == [("故障甲", 5), ("故障丙", 2), ("故障乙", 2)]
    r = client.get("/api/v1/tickets/TK-NOPE/kb-suggestions", headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_ticket"


# --- inspections ----------------------------------------------------------------------------------------------------

def inspect(client, headers, target, day, scores, kind="station", checklist="STN", **extra):
    body = {"target_kind": kind, "target": target, "checklist": checklist, "inspected_on": day,
            "scores": [{"item": i + 1, "score": s} for i, s in enumerate(scores)], **extra}
    return client.post("/api/v1/inspections", json=body, headers=headers)


def test_scores_outside_the_checklist_are_refused_and_nothing_is_written(client, auth, care, session):
    sup = care["sup"]
    for scores, code in (([41, 30, 30], "score_out_of_range"),      # item 1 is out of 40
                         ([-1, 30, 30], "score_out_of_range"),
                         ([40, 30], "checklist_scores"),             # item 3 missing
                         ([40, 30, 30, 5], "checklist_scores")):     # there is no item 4
        r = inspect(client, sup, "ST-A", "2025-11-02", scores,
                    actions=[{"description": "整改", "due_on": "2025-11-20"}])
        assert r.status_code == 400 and r.json["error"]["code"] == code, r.json
    r = inspect(client, sup, "ST-A", "2025-11-02", [40, 30, 30], checklist="DLR")
    assert r.status_code == 409 and r.json["error"]["code"] == "checklist_target"
    r = inspect(client, sup, "ST-X", "2025-11-02", [40, 30, 30])
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_station"
    r = inspect(client, sup, "ST-A", "2025-11-02", [40, 30, 30], actions=[{"description": "x", "due_on": "2025-11-01"}])
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"   # due before the inspection
    r = inspect(client, sup, "ST-A", "2999-01-01", [40, 30, 30])
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"   # in the future
    r = inspect(client, auth.headers("service_agent", "agent1"), "ST-A", "2025-11-02", [40, 30, 30])
    assert r.status_code == 403
    assert count(session, Inspection) == 0 and count(session, CorrectiveAction) == 0
    r = client.post("/api/v1/checklists", json={"code": "BAD", "name": "x", "target": "call",
                                                "items": [{"text": "a", "max_score": 5}]}, headers=sup)
    assert r.status_code == 400                                                  # a call standard needs a pass score
    r = client.post("/api/v1/checklists", json={"code": "BAD", "name": "x", "target": "station", "pass_score": 6,
                                                "items": [{"text": "a", "max_score": 5}]}, headers=sup)
    assert r.status_code == 400                                                  # pass score above the total


def test_station_ranking_of_a_month(client, auth, care, session):
    """November 2025: ST-A 80 (11-02) + 90 (11-30) = 170 / 200 = 0.85; ST-B 85 / 100 = 0.85 (a shared first place);
    ST-C 60 / 100 = 0.6, third. ST-A's 95 on 10-31 and 10 on 12-01 fall outside the month; a dealer's inspection is
    not a station's. Regions: 华东 (ST-A, ST-B) 255 / 300, 华北 (ST-C) 60 / 100."""
    sup = care["sup"]
    for target, day, scores in (("ST-A", "2025-11-02", [30, 30, 20]), ("ST-A", "2025-11-30", [40, 30, 20]),
                                ("ST-B", "2025-11-15", [35, 25, 25]), ("ST-C", "2025-11-16", [20, 20, 20]),
                                ("ST-A", "2025-10-31", [40, 30, 25]), ("ST-A", "2025-12-01", [5, 5, 0])):
        ok(inspect(client, sup, target, day, scores), 201)
    ok(inspect(client, sup, "D1", "2025-11-10", [3], kind="dealer", checklist="DLR"), 201)
    got = ok(client.get("/api/v1/stations/ranking?month=2025-11", headers=sup))["stations"]
    assert [(r["rank"], r["station"], r["score"], r["max_score"], r["rate"], r["inspections"]) for r in got] == [
        (1, "ST-A", 170, 200, 0.85, 2), (1, "ST-B", 85, 100, 0.85, 1), (3, "ST-C", 60, 100, 0.6, 1)]
    assert kpis.station_scores(session, start=NOV[0], end=NOV[1], by="region") == {"华东": (255, 300),
                                                                                   "华北": (60, 100)}
    assert kpis.station_scores(session, start=NOV[0], end=NOV[1], by=None) == {None: (315, 400)}
    session.rollback()
    assert ok(client.get("/api/v1/stations/ranking?month=2025-09", headers=sup))["stations"] == []
    r = client.get("/api/v1/stations/ranking?month=2025-13", headers=sup)
    assert r.status_code == 400


def test_corrective_action_follow_up_and_station_file(client, auth, care, session):
    sup = care["sup"]
    i = ok(inspect(client, sup, "ST-A", "2025-11-02", [30, 30, 20],
                   actions=[{"description": "备件台账不全", "due_on": "2025-11-20"}]), 201)
    (action,) = i["actions"]
    assert (action["status"], action["overdue"]) == ("open", True)            # 2025-11-20 has passed
    out = ok(client.post(f"/api/v1/corrective-actions/{action['id']}/follow-ups",
                         json={"note": "已补一半"}, headers=sup))
    assert out["status"] == "open" and [f["note"] for f in out["follow_ups"]] == ["已补一半"]
    out = ok(client.post(f"/api/v1/corrective-actions/{action['id']}/follow-ups",
                         json={"note": "已补齐", "close": True}, headers=sup))
    assert (out["status"], out["closed_by"], out["overdue"]) == ("closed", "sup", False)
    r = client.post(f"/api/v1/corrective-actions/{action['id']}/follow-ups", json={"note": "再看"}, headers=sup)
    assert r.status_code == 409 and r.json["error"]["code"] == "action_closed"
    assert ok(client.get("/api/v1/corrective-actions?open=true", headers=sup))["actions"] == []
    man = ok(client.post("/api/v1/stations/st-a/repairmen", json={"name": "王师傅", "qualification": "高级工",
                                                                  "joined_on": "2020-03-01"}, headers=sup), 201)
    ok(client.post(f"/api/v1/repairmen/{man['id']}/trainings", json={"course": "变频空调维修", "trained_on": "2025-06-01",
                                                                     "passed": True}, headers=sup), 201)
    f = ok(client.get("/api/v1/stations/ST-A/file", headers=sup))
    assert [(m["name"], [t["course"] for t in m["trainings"]]) for m in f["repairmen"]] == [("王师傅", ["变频空调维修"])]
    assert [x["score"] for x in f["inspections"]] == [80]
    r = client.post("/api/v1/repairmen/999/trainings", json={"course": "x", "trained_on": "2025-06-01"}, headers=sup)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_repairman"


# --- service checks -------------------------------------------------------------------------------------------------

def check(client, headers, agent, at, scores, checklist="CALL", kind="call"):
    return client.post("/api/v1/service-checks", json={
        "kind": kind, "agent": agent, "checklist": checklist, "checked_at": at,
        "scores": [{"item": i + 1, "score": s} for i, s in enumerate(scores)]}, headers=headers)


def test_compliance_rate_per_agent_and_month(client, auth, care, session):
    """The call standard passes at 8 of 10. November 2025: agent1 10 (yes), 8 (yes, the boundary), 7 (no) → 2/3;
    agent2 5 (no) → 0/1; in all 2/4 = 0.5. agent1's 10 at 2025-10-31T23:59:59Z counts in October, and the one at
    2025-12-01T07:30+08:00 (= 2025-11-30T23:30Z) in November — so agent1 has 3/4 and the month 3/5 = 0.6."""
    sup = care["sup"]
    for agent, at, scores in (("agent1", "2025-11-03T09:00:00Z", [5, 5]), ("agent1", "2025-11-04T09:00:00Z", [4, 4]),
                              ("agent1", "2025-11-05T09:00:00Z", [4, 3]), ("agent2", "2025-11-05T10:00:00Z", [3, 2]),
                              ("agent1", "2025-10-31T23:59:59Z", [5, 5]),
                              ("agent1", "2025-12-01T07:30:00+08:00", [5, 4])):
        ok(check(client, sup, agent, at, scores), 201)
    rep = ok(client.get("/api/v1/service-checks/compliance?month=2025-11", headers=sup))
    assert (rep["checks"], rep["compliant"], rep["rate"]) == (5, 3, 0.6)
    assert [(a["agent"], a["compliant"], a["checks"], a["rate"]) for a in rep["agents"]] == [
        ("agent1", 3, 4, 0.75), ("agent2", 0, 1, 0.0)]
    assert kpis.compliance(session, start=NOV[0], end=NOV[1], by="agent") == {"agent1": (3, 4), "agent2": (0, 1)}
    assert kpis.compliance(session, start=datetime(2025, 10, 1, tzinfo=timezone.utc), end=NOV[1], by="month") == {
        "2025-10": (1, 1), "2025-11": (3, 5)}
    assert kpis.compliance(session, start=datetime(2025, 9, 1, tzinfo=timezone.utc),
                           end=datetime(2025, 10, 1, tzinfo=timezone.utc)) == {}
    session.rollback()
    assert ok(client.get("/api/v1/service-checks/compliance?month=2025-09", headers=sup))["rate"] is None
    # refusals write nothing
    before = count(session, ServiceCheck)
    for r, code in ((check(client, sup, "agent1", "2025-11-06T09:00:00Z", [6, 5]), "score_out_of_range"),
                    (check(client, sup, "nobody", "2025-11-06T09:00:00Z", [5, 5]), "unknown_user"),
                    (check(client, sup, "agent1", "2025-11-06T09:00:00Z", [5, 5], kind="visit"), "checklist_target"),
                    (check(client, sup, "agent1", "2999-11-06T09:00:00Z", [5, 5]), "invalid_input")):
        assert r.json["error"]["code"] == code and 400 <= r.status_code < 500, r.json
    assert count(session, ServiceCheck) == before
    assert check(client, auth.headers("service_agent", "agent1"), "agent2", "2025-11-06T09:00:00Z",
                 [5, 5]).status_code == 403
