"""Mode codes printed on the station's sheet: `MODE:RECEIVE`, `MODE:ISSUE`, `MODE:TRANSFER`, `MODE:COUNT`, `MODE:PICK`."""
from __future__ import annotations

from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.scanning.registry import Found, resolver


@resolver("mode")
def mode(session: Session, c: Classified) -> Found:
    return Found({"kind": "mode", "mode": c.value})
