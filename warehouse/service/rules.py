"""Pure decisions of the field-service area: kinds and states, the clocks, what is charged, KPI arithmetic."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

KINDS = ("repair", "installation", "maintenance", "factory_repair", "complaint", "inquiry", "suggestion")
FIELD_KINDS = ("repair", "installation", "maintenance", "factory_repair")  # dispatched to someone who goes
ANSWERED_KINDS = ("complaint", "inquiry", "suggestion")  # answered, with their response time
CATEGORIES = ("platform", "device", "other")
CHANNELS = ("phone", "visit", "web", "chat", "email")  # 来电 / 来访 / …
PRIORITIES = ("urgent", "high", "normal", "low")
STATUSES = ("open", "dispatched", "arrived", "completed", "reopened", "closed")
ASSIGNEE_KINDS = ("technician", "station")
PAYMENT_METHODS = ("cash", "transfer", "qr")
CAUSES = ("quality", "human", "wear", "installation")

# Which states each step may start from. A refused step is a 409 naming the ticket's state.
ALLOWED = {
    "dispatch": ("open", "dispatched", "arrived", "reopened"),  # from dispatched on it is a reassignment
    "arrive": ("dispatched", "reopened"),
    "complete": ("arrived",),
    "callback": ("completed",),
    "answer": ("open",),
    "quote": ("arrived",),
    "payment": ("arrived", "completed", "closed"),
}

# A tablet records times while offline: its clock may run ahead of the server's by this much (and a time within it
# is accepted); anything later is "in the future".
CLOCK_SKEW = timedelta(minutes=5)

# (contact hours, reach hours) by priority, when no DueRule row matches; counted from the call.
DEFAULT_HOURS = {"urgent": (1, 8), "high": (2, 24), "normal": (4, 48), "low": (8, 72)}

# Customer price of a part = dealer price × this factor (the service's retail mark-up), unless configured.
RETAIL_FACTOR = Decimal("1.30")
CENT = Decimal("0.01")
# "About to be late" on the dispatch board: this close to the due time and not reached yet.
DUE_SOON = timedelta(hours=2)


def pick_rule(rows, *, kind: str, priority: str, region: str | None):
    """The most specific rule row for a job: exact kind beats '*', then exact priority, then exact region."""
    def score(r):
        return ((r.kind == kind) * 4 + (r.priority == priority) * 2 + (r.region == (region or "")) * 1)
    fitting = [r for r in rows if r.kind in (kind, "*") and r.priority in (priority, "*")
               and r.region in ((region or ""), "*")]
    return max(fitting, key=score, default=None)


def clocks(*, logged_at: datetime, contact_hours: int, reach_hours: int) -> tuple[datetime, datetime]:
    """(contact the customer by, reach the site by), both counted from when the call was logged."""
    return logged_at + timedelta(hours=contact_hours), logged_at + timedelta(hours=reach_hours)


def time_problem(at: datetime, *, not_before: datetime | None, now: datetime) -> str | None:
    """None when a recorded time is acceptable; else the reason: "in_future" (beyond the clock-skew tolerance) or
    "before_previous" (earlier than the step it follows)."""
    if at > now + CLOCK_SKEW:
        return "in_future"
    if not_before is not None and at < not_before:
        return "before_previous"
    return None


def chargeable(*, warranty_status: str | None, cause: str | None) -> bool:
    """Out of warranty (or no policy / no unit) or human damage: the customer pays (quote, payment, receipt)."""
    return warranty_status != "in_warranty" or cause == "human"


def customer_price(dealer_price: Decimal, factor: Decimal = RETAIL_FACTOR) -> Decimal:
    return (Decimal(dealer_price) * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def quote(lines: list[tuple[Decimal, int]], *, labour_hours: Decimal, labour_rate: Decimal) -> tuple[Decimal, ...]:
    """(parts, labour, total) for [(unit price, qty)]: each amount rounded half-up to the cent once."""
    parts = sum((price * qty for price, qty in lines), Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)
    labour = (labour_hours * labour_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return parts, labour, parts + labour


def board_flag(*, status: str, due_at: datetime | None, contact_by: datetime | None, contacted: bool,
               now: datetime) -> str | None:
    """What the dispatch board shows for a job not yet reached: late, due_soon, contact_late, or None."""
    if status not in ("dispatched", "reopened", "open") or due_at is None:
        return None
    if now > due_at:
        return "late"
    if due_at - now <= DUE_SOON:
        return "due_soon"
    if contact_by is not None and not contacted and now > contact_by:
        return "contact_late"
    return None


def rate(numerator: int, denominator: int) -> float | None:
    """A KPI as a fraction 0–1, None when nothing was counted (rounded to 4 places)."""
    return None if not denominator else round(numerator / denominator, 4)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of a 'YYYY-MM' month, in UTC."""
    from datetime import timezone
    year, mon = int(month[:4]), int(month[5:7])
    start = datetime(year, mon, 1, tzinfo=timezone.utc)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=timezone.utc)
    return start, end


