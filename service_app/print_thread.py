"""Moved to service_app.inline_workers (one pattern for the print and job workers); kept for old imports."""
from service_app.inline_workers import init_print_thread  # noqa: F401
