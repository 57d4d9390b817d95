"""The print queue: nothing queued on bad data, nothing lost when printers misbehave or workers die, nothing
printed twice unless a person reprints. Real sockets (the test printer), real commits, real threads."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

import labels
from labels.printers import PrinterError
from labels.streams import split_labels
from warehouse.db import utcnow
from warehouse.errors import Conflict, DomainError, ValidationError
from warehouse.printing import services, worker
from warehouse.printing.models import LabelPrinter, PrintJob
from tests.labels.conftest import SAMPLES
from warehouse.printing.policy import PrinterPolicy

LOCAL = PrinterPolicy(tcp_allow=("127.0.0.1/32",), tcp_ports=("1024-65535",))  # the test printers


def parts(prefix: str, count: int) -> list[dict]:
    return [dict(SAMPLES["part"], part_number=f"{prefix}-{k:03d}") for k in range(count)]


def enqueue(db, url: str, items: list[dict], template: str = "part", copies: int = 1) -> int:
    with db.begin() as s:
        return services.enqueue(s, template=template, items=items, printer_url=url, copies=copies, actor="clerk").id


def job(db, job_id: int) -> PrintJob:
    with db() as s:
        j = s.get(PrintJob, job_id)
        s.expunge(j)
        return j


def expected_units(db, job_ids) -> Counter:
    with db() as s:
        return Counter(u for j in s.scalars(select(PrintJob).where(PrintJob.id.in_(job_ids)))
                       for u in split_labels(j.rendered, j.lang))


def drain(db, *, start=None, passes: int = 30) -> None:
    """Run the worker pass after pass, each past every back-off, until nothing is left to do."""
    now = start or utcnow()
    for _ in range(passes):
        now += worker.BACKOFF_MAX + timedelta(seconds=1)
        if not worker.deliver_due(db, now=now).claimed:
            return


# --- queueing ---------------------------------------------------------------------------------------------------

def test_bad_data_queues_nothing_and_names_the_item(db, printer):
    items = parts("P", 2) + [{"name": "刹车片"}]
    with db.begin() as s, pytest.raises(services.InvalidLabel) as caught:
        services.enqueue(s, template="part", items=items, printer_url=printer.url(), copies=3, actor="clerk")
    assert caught.value.code == "missing_field"
    assert caught.value.params["label"] == 3 and caught.value.params["field"] == "part_number"
    with db() as s:
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 0


@pytest.mark.parametrize("kw,error", [
    ({"template": "sticker"}, services.InvalidLabel),
    ({"printer_url": "lpt1:"}, services.BadPrinterUrl),
    ({"copies": 0}, ValidationError),
    ({"items": []}, ValidationError),
    ({"items": parts("P", 1), "copies": services.MAX_COPIES + 1}, ValidationError),
])
def test_bad_requests_are_domain_errors(db, printer, kw, error):
    args = dict(template="part", items=parts("P", 1), printer_url=printer.url(), copies=1, actor="clerk") | kw
    with db.begin() as s, pytest.raises(error) as caught:
        services.enqueue(s, **args)
    assert isinstance(caught.value, DomainError) and caught.value.code


def test_a_job_holds_the_rendered_labels_for_its_printer_copies_in_a_row(db, tspl_printer):
    job_id = enqueue(db, tspl_printer.url() + "&size=60x40", parts("P", 2), copies=2)
    j = job(db, job_id)
    assert (j.state, j.lang, j.dpi, j.labels_count, j.labels_done, j.created_by) == ("queued", "tspl", 203, 4, 0,
                                                                                      "clerk")
    with db() as s:
        units = split_labels(s.get(PrintJob, job_id).rendered, "tspl")
    assert units[0] == units[1] != units[2] == units[3]
    assert units[0].startswith(b"SIZE 60 mm,40 mm")


# --- delivery -----------------------------------------------------------------------------------------------

def test_a_batch_is_one_job_delivered_whole(db, printer):
    job_id = enqueue(db, printer.url(), parts("P", 200))
    stats = worker.deliver_due(db)
    assert (stats.claimed, stats.done, stats.labels) == (1, 1, 200)
    assert printer.connections == 1
    j = job(db, job_id)
    assert (j.state, j.labels_done, j.attempts, j.last_error) == ("done", 200, 1, None) and j.sent_at
    assert Counter(printer.labels) == expected_units(db, [job_id])


def test_a_pdf_job_lands_in_a_folder_as_one_file(db, tmp_path):
    job_id = enqueue(db, f"file://{tmp_path}/out", parts("P", 3))
    worker.deliver_due(db)
    (pdf,) = (tmp_path / "out").iterdir()
    assert f"-job{job_id}-part-" in pdf.name and pdf.suffix == ".pdf"
    assert len(pdfium.PdfDocument(pdf.read_bytes())) == 3
    assert job(db, job_id).state == "done"


SCENARIO = [("down", {}), ("refuse", {"times": 1}), ("close_mid_job", {"times": 1, "cut_after": 9000}),
            ("reset", {"times": 1}), ("ok", {})]


def test_every_label_arrives_exactly_once_through_a_misbehaving_printer(any_db, printer):
    """Off, refusing, cut mid-job, silently resetting, out of paper and silent, out of paper and saying so:
    each pass leaves the jobs queued with their error, and in the end every label has arrived exactly once."""
    db = any_db
    ids = [enqueue(db, printer.url(0.3), parts(f"J{n}", 3)) for n in range(4)]
    now = utcnow()
    for mode, options in SCENARIO:
        for flag in ("paper_out", "mute"):
            setattr(printer, flag, True)
            received = len(printer.labels)
            assert worker.deliver_due(db, now=now).retried == 1
            assert len(printer.labels) == received, "a printer out of paper is sent nothing"
            setattr(printer, flag, False)
            now += worker.BACKOFF_MAX + timedelta(seconds=1)
        printer.misbehave(mode, **options)
        stats = worker.deliver_due(db, now=now)
        if mode != "ok":
            assert stats.retried >= 1 and stats.failed == 0
            waiting = [job(db, i) for i in ids if job(db, i).state == "queued"]
            assert any(j.last_error and j.next_attempt_at > now for j in waiting), "queued with its error, backing off"
        now += worker.BACKOFF_MAX + timedelta(seconds=1)
    drain(db, start=now)
    assert {job(db, i).state for i in ids} == {"done"}
    assert Counter(printer.labels) == expected_units(db, ids), "each label exactly once"


def test_a_job_cut_mid_way_resumes_after_the_last_confirmed_label(db, printer):
    job_id = enqueue(db, printer.url(), parts("P", 5))
    with db() as s:
        units = split_labels(s.get(PrintJob, job_id).rendered, "zpl")
    printer.misbehave("close_mid_job", times=1, cut_after=3 + len(units[0]) + 3 + len(units[1]) + 3 + 100)
    assert worker.deliver_due(db).retried == 1
    j = job(db, job_id)
    assert (j.state, j.labels_done) == ("queued", 2) and "confirmed 2 of 5" in j.last_error
    drain(db)
    assert printer.labels == units


def test_back_off_doubles_up_to_five_minutes(db, printer):
    printer.misbehave("down")
    job_id = enqueue(db, printer.url(), parts("P", 1))
    now = utcnow()
    waits = []
    for _ in range(10):
        worker.deliver_due(db, now=now)
        j = job(db, job_id)
        waits.append(round((j.next_attempt_at - now).total_seconds()))
        now = j.next_attempt_at + timedelta(seconds=1)
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert job(db, job_id).state == "queued" and printer.labels == []


def test_one_printer_off_costs_one_attempt_per_pass_not_one_per_job(db, printer):
    printer.misbehave("down")
    for n in range(5):
        enqueue(db, printer.url(), parts(f"P{n}", 1))
    stats = worker.deliver_due(db)
    assert (stats.claimed, stats.retried) == (1, 1)


def test_a_permanent_error_fails_the_job_for_a_person(db, printer):
    class Broken:
        def send(self, job, *, name):
            raise PrinterError("no such queue", retryable=False)

    job_id = enqueue(db, printer.url(), parts("P", 1))
    assert worker.deliver_due(db, resolver=lambda url: Broken()).failed == 1
    j = job(db, job_id)
    assert (j.state, j.last_error) == ("failed", "no such queue")
    assert worker.deliver_due(db, now=utcnow() + timedelta(days=1)).claimed == 0


# --- leases, crashes and concurrency ---------------------------------------------------------------------------

def test_a_worker_that_dies_mid_send_loses_nothing(any_db, printer):
    db = any_db
    job_id = enqueue(db, printer.url(), parts("P", 3))
    now = utcnow()
    assert worker.claim_due(db, now=now) is not None  # ... and the worker dies before sending
    assert worker.deliver_due(db, now=now + timedelta(seconds=1)).claimed == 0, "its lease still holds"
    stats = worker.deliver_due(db, now=now + worker.LEASE + timedelta(seconds=1))
    assert stats.done == 1
    j = job(db, job_id)
    assert (j.state, j.attempts) == ("done", 2)
    assert Counter(printer.labels) == expected_units(db, [job_id])


def test_a_worker_whose_lease_was_taken_over_records_nothing(any_db, printer):
    db = any_db
    job_id = enqueue(db, printer.url(), parts("P", 1))
    now = utcnow()
    stale = worker.claim_due(db, now=now)
    assert worker.deliver_due(db, now=now + worker.LEASE + timedelta(seconds=1)).done == 1
    worker._record(db, stale, worker.Outcome(False, "late failure", retryable=True), now)
    j = job(db, job_id)
    assert (j.state, j.last_error) == ("done", None)


def test_a_confirmed_job_is_never_sent_again(db, printer):
    enqueue(db, printer.url(), parts("P", 2))
    worker.deliver_due(db)
    assert worker.deliver_due(db, now=utcnow() + timedelta(days=365)).claimed == 0
    assert len(printer.labels) == 2


def test_the_lease_is_kept_alive_while_a_slow_job_is_sent(db, printer):
    class Slow:  # takes 2.5 leases to send
        def send(self, job, *, name):
            threading.Event().wait(1.5)
            seen.append(worker.claim_due(db, now=utcnow() + timedelta(seconds=0.2)))

    seen: list = []
    enqueue(db, printer.url(), parts("P", 1))
    assert worker.deliver_due(db, resolver=lambda url: Slow(), lease=timedelta(seconds=0.6)).done == 1
    assert seen == [None], "no other worker could take the job while it was being sent"


def test_concurrent_workers_deliver_every_label_once(any_db, printer):
    db = any_db
    ids = [enqueue(db, printer.url(), parts(f"C{n}", 2)) for n in range(24)]

    def work():
        while worker.deliver_due(db, limit=3).claimed:
            pass

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert {(job(db, i).state, job(db, i).attempts) for i in ids} == {("done", 1)}
    assert Counter(printer.labels) == expected_units(db, ids)


def test_run_worker_once_stops_when_nothing_is_deliverable(db, printer):
    for n in range(3):
        enqueue(db, printer.url(), parts(f"P{n}", 1))
    assert worker.run_worker(db, once=True).done == 3
    printer.misbehave("down")
    enqueue(db, printer.url(), parts("Q", 1))
    stats = worker.run_worker(db, once=True)
    assert (stats.claimed, stats.retried) == (1, 1)


def test_run_worker_in_a_thread_until_stopped(db, printer):
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_worker, args=(db,), kwargs={"poll": 0.05, "stop_event": stop})
    thread.start()
    try:
        enqueue(db, printer.url(), parts("P", 2))
        assert printer.wait_for(2, timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


# --- people: cancel, reprint, the queue page ----------------------------------------------------------------------

def test_cancel_stops_a_queued_job(db, printer):
    job_id = enqueue(db, printer.url(), parts("P", 1))
    for _ in range(2):  # twice: the second is a no-op
        with db.begin() as s:
            assert services.cancel(s, job_id=job_id, actor="boss").state == "cancelled"
    worker.deliver_due(db)
    assert printer.labels == [] and job(db, job_id).cancelled_by == "boss"


def test_a_job_being_sent_or_done_cannot_be_cancelled(db, printer):
    job_id = enqueue(db, printer.url(), parts("P", 1))
    claim = worker.claim_due(db, now=utcnow())
    with db.begin() as s, pytest.raises(Conflict):
        services.cancel(s, job_id=job_id, actor="boss")
    worker._record(db, claim, worker.Outcome(True), utcnow())
    with db.begin() as s, pytest.raises(Conflict):
        services.cancel(s, job_id=job_id, actor="boss")


def test_reprint_is_a_new_job_and_prints_again(db, printer, tspl_printer):
    job_id = enqueue(db, printer.url(), parts("P", 2))
    with db.begin() as s, pytest.raises(Conflict):
        services.reprint(s, job_id=job_id, actor="boss")  # still queued: it will print anyway
    worker.deliver_due(db)
    with db.begin() as s:
        again = services.reprint(s, job_id=job_id, actor="boss").id
        elsewhere = services.reprint(s, job_id=job_id, actor="boss", printer_url=tspl_printer.url()).id
    worker.deliver_due(db)
    assert job(db, again).reprint_of_id == job_id and job(db, elsewhere).lang == "tspl"
    assert Counter(printer.labels) == Counter({unit: 2 for unit in expected_units(db, [job_id])})
    assert len(tspl_printer.labels) == 2


def test_the_queue_page_view(db, printer):
    done = enqueue(db, printer.url(), parts("P", 1))
    worker.deliver_due(db)
    printer.misbehave("down")
    waiting = enqueue(db, printer.url(), parts("Q", 1))
    worker.deliver_due(db)
    with db.begin() as s:
        services.register_printer(s, name="Receiving Zebra", url=printer.url(), policy=LOCAL)
    with db() as s:
        view = services.queue_view(s)
        assert [j.id for j in view.jobs] == [waiting, done]
        assert view.counts == {"done": 1, "queued": 1}
        assert "rendered" not in view.jobs[0].__dict__, "the job bytes are not loaded for a list"
        (row,) = view.printers
        assert (row.name, row.reachable, row.ready) == ("Receiving Zebra", False, False)
        assert [j.id for j in services.queue_view(s, states=["queued"]).jobs] == [waiting]


def test_refresh_printers_records_each_state(db, printer, tspl_printer):
    tspl_printer.paper_out = True
    with db.begin() as s:
        services.register_printer(s, name="zebra", url=printer.url(), policy=LOCAL)
        services.register_printer(s, name="tsc", url=tspl_printer.url(), policy=LOCAL)
    assert services.refresh_printers(db) == 2
    with db() as s:
        rows = {r.name: r for r in s.scalars(select(LabelPrinter))}
    assert rows["zebra"].ready and not rows["tsc"].ready and rows["tsc"].paper_out and rows["tsc"].checked_at


def test_rendering_settings_follow_the_printer_url(db, printer):
    job_id = enqueue(db, printer.url().replace("lang=zpl", "lang=zpl&dpi=300"), parts("P", 1))
    with db() as s:
        rendered = s.get(PrintJob, job_id).rendered
    assert rendered == labels.render("part", parts("P", 1)[0], fmt="zpl", dpi=300)