def median(values) -> float | None:
    """The middle value (the mean of the two middle ones for an even count), None for no values; 2 places."""
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    m = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return round(float(m), 2)


def average(total, count: int) -> float | None:
    """sum / count to 2 places, None when nothing was counted."""
    return None if not count else round(float(total) / count, 2)


# Repeat repairs: a repair job whose unit needs another repair job logged within this long after its completion.
REPEAT_WINDOW = timedelta(days=30)
REPAIR_KINDS = ("repair", "factory_repair")


def is_repeat(completed_at: datetime, later_logged: list[datetime]) -> bool:
    """Another repair of the same unit was logged after this job was completed and within REPEAT_WINDOW of it."""
    return any(completed_at < t <= completed_at + REPEAT_WINDOW for t in later_logged)


def first_response(*, contacted_at, answered_at, arrived_at):
    """When the customer first heard back: the earliest of the contact (field jobs: call and book the visit), the
    answer (complaints, inquiries, suggestions) and, when neither was recorded, the first arrival."""
    times = [t for t in (contacted_at, answered_at) if t is not None]
    return min(times) if times else arrived_at


# --- dispatch suggestions ------------------------------------------------------------------------------------------

# A technician or station with this many open jobs is "full": suggested only after everyone who is not.
FULL_LOAD = 6


def skill_tokens(skills: str | None) -> set[str]:
    """A profile's skills ("repair, installation, KFR-35GW", also with 、 or ，) as lower-case tokens."""
    text = (skills or "").replace("、", ",").replace("，", ",").replace(";", ",")
    return {s.strip().lower() for s in text.split(",") if s.strip()}


def rank_candidates(candidates: list[dict], *, region: str | None, kind: str, model: str | None) -> list[dict]:
    """Dispatch suggestions, best first. Each candidate is {assignee_kind, assignee, region, skills, open_jobs};
    each comes back with `region_match`, `skills_match` and `full`. The order: not full before full (a full
    candidate has FULL_LOAD or more open jobs), then same region as the job before another, then a skill for the
    job's kind or the unit's model before none (a station counts as skilled: it repairs what it is authorised
    for), then the fewest open jobs, then technicians before stations, then the name. A job without a region
    matches nobody's region (region plays no part)."""
    want = {kind.lower()} | ({model.lower()} if model else set())
    out = []
    for c in candidates:
        region_match = bool(region) and (c.get("region") or "").strip().lower() == region.strip().lower()
        skills_match = c["assignee_kind"] == "station" or bool(skill_tokens(c.get("skills")) & want)
        out.append(c | {"region_match": region_match, "skills_match": skills_match,
                        "full": c["open_jobs"] >= FULL_LOAD})
    return sorted(out, key=lambda c: (c["full"], not c["region_match"], not c["skills_match"], c["open_jobs"],
                                      c["assignee_kind"] != "technician", c["assignee"]))


def day_flag(*, status: str, due_at: datetime | None, arrived_at: datetime | None, contact_by: datetime | None,
             contacted: bool, now: datetime) -> str | None:
    """A job on a technician's day: the board's flag while not reached; once reached, `late` if it was reached
    after its due time (the day view shows what went late, not only what is late now)."""
    if arrived_at is not None and due_at is not None and status not in ("dispatched", "reopened", "open"):
        return "late" if arrived_at > due_at else None
    return board_flag(status=status, due_at=due_at, contact_by=contact_by, contacted=contacted, now=now)
