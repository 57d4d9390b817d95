"""The one place a request may carry more than the app-wide 1 MB: endpoints that take an attachment.

`MAX_CONTENT_LENGTH` stays 1 MB for every JSON body and form; `@accepts_upload` raises the cap for its endpoint alone
(Flask ≥ 3.1 reads `request.max_content_length` per request) and must run before anything reads the body, so it
sits right under the route decorator, above authentication (whose CSRF check reads the form) and argument parsing.
"""
from __future__ import annotations

from functools import wraps

from flask import request

from warehouse.attachments.content import MAX_BYTES
from warehouse.attachments.errors import TooLarge

# The file itself is checked against MAX_BYTES; the body also holds the multipart framing and a few short fields.
BODY_LIMIT = MAX_BYTES + 64 * 1024


def init_uploads(app) -> None:
    """Raise the cap before anything else reads the body: registered ahead of the input edge, whose check of form
    values would otherwise read a large upload against the 1 MB cap."""

    @app.before_request
    def _upload_limit():
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "accepts_upload", False):
            request.max_content_length = BODY_LIMIT
            if request.content_length is not None and request.content_length > BODY_LIMIT:
                raise TooLarge(size=request.content_length, limit=MAX_BYTES)


def accepts_upload(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        request.max_content_length = BODY_LIMIT
        # A declared length over the limit is refused before a byte is read. (A chunked body is cut off by Werkzeug
        # at the same limit while reading: a plain 413.)
        if request.content_length is not None and request.content_length > BODY_LIMIT:
            raise TooLarge(size=request.content_length, limit=MAX_BYTES)
        return fn(*args, **kwargs)

    wrapper.accepts_upload = True  # read by init_uploads' hook (functools.wraps carries it up the decorators)
    return wrapper


def read_upload(storage) -> bytes:
    """The uploaded file's bytes, reading at most one byte past the limit (enough to know it is too large)."""
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        try:  # Werkzeug spools the part to a seekable temporary file: its end is the real size
            size = storage.stream.seek(0, 2)
        except (OSError, ValueError):
            size = len(data)
        raise TooLarge(size=size, limit=MAX_BYTES)
    return data
