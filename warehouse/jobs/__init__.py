"""Background jobs: work too long for a web request (imports, long reports) queued in the database and run by a
worker, with progress a page can poll and a result kept for download.

Nouns: a `Job` (kind, JSON parameters, who asked, state, attempts, lease, progress, checkpoint, error, result file
and row errors); a handler per kind (`registry.handler("kind")`), added by the area that owns the work.

States: queued ──claim──▶ running ──handler returned──▶ done
                 ▲           │ exception: back-off, while runs remain
                 └───────────┤ DomainError, or the last run failed ──▶ failed
        queued | running ──person──▶ cancelled;   running with an expired lease ──▶ due again (a dead worker)

Invariant: a job's result, and the business writes its handler returns, are committed once, in the transaction
that marks it done under the worker's lease; a worker that lost its lease (died, was overtaken, was cancelled)
records nothing.

Who writes what: `services` (people: enqueue, cancel, purge of expired results) and `worker` (claim, heartbeat,
progress, checkpoints, outcome). Handlers write business data only through `Result.apply` or checkpoints (see
worker.JobContext).
"""
