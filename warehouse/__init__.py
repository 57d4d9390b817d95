"""The after-sales department's domain: catalog, stores and bins, the stock ledger, stocktakes, reconciliation,
warranty, returns, dealers, field dispatch, printing and reports.

`import warehouse` never imports Flask. Functions that write take a SQLAlchemy `session` first and keyword-only
arguments; they may flush but never commit or roll back: the caller (a request, a CLI command, a worker, a test)
frames the transaction once.
"""
