"""Printer drivers against a real socket on 127.0.0.1 (the test printer), a fake `lp`, and a folder."""
from __future__ import annotations

import os
import socket
import struct
import threading
from collections import Counter

import pytest

import labels
from labels.printers import PrinterError, PrinterUrlError, from_url
from labels.printers.tcp import WINDOW
from labels.streams import STATUS_QUERY, split_labels
from labels.testprinter import TestPrinter
from tests.labels.conftest import SAMPLES


def job(lang: str, count: int = 3, template: str = "bin") -> bytes:
    items = [{"code": f"N-A{k:02d}-01"} for k in range(count)] if template == "bin" else [SAMPLES[template]] * count
    return labels.render_batch(template, items, fmt=lang)


def send(p: TestPrinter, data: bytes, timeout: float = 0.5):
    return from_url(p.url(timeout)).send(data, name="test")


@pytest.mark.parametrize("lang", ["zpl", "tspl"])
def test_each_label_arrives_and_is_confirmed(lang):
    with TestPrinter(lang) as p:
        data = job(lang)
        send(p, data)
        assert p.labels == split_labels(data, lang)


def test_down_then_back(printer):
    printer.misbehave("down")
    with pytest.raises(PrinterError) as caught:
        send(printer, job("zpl"))
    assert caught.value.retryable and caught.value.delivered == 0
    assert caught.value.status.reachable is False and "refused" in caught.value.message.lower()
    printer.misbehave("ok")
    send(printer, job("zpl"))
    assert len(printer.labels) == 3


@pytest.mark.parametrize("mode", ["refuse", "reset"])
def test_a_printer_that_takes_nothing_is_not_counted_as_printed(printer, mode):
    """`reset` is the silent loss of port 9100: the job is read and dropped, the connection closes cleanly and
    sendall() succeeds; only the missing status answer tells."""
    printer.misbehave(mode, times=1)
    data = job("zpl")
    with pytest.raises(PrinterError) as caught:
        send(printer, data)
    assert caught.value.retryable and caught.value.delivered == 0
    assert printer.labels == []
    send(printer, data)
    assert printer.labels == split_labels(data, "zpl")


@pytest.mark.parametrize("lang", ["zpl", "tspl"])
@pytest.mark.parametrize("flag", ["paper_out", "head_open", "paused"])
def test_a_printer_reporting_a_fault_gets_nothing(lang, flag):
    with TestPrinter(lang) as p:
        setattr(p, flag, True)
        with pytest.raises(PrinterError) as caught:
            send(p, job(lang))
        assert caught.value.retryable and p.labels == []
        assert getattr(caught.value.status, flag) and not caught.value.status.ready
        assert getattr(from_url(p.url()).status(), flag)


def test_a_printer_silent_while_out_of_paper_gets_nothing(printer):
    printer.mute = True
    with pytest.raises(PrinterError) as caught:
        send(printer, job("zpl"), timeout=0.3)
    assert caught.value.retryable and "nothing was sent" in caught.value.message
    assert printer.labels == []
    status = from_url(printer.url(0.3)).status()
    assert status.reachable and not status.ready


class GoesSilent(TestPrinter):
    """Answers the status query before the job, then no more: out of paper after the first label, say."""

    def answer(self) -> bytes:
        self.answers = getattr(self, "answers", 0) + 1
        return super().answer() if self.answers <= 2 else b""


def test_silence_after_the_job_means_not_printed_yet():
    with GoesSilent("zpl") as p:
        with pytest.raises(PrinterError) as caught:
            send(p, job("zpl", 3), timeout=0.3)
    assert caught.value.retryable and caught.value.delivered == 1


def _sent_offsets(labels_: list[bytes], query: bytes) -> list[int]:
    """Byte offset, in the connection, just past each label (after the status query that precedes the job)."""
    offsets, at = [], len(query)
    for label in labels_:
        at += len(label)
        offsets.append(at)
        at += len(query)
    return offsets


@pytest.mark.parametrize("lang", ["zpl", "tspl"])
def test_a_connection_cut_anywhere_loses_nothing_and_repeats_at_most_the_unanswered_label(lang):
    """Cut the connection at points all through a job, resume as the queue does (from the first label without a
    status answer), and count what the printer received. No label is ever lost. A label is received twice only
    when the cut falls between its last byte and the end of its status query: the printer has it but could not
    answer, which no protocol on port 9100 can tell apart from a label that never arrived."""
    data = job(lang, 4)
    units = split_labels(data, lang)
    query = STATUS_QUERY[lang]
    ends = _sent_offsets(units, query)
    with TestPrinter(lang) as p:
        for cut in range(len(query) + 1, ends[-1] + len(query), 331):
            p.labels.clear()
            p.misbehave("close_mid_job", times=1, cut_after=cut)
            try:
                send(p, data)
                delivered = len(units)
            except PrinterError as err:
                assert err.retryable
                delivered = err.delivered
                send(p, b"".join(units[delivered:]))
            received = Counter(p.labels)
            assert set(received) == set(units), f"cut at {cut}: a label was lost"
            twice = [k for k, unit in enumerate(units) if received[unit] > 1]
            window = [k for k, end in enumerate(ends) if end <= cut < end + len(query)]
            assert twice == window and all(received[u] <= 2 for u in units), f"cut at {cut}"


