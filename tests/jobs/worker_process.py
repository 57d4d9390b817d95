"""A job worker in a process of its own, with the test handlers: `python -m tests.jobs.worker_process URL LEASE`.
Like `flask job-worker`, but on any database URL and with a short lease, so a test can kill it mid-job."""
from __future__ import annotations

import sys
from datetime import timedelta

from sqlalchemy.orm import sessionmaker

import tests.jobs.handlers  # noqa: F401  (registers the test handlers)
from warehouse.db import make_engine
from warehouse.jobs.worker import run_worker

if __name__ == "__main__":
    url, lease = sys.argv[1], float(sys.argv[2])
    print("worker ready", flush=True)
    run_worker(sessionmaker(make_engine(url), expire_on_commit=False), poll=0.1, lease=timedelta(seconds=lease))
