"""`make run` (CONTRACT §1): its recipe is scripts/serve.sh, run here as make runs it — init-db, seed-demo and
gunicorn on 127.0.0.1:$PORT — on a free port and a scratch SQLite database, then stopped the way a terminal does."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from labels.testprinter import TestPrinter

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def test_the_run_target_is_the_serve_script():
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)[1]
    assert re.fullmatch(r"\tVENV=\$\(VENV\) PORT=\$\(PORT\) sh scripts/serve.sh\n", recipe)


def test_make_run_serves_with_gunicorn_on_the_port_named_and_prints_from_its_workers(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with TestPrinter("zpl") as zebra, log.open("wb") as out:
        env = {**os.environ, "PORT": str(port), "VENV": sys.prefix, "SECRET_KEY": "t",
               "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
               "PRINTER_TCP_ALLOW": "127.0.0.1/32", "PRINTER_TCP_PORTS": "1024-65535"}  # the test printer
        env.pop("PRINT_WORKER", None)  # the script's default, as under make
        server = subprocess.Popen(["sh", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
        try:
            deadline, answer = time.monotonic() + 240, None  # init-db and seed-demo first, on two shared cores
            while answer is None and time.monotonic() < deadline and server.poll() is None:
                try:
                    answer = requests.get(f"http://127.0.0.1:{port}/login", timeout=30)
                except requests.ConnectionError:  # not listening yet
                    time.sleep(0.5)
            assert answer is not None and answer.status_code == 200, log.read_text()
            assert 'name="username"' in answer.text
            if (outward := _outward_address()) is not None:  # bound to loopback only
                with socket.socket() as other:
                    assert other.connect_ex((outward, port)) != 0
            # exec: the script's process is now gunicorn's master, and it runs no print thread of its own
            assert "gunicorn" in Path(f"/proc/{server.pid}/cmdline").read_text()
            assert _threads(server.pid) == 1
            # a label queued from the command line is printed by a worker's thread, started after the fork
            queued = subprocess.run([str(Path(sys.prefix) / "bin" / "flask"), "--app", "service_app", "print-label",
                                     "bin", "--data", '{"code": "N-A01-01"}', "--printer", zebra.url()],
                                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert queued.returncode == 0, queued.stderr
            assert zebra.wait_for(1, timeout=30), log.read_text()
        finally:
            server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
            code = server.wait(timeout=60)
    assert code == 0, log.read_text()
    assert len(zebra.labels) == 1
    assert "Shutting down: Master" in log.read_text()


def _outward_address() -> str | None:
    """This host's address on its default route, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: a UDP connect sends nothing
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def test_gunicorn_started_here_reads_the_settings_file_and_its_workers_freeze_the_app():
    out = subprocess.run([str(Path(sys.prefix) / "bin/gunicorn"), "--print-config", "service_app:create_app()"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", out.stdout, re.M))
    assert config["config"] == "./gunicorn.conf.py" and config["post_worker_init"] == "<post_worker_init()>"
    # The hook, in a process of its own: what it freezes the collector no longer walks.
    code = ("import gc, runpy; hook = runpy.run_path('gunicorn.conf.py')['post_worker_init']; "
            "walked = len(gc.get_objects()); hook(None); print(walked, gc.get_freeze_count(), len(gc.get_objects()))")
    walked, frozen, walked_after = map(int, subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout.split())
    assert frozen >= walked > 1000 and walked_after < walked // 10
