"""What the agent tells the customer on each kind of follow-up call, and the words of complaint states and
escalation reasons, in the reader's language — shared by the call-list API and pages (warehouse.service.callbacks
gives the code and its parameters; the sentences are the shell's)."""
from __future__ import annotations

from flask_babel import gettext as _

from service_app.names import when


def talk_text(talk: dict) -> str:
    code = talk.get("code")
    if code == "job":
        return _("Ask whether the job %(ticket_no)s done on %(date)s solved the problem, whether the customer is "
                 "satisfied, and for a score from 1 to 5.", ticket_no=talk.get("ticket_no"),
                 date=when(talk.get("completed_on"), "date"))
    if code == "periodic":
        return _("Maintenance check %(months)s months after the last service: ask how the %(model)s (%(serial)s) "
                 "runs, remind the customer of regular care and offer a maintenance visit.",
                 months=talk.get("months"), model=talk.get("model"), serial=talk.get("serial"))
    if code == "heating":
        return _("The heating season starts on %(date)s: remind the customer to test the heating of the %(model)s "
                 "now and to call us before the cold comes if anything is wrong.",
                 date=when(talk.get("season_starts"), "date"), model=talk.get("model"))
    if code == "cooling":
        return _("The cooling season starts on %(date)s: remind the customer to clean the filters of the "
                 "%(model)s, test the cooling now and book a maintenance visit if it is weak.",
                 date=when(talk.get("season_starts"), "date"), model=talk.get("model"))
    return ""


def purpose_words() -> dict:
    return {"job": _("After a job"), "periodic": _("Periodic (under maintenance)"), "seasonal": _("Season reminder")}


def season_words() -> dict:
    return {"heating": _("Heating season"), "cooling": _("Cooling season")}


def complaint_words() -> dict:
    return {"status": {"open": _("Waiting for a response"), "responded": _("Responded"),
                       "resolved": _("Result given"), "closed": _("Closed")},
            "severity": {"normal": _("Normal"), "serious": _("Serious")},
            "escalation": {"serious": _("Serious complaint"), "response_late": _("No response within 24 hours"),
                           "result_late": _("Result deadline missed")}}


def care_page_words() -> dict:
    """Knowledge-base states, inspection targets and check kinds, corrective-action states."""
    return {
        "kb_status": {"draft": _("Draft"), "in_review": _("Waiting for review"), "published": _("Published")},
        "target": {"dealer": _("Dealer"), "station": _("Repair station"), "call": _("Call"), "visit": _("Visit")},
        "action": {"open": _("Open"), "closed": _("Closed")},
    }


def care_words() -> dict:
    """Every word above for the care pages (the template global `care_words()`; the keys do not overlap)."""
    return {"purpose": purpose_words(), "season": season_words(), **complaint_words(), **care_page_words()}
