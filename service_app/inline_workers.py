"""Workers inside the web process, for a single-machine install: the print worker (`PRINT_WORKER=inline`, which
`make run` sets through scripts/serve.sh) and the job worker (`JOB_WORKER=inline`, likewise). Each starts on the
first request, so CLI commands and tests that build an app never start one, and under gunicorn it starts in each
worker after the fork, never in the master (`make run` does not --preload). Several processes running them are safe (work is claimed under a lease),
merely redundant: a multi-host site runs `flask print-worker` and `flask job-worker` once instead."""
from __future__ import annotations

import atexit
import threading

from flask import Flask
from sqlalchemy.orm import sessionmaker

from service_app.extensions import db


def start_inline(app: Flask, *, enabled: str, name: str, run) -> None:
    """When config `enabled` is true, run `run(sessionmaker, stop_event=…)` in a daemon thread from the first
    request on, stopped at exit (or by setting `app.extensions["inline_workers"][name]`)."""
    if not app.config.get(enabled):
        return
    started = threading.Event()
    lock = threading.Lock()

    @app.before_request
    def _start_once():
        if started.is_set():
            return
        with lock:
            if started.is_set():
                return
            stop = app.extensions.setdefault("inline_workers", {})[name] = threading.Event()
            factory = sessionmaker(bind=db.engine, expire_on_commit=False)
            threading.Thread(target=run, args=(factory,), kwargs={"stop_event": stop}, daemon=True, name=name).start()
            atexit.register(stop.set)
            started.set()


def init_print_thread(app: Flask) -> None:
    def run(factory, *, stop_event):
        from warehouse.printing.policy import PrinterPolicy
        from warehouse.printing.worker import run_worker

        run_worker(factory, stop_event=stop_event, policy=PrinterPolicy.from_config(app.config))

    start_inline(app, enabled="PRINT_WORKER_INLINE", name="print-worker", run=run)


def init_job_thread(app: Flask) -> None:
    def run(factory, *, stop_event):
        from warehouse.jobs.worker import run_worker

        run_worker(factory, stop_event=stop_event)

    start_inline(app, enabled="JOB_WORKER_INLINE", name="job-worker", run=run)
