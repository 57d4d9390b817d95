"""Printing: the durable label print queue and the printers it feeds.

Nouns: a `PrintJob` is one batch of labels for one printer (a receipt of 200 parts is one job), stored with its
rendered bytes before anything is sent; a `LabelPrinter` row keeps a printer's last known state for the web page.
Invariant: a job is sent only by a worker holding its unexpired lease, its outcome is recorded only under that
lease, and a job the printer confirmed (`done`) is never sent again; only a person's reprint makes a new job.
Who writes: services.enqueue / reprint / cancel / register_printer (the caller commits), worker.deliver_due (owns
its short transactions).
"""
