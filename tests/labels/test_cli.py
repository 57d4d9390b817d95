"""`python -m labels` (CONTRACT §6) and the package boundaries (no Flask, no socket at import)."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from labels.__main__ import main
from tests.labels.conftest import SAMPLES, decode, expected_symbols, rasterise

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, **kw)


@pytest.mark.parametrize("fmt", ["pdf", "png", "zpl", "tspl"])
def test_render_command(tmp_path, fmt):
    out = tmp_path / f"label.{fmt}"
    done = run("render", "shipment", "--data", json.dumps(SAMPLES["shipment"]), "--format", fmt, "--dpi", "300",
               "-o", str(out))
    assert done.returncode == 0, done.stderr
    (image,) = rasterise(out.read_bytes(), fmt, 300)
    assert decode(image) == expected_symbols("shipment", SAMPLES["shipment"])


def test_render_reads_data_from_a_file_and_takes_a_size(tmp_path):
    data = tmp_path / "part.json"
    data.write_text(json.dumps(SAMPLES["part"]), encoding="utf-8")
    out = tmp_path / "label.png"
    assert main(["render", "part", "--data", f"@{data}", "--format", "png", "--size", "60x40", "-o", str(out)]) == 0
    assert Image.open(out).size == (480, 320)


@pytest.mark.parametrize("args,message", [
    (["render", "part", "--data", '{"name": "刹车片"}', "--format", "pdf"], "missing field 'part_number'"),
    (["render", "crate", "--data", "{}", "--format", "pdf"], "unknown label template"),
    (["render", "part", "--data", "{not json", "--format", "pdf"], "not valid JSON"),
    (["print", "part", "--data", json.dumps(SAMPLES["part"]), "--printer", "lpt1:"], "not a printer URL"),
])
def test_bad_input_exits_2_with_the_reason(tmp_path, capsys, args, message):
    if args[0] == "render":
        args = [*args, "-o", str(tmp_path / "x")]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_print_command_exit_status_tells_whether_the_printer_took_it(printer, capsys):
    args = ["print", "bin", "--data", json.dumps(SAMPLES["bin"]), "--copies", "2"]
    assert main([*args, "--printer", printer.url(0.5)]) == 0
    assert len(printer.labels) == 2
    printer.misbehave("reset")
    assert main([*args, "--printer", printer.url(0.5)]) == 1
    assert "not printed" in capsys.readouterr().err
    assert len(printer.labels) == 2


def test_status_and_preview_commands(printer, tmp_path, capsys):
    assert main(["status", "--printer", printer.url()]) == 0
    assert json.loads(capsys.readouterr().out)["ready"] is True
    job = tmp_path / "job.tspl"
    assert main(["render", "unit", "--data", json.dumps(SAMPLES["unit"]), "--format", "tspl", "-o", str(job)]) == 0
    assert main(["preview", str(job), "--lang", "tspl", "-o", str(tmp_path / "p")]) == 0
    assert decode(Image.open(tmp_path / "p-1.png")) == expected_symbols("unit", SAMPLES["unit"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_testprinter_command_saves_what_it_receives(tmp_path):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "labels", "testprinter", "--port", str(port), "--lang", "tspl",
                               "--out", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert "listening" in server.stdout.readline()
        done = run("print", "part", "--data", json.dumps(SAMPLES["part"]), "--printer",
                   f"tcp://127.0.0.1:{port}?lang=tspl")
        assert done.returncode == 0, done.stderr
        (saved,) = tmp_path.glob("label-*.tspl")
        assert decode(rasterise(saved.read_bytes(), "tspl", 203)[0]) == {("Code128", "P-10001")}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_imports_pull_in_no_flask_and_open_no_socket():
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise AssertionError('socket used at import time')\n"
        "socket.socket.connect = socket.create_connection = socket.socket.bind = refuse\n"
        "import labels, labels.printers, labels.preview, labels.testprinter, labels.__main__\n"
        "import warehouse.printing.services, warehouse.printing.worker\n"
        "assert 'flask' not in sys.modules, 'flask was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr


def test_labels_imports_nothing_of_the_application():
    ours = re.compile(r"^\s*(from|import)\s+(warehouse|service_app|scanners|flask)\b", re.MULTILINE)
    for path in (ROOT / "labels").rglob("*.py"):
        assert not ours.search(path.read_text(encoding="utf-8")), path
