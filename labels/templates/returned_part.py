"""`returned_part`: the tag that travels with a failed part sent back under warranty. Code 128 of the claim
number, the part, the dealer, the failure cause and who assessed it when. Default stock 60 x 40 mm."""
from __future__ import annotations

from labels.fields import Fields
from labels.layout import Barcode, Element, rows, text

MARGIN = 1.5
CAUSES = {"quality": "质量 Quality", "human": "人为 Misuse", "wear": "磨损 Wear", "installation": "安装 Installation"}


def draw(f: Fields, w: float, h: float) -> list[Element]:
    claim_no = f.code("claim_no")
    part_number = f.text("part_number")
    name = f.text("name", required=False)
    dealer = f.text("dealer")
    cause = f.text("cause", required=False)
    failure = f.text("failure", required=False)
    assessed_by = f.text("assessed_by", required=False)
    assessed_on = f.text("assessed_on", required=False)

    details = [("part_number", f"零件 Part {part_number} {name}".strip()), ("dealer", f"经销商 Dealer {dealer}")]
    if cause or failure:
        shown = " · ".join(v for v in (CAUSES.get(cause.lower(), cause), failure) if v)
        details.append(("cause" if cause else "failure", f"原因 Cause {shown}"))
    if assessed_by or assessed_on:
        details.append(("assessed_by", f"鉴定 Assessed {assessed_by} {assessed_on}".strip()))

    inner = w - 2 * MARGIN
    boxes = rows(MARGIN, h - MARGIN, [2.8, None, 3.3] + [2.9] * len(details), gap=0.35)
    (y0, h0), (y1, h1), (y2, h2) = boxes[:3]
    out: list[Element] = [
        text(MARGIN, y0, inner, h0, "旧件 RETURNED PART", size=2.5),
        Barcode(0, y1, w, h1, claim_no, "claim_no", max_module=0.375),
        text(MARGIN, y2, inner, h2, claim_no, size=3.2, min_size=2.0, align="center", field="claim_no"),
    ]
    for (field, line), (y, bh) in zip(details, boxes[3:]):
        out.append(text(MARGIN, y, inner, bh, line, size=2.5, min_size=1.7, field=field))
    return out