def test_the_duplicate_window_exists_exactly_where_documented(printer):
    data = job("zpl", 3)
    units = split_labels(data, "zpl")
    end_of_first = _sent_offsets(units, b"~HS")[0]
    printer.misbehave("close_mid_job", times=1, cut_after=end_of_first)
    with pytest.raises(PrinterError) as caught:
        send(printer, data)
    assert caught.value.delivered == 0 and printer.labels == units[:1]


# --- CUPS through a fake lp -----------------------------------------------------------------------------------

@pytest.fixture
def fake_cups(tmp_path, monkeypatch):
    """`lp` and `lpstat` stand-ins on PATH: they record what they were given and answer like CUPS."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_CUPS/args"\ncat > "$FAKE_CUPS/job"\n'
        'case "$FAKE_LP" in ok) echo "request id is q-1 (1 file(s))";; *) echo "$FAKE_LP" >&2; exit 1;; esac\n')
    (bin_dir / "lpstat").write_text('#!/bin/sh\necho "$FAKE_LPSTAT"\n[ -n "$FAKE_LPSTAT_FAIL" ] && exit 1\nexit 0\n')
    for tool in ("lp", "lpstat"):
        os.chmod(bin_dir / tool, 0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CUPS", str(tmp_path))
    monkeypatch.setenv("FAKE_LP", "ok")
    return tmp_path


def test_cups_raw_job(fake_cups):
    data = job("zpl", 2)
    from_url("cups://zebra?lang=zpl").send(data, name="job7-bin")
    assert (fake_cups / "job").read_bytes() == data
    assert (fake_cups / "args").read_text().split() == ["-d", "zebra", "-t", "job7-bin", "-o", "raw"]


def test_cups_pdf_on_a_remote_server(fake_cups):
    from_url("cups://printhost/office").send(b"%PDF-", name="x")
    assert (fake_cups / "args").read_text().split() == ["-h", "printhost", "-d", "office", "-t", "x"]


@pytest.mark.parametrize("answer,retryable", [("lp: Error - Scheduler Not Responding.", True),
                                              ("lp: The printer or class does not exist.", False)])
def test_cups_refusal(fake_cups, monkeypatch, answer, retryable):
    monkeypatch.setenv("FAKE_LP", answer)
    with pytest.raises(PrinterError) as caught:
        from_url("cups://zebra").send(b"%PDF-", name="x")
    assert caught.value.retryable is retryable and answer in caught.value.message


def test_cups_status(fake_cups, monkeypatch):
    monkeypatch.setenv("FAKE_LPSTAT", "printer zebra disabled since Mon - paused by operator")
    status = from_url("cups://zebra").status()
    assert status.reachable and status.paused and not status.ready
    monkeypatch.setenv("FAKE_LPSTAT", "lpstat: Invalid destination name")
    monkeypatch.setenv("FAKE_LPSTAT_FAIL", "1")
    assert from_url("cups://zebra").status().reachable is False


# --- folder ---------------------------------------------------------------------------------------------------

def test_folder_writes_whole_files_with_unique_names(tmp_path):
    printer = from_url(f"file://{tmp_path}/out?lang=zpl")
    data = job("zpl", 1)
    threads = [threading.Thread(target=printer.send, args=(data,), kwargs={"name": "same name"}) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 20 and all(f.suffix == ".zpl" and f.read_bytes() == data for f in files)
    assert printer.status().ready


def test_folder_that_cannot_be_written_is_a_retryable_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PrinterError) as caught:
        from_url(f"file://{tmp_path}/file/sub").send(b"%PDF-", name="x")
    assert caught.value.retryable
    assert from_url(f"file://{tmp_path}/file/sub").status().ready is False


# --- URLs -----------------------------------------------------------------------------------------------------

def test_urls_choose_language_resolution_and_stock():
    tcp = from_url("tcp://10.0.0.7?lang=tspl&dpi=300&size=60x40")
    assert (tcp.host, tcp.port, tcp.lang, tcp.dpi, tcp.size_mm) == ("10.0.0.7", 9100, "tspl", 300, (60.0, 40.0))
    assert from_url("file://instance/labels").path == "instance/labels"
    assert from_url("file:///srv/labels").path == "/srv/labels"
    assert (from_url("file:///srv/labels").lang, from_url("file:///srv/labels").dpi) == ("pdf", 300)


@pytest.mark.parametrize("url", ["", "http://x", "tcp://?lang=zpl", "tcp://h?lang=pdf", "tcp://h?lnag=zpl",
                                 "tcp://h:99999", "cups://", "file://", "tcp://h?size=60", "tcp://h?dpi=9000"])
def test_bad_urls(url):
    with pytest.raises(PrinterUrlError):
        from_url(url)


class SlamsTheDoor(TestPrinter):
    """Closes mid-job with a reset (as on a power loss), which destroys answers still in flight."""

    def _discard(self, conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_an_abortive_close_repeats_no_more_than_the_window():
    data = job("zpl", 12, template="part")
    units = split_labels(data, "zpl")
    ends = _sent_offsets(units, b"~HS")
    with SlamsTheDoor("zpl") as p:
        for cut in (ends[3] + 700, ends[9] + 5):
            p.labels.clear()
            p.misbehave("close_mid_job", times=1, cut_after=cut)
            with pytest.raises(PrinterError) as caught:
                send(p, data)
            send(p, b"".join(units[caught.value.delivered:]))
            received = Counter(p.labels)
            assert set(received) == set(units)
            assert sum(received.values()) - len(units) <= WINDOW
