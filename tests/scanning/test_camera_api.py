"""Camera scanning over HTTP: tablet frames decoded by the real pipeline, station-camera reads as Server-Sent Events
from a real (folder) frame source."""
from __future__ import annotations

import json

import labels


def png(template: str, data: dict) -> bytes:
    return labels.render(template, data, fmt="png", dpi=203)


def test_decode_a_tablet_frame(client, auth):
    frame = png("part", {"part_number": "KF26-PCB-01", "name": "主控板"})
    r = client.post("/api/v1/scan/decode", data=frame, content_type="image/png",
                    headers=auth.headers("new_store_clerk"))
    assert r.status_code == 200, r.json
    assert "KF26-PCB-01" in [s["text"] for s in r.json["symbols"]]


def test_decode_refuses_what_is_not_an_image(client, auth):
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/scan/decode", data=b"\x89PNG\r\n\x1a\nbroken", content_type="image/png", headers=h)
    assert r.status_code == 400 and r.json["error"]["code"] == "bad_image"
    r = client.post("/api/v1/scan/decode", data=b"hello", content_type="text/plain", headers=h)
    assert r.status_code == 415 and r.json["error"]["code"] == "unsupported_media_type"  # images only
    r = client.post("/api/v1/scan/decode", data=b"", content_type="image/jpeg", headers=h)
    assert r.status_code == 400
    r = client.post("/api/v1/scan/decode", data=b"\xff" * (2 << 20), content_type="image/jpeg", headers=h)
    assert r.status_code == 413


def test_decode_is_rate_limited_per_user(client, auth):
    h = auth.headers("new_store_clerk")
    statuses = [client.post("/api/v1/scan/decode", data=b"x", content_type="image/jpeg", headers=h).status_code
                for _ in range(12)]
    assert statuses.count(429) >= 1 and statuses[0] == 400
    r = client.post("/api/v1/scan/decode", data=b"x", content_type="image/jpeg", headers=auth.headers("shipper"))
    assert r.status_code == 400  # another user has their own allowance


def test_station_camera_events_stream_each_code_once(app, client, auth, tmp_path):
    for i, code in enumerate(["N-A01-01", "N-A01-01", "KF26-PCB-01"]):  # the bin is held in view for two frames
        (tmp_path / f"{i:03d}.png").write_bytes(
            png("bin", {"code": code}) if code.startswith("N-") else png("part", {"part_number": code, "name": "x"}))
    app.config["CAMERA_SOURCE"] = str(tmp_path)
    r = client.get("/api/v1/scan/camera/events", headers=auth.headers("new_store_clerk"), buffered=False)
    assert r.status_code == 200 and r.mimetype == "text/event-stream"
    events = []
    for chunk in r.response:
        for line in chunk.decode().splitlines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
        if events and events[-1].get("state") == "ended":
            break
    r.close()
    codes = [e["text"] for e in events if e["type"] == "code"]
    assert codes == ["N-A01-01", "KF26-PCB-01"]


def test_station_camera_not_configured(client, auth):
    r = client.get("/api/v1/scan/camera/events", headers=auth.headers("new_store_clerk"))
    assert r.status_code == 400 and "CAMERA_SOURCE" in r.json["error"]["message"]
