"""Audit trail: who changed what, when, from which client, with the values before and after.

Nouns: an `AuditEntry` is one recorded event — a change to an audited row (`create`, `update`, `delete`), or an
event of its own (`login_failed`, `login_locked`, `login_unlocked`, `read` of confidential customer data).
Invariant: entries are append-only. Nothing in the code updates or deletes one, and the database refuses it too
(a trigger on SQLite and PostgreSQL, see models.py).
Who writes: nobody calls it for row changes — `listener.py` hooks SQLAlchemy's flush and records every change to
a model in `registry.py` (an area registers its models with one line in `audited.py`); `services.record()` writes
the events of their own. Who is acting and from where comes from `context.py`, which the shell sets per request.
"""
