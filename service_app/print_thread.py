"""The print worker inside the web process, for a single-machine install (`PRINT_WORKER=inline`, which `make run`
sets through scripts/serve.sh). Started on the first request, so CLI commands and tests that build an app never
start it, and under gunicorn it starts in each worker after the fork, never in the master (which serves no
requests; `make run` does not --preload, so each worker also builds its own engine). Several
processes running it are safe (jobs are claimed under a lease), merely redundant: a multi-host site runs
`flask print-worker` once instead."""
from __future__ import annotations

import atexit
import threading

from flask import Flask
from sqlalchemy.orm import sessionmaker

from service_app.extensions import db


def init_print_thread(app: Flask) -> None:
    if not app.config.get("PRINT_WORKER_INLINE"):
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
            from warehouse.printing.worker import run_worker

            stop = threading.Event()
            factory = sessionmaker(bind=db.engine, expire_on_commit=False)
            threading.Thread(target=run_worker, args=(factory,), kwargs={"stop_event": stop}, daemon=True,
                             name="print-worker").start()
            atexit.register(stop.set)
            started.set()
