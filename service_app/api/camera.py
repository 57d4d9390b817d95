"""Camera scanning: the tablet posts frames to be decoded; a station camera streams its reads as Server-Sent Events."""
from __future__ import annotations

import json
import queue

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields

import scanners
from service_app.api.common import read
from service_app.auth.identity import api_actor, require
from service_app.ratelimit import limit
from warehouse.errors import DomainError, ValidationError

blp = Blueprint("api_camera", __name__, description="Decode camera frames; station camera events")

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_FRAME = 1024 * 1024  # the app-wide 1 MB body limit applies too; frames from the page are ~100 KB


class BadImage(DomainError):
    code = "bad_image"


class Symbols(Schema):
    symbols = fields.List(fields.Dict(), metadata={"description": "text, symbology, bbox, engine"})


def _rate_key() -> str:
    try:
        return f"user:{api_actor().id}"
    except DomainError:
        return f"ip:{request.remote_addr}"


@blp.route("/scan/decode", methods=["POST"])
@blp.response(200, Symbols)
@blp.doc(requestBody={"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in IMAGE_TYPES}})
@limit("8/second;120/minute", _rate_key)
@require("stock.read")
def decode_frame():
    """Decode one camera frame (raw JPEG/PNG/WebP body, at most 1 MB); answers the symbols found, possibly none."""
    mime = (request.mimetype or "").lower()
    if mime not in IMAGE_TYPES:
        raise ValidationError(field="Content-Type", reason="one_of", allowed=", ".join(IMAGE_TYPES))
    data = request.get_data(cache=False)
    if not data:
        raise BadImage(reason="empty")
    if len(data) > MAX_FRAME:
        raise ValidationError(field="body", reason="frame_too_large", max_mb=MAX_FRAME // 2**20)
    try:
        found = scanners.decode(data, budget_ms=current_app.config.get("DECODE_BUDGET_MS", 150),
                                itf_lengths=current_app.config.get("SCANNER_ITF_LENGTHS"))
    except scanners.ImageError as exc:
        raise BadImage(detail=str(exc)) from None
    return read({"symbols": [{"text": s.text, "symbology": s.symbology, "bbox": list(s.bbox), "engine": s.engine}
                             for s in found]})


def _sse(event: dict) -> str:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"


@blp.route("/scan/camera/events", methods=["GET"])
@blp.doc(responses={"200": {"description": "text/event-stream of code and status events"}})
@require("stock.read")
def camera_events():
    """Server-Sent Events from the station camera (CAMERA_SOURCE): one `code` event per new read, `status` events
    when the camera connects, drops or comes back. The watcher runs while the page listens."""
    from scanners.watch import CodeWatcher

    source = current_app.config.get("CAMERA_SOURCE")
    if not source:
        raise ValidationError(reason="no_camera")
    holdoff = float(current_app.config.get("CAMERA_HOLDOFF", 2.0))
    events: queue.Queue = queue.Queue(maxsize=100)

    def on_event(ev: dict) -> None:
        try:
            events.put_nowait(ev)
        except queue.Full:  # a page that stopped reading must not block the camera
            pass

    try:
        watcher = CodeWatcher(source, holdoff=holdoff, on_event=on_event,
                              itf_lengths=current_app.config.get("SCANNER_ITF_LENGTHS")).start()
    except Exception as exc:  # a source that names nothing fails at open: say so, once
        raise ValidationError(reason="camera_unavailable", detail=str(exc)) from None

    def stream():
        try:
            yield _sse({"type": "status", "state": "listening", "detail": ""})
            while True:
                try:
                    ev = events.get(timeout=15)
                except queue.Empty:
                    yield ": keep-alive\n\n"
                    continue
                yield _sse(ev)
                if ev.get("type") == "status" and ev.get("state") == "ended":
                    return
        finally:
            watcher.stop(timeout=2)

    return Response(stream_with_context(stream()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
