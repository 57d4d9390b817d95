"""The scan page: a bin, then parts; the page itself talks to the JSON API (`/api/v1/scan`) from the browser."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from service_app.web.common import bp, permission_required
from warehouse import limits


def _messages() -> dict[str, str]:
    """What scan.js says, in the reader's language (`%(name)s` placeholders are filled in by the script)."""
    return {
        "scan_bin": _("Scan a bin"), "scan_part": _("Scan a part"), "scan_to": _("Scan the destination bin"),
        "bin_set": _("Bin selected"), "to_set": _("Destination bin selected"), "mode_set": _("Mode"),
        "reversed": _("Reversed"), "offline": _("No connection — scan again"),
        "retrying": _("No answer — retrying"), "replayed": _("already posted, not posted again"),
        "receive": _("Receive"), "issue": _("Issue"), "transfer": _("Transfer"), "count": _("Count"),
        "pick": _("Pick"), "order_set": _("Order selected"), "scan_order": _("Scan the order's pick list code"),
        "picked": _("picked"), "counted": _("counted"), "bin_done": _("Bin done"), "card": _("card"),
        "no_camera": _("No camera available"), "camera_lost": _("Station camera disconnected"),
        "camera_ok": _("Station camera connected"), "intake": _("Intake"), "scan_tag": _("Scan a claim tag"),
        "tag_set": _("Claim"), "scan_returned_bin": _("now scan the RETURNED bin"), "taken_in": _("Taken in"),
        "intake_receipt": _("Intake receipt"), "as_claimed": _("as claimed"),
        # Confirmations and refusals the page gives before anything is sent
        "cancel": _("Cancel"), "reverse": _("Reverse"), "reverse_title": _("Reverse this move?"),
        "reverse_receive": _("%(qty)s × %(part)s leave bin %(bin)s again: the receipt is cancelled."),
        "reverse_issue": _("%(qty)s × %(part)s go back into bin %(bin)s."),
        "reverse_transfer": _("%(qty)s × %(part)s go back from bin %(to)s to bin %(from)s."),
        "reverse_move": _("Move #%(id)s is cancelled by a reversing move; both stay in the ledger."),
        "bin_done_title": _("Finish bin %(bin)s?"),
        "bin_done_missing": _("%(n)s parts expected in this bin were not scanned: each is counted as 0, a loss the "
                              "manager will approve."),
        "bin_done_none": _("Every part expected in this bin has been counted: nothing is counted as 0."),
        "bin_done_counted": _("Parts counted in this bin: %(n)s."),
        "bin_finished": _("This bin is done."),
        "qty_whole": _("Quantity must be a whole number from 1 to %(max)s: “%(value)s” refused, nothing posted."),
        "bin_cleared": _("bin cleared — scan a bin"),
        "new_note": _("New receipt note"),
        "note_closed": _("The next part received starts a new receipt note."),
    }


@bp.route("/scan")
@permission_required("stock.read")
def scan():
    return render_template("web/scan.html", msg=_messages(), max_qty=limits.MAX_QTY)


@bp.route("/scan/intake")
@permission_required("returned.intake")
def intake_scan():
    """The scan page opened in intake mode: the returned-parts clerk scans a claim tag, then a RETURNED bin."""
    return render_template("web/scan.html", start_mode="intake", msg=_messages(), max_qty=limits.MAX_QTY)
