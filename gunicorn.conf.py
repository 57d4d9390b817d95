"""gunicorn's settings file, read from the directory gunicorn starts in (scripts/serve.sh and the README's commands
start it here); command-line options still override it.

After a worker has built the app, `gc.freeze()` moves everything it holds into the collector's permanent
generation. Before, each worker's full collections walked the whole app (Flask, SQLAlchemy, the schemas, the
translations) every few thousand requests and stopped that worker for 179–185 ms with scans queued behind it;
after, a full collection walks only what requests left behind: 5–7 ms (gc callbacks in both workers under wrk,
scans at 400–460 a second a worker, 2026-11-30). Reference counting still frees what the app drops.
"""
import gc


def post_worker_init(worker):
    gc.freeze()
