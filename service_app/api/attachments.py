"""Attachments: upload (multipart), list an owner's, download, delete. See docs/attachments.md.

Who may do what is the owner kind's business (warehouse/attachments/owners.py): these views only authenticate,
parse and answer.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from functools import wraps
from urllib.parse import quote

from flask import send_file, url_for
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from service_app.api.common import read, write
from service_app.auth.identity import api_actor
from service_app.extensions import db
from service_app.uploads import accepts_upload, read_upload
from warehouse.attachments import content, queries, services
from warehouse.attachments.owners import KEY, OWNERS


class _MultipartParser(FlaskParser):
    def load_files(self, req, schema):
        """The form fields and the files of one multipart body together: one schema describes the whole body (and
        one OpenAPI requestBody documents it)."""
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _MultipartParser()


blp = _Blueprint("api_attachments", __name__,
                 description="Attachments: photos, signatures and import files kept with a record")

Str = fields.String
OwnerKind = Str(required=True, validate=validate.OneOf(sorted(OWNERS)),
                metadata={"description": "the kind of record: " + ", ".join(sorted(OWNERS))})
OwnerKey = Str(required=True, validate=validate.Regexp(KEY),
               metadata={"description": "the record's number or id (`RN-20261123-0001`, `12`)"})


class FileField(Upload):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("Send the file as a multipart file part.")
        return value


class UploadIn(Schema):
    file = FileField(required=True, metadata={"description": f"≤ {content.MAX_BYTES // (1024 * 1024)} MB: JPEG, "
                                                             "PNG or WebP (re-encoded), XLSX or CSV where the owner "
                                                             "takes them"})
    owner_kind = OwnerKind
    owner_key = OwnerKey


class OwnerQuery(Schema):
    owner_kind = OwnerKind
    owner_key = OwnerKey


class AttachmentOut(Schema):
    id = fields.Integer()
    owner_kind = Str()
    owner_key = Str()
    filename = Str(metadata={"description": "the original name, sanitised; its extension matches the content"})
    content_type = Str(metadata={"description": "detected from the content"})
    kind = Str(metadata={"description": "image | spreadsheet | csv"})
    size = fields.Integer(metadata={"description": "bytes stored (images after re-encoding)"})
    sha256 = Str()
    uploaded_by = Str()
    uploaded_at = Str()
    deleted_by = Str(allow_none=True)
    deleted_at = Str(allow_none=True)
    content_url = Str(allow_none=True)


class AttachmentList(Schema):
    attachments = fields.List(fields.Nested(AttachmentOut))


BINARY = {"description": "the file, with its detected Content-Type, a Content-Disposition naming it (RFC 6266 "
                         "`filename*` for non-ASCII names) and `X-Content-Type-Options: nosniff`",
          "content": {t: {"schema": {"type": "string", "format": "binary"}}
                      for t in ("image/jpeg", "image/png", "image/webp", content.XLSX_TYPE, "text/csv")}}


def signed_in(fn):
    """Authenticate before the body is parsed: an anonymous 10 MB upload is turned away unread."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        api_actor()
        return fn(*args, **kwargs)

    return wrapper


def _out(a: dict) -> dict:
    url = None if a["deleted_at"] else url_for("api_attachments.download", attachment_id=a["id"])
    return {**a, "content_url": url}


@blp.route("/attachments", methods=["POST"])
@accepts_upload
@signed_in
@blp.arguments(UploadIn, location="files")
@blp.response(201, AttachmentOut)
@blp.alt_response(413, description="the file is over 10 MB (`attachment_too_large`) or the image has too many "
                                   "pixels (`attachment_too_many_pixels`)")
@blp.alt_response(415, description="a type this owner does not take (`attachment_type_refused`)")
def upload(form):
    """Attach a file to a record. Its type is read from the content; a file that is not what its name says
    (`attachment_type_mismatch`) or does not open (`attachment_unreadable`) is refused and stored nowhere."""
    actor = api_actor()
    storage = form["file"]
    data = read_upload(storage)
    identity = "\n".join((form["owner_kind"], form["owner_key"], storage.filename or "",
                          hashlib.sha256(data).hexdigest())).encode("utf-8", "surrogatepass")
    return write(lambda _key: _out(services.attach(
        db.session, owner_kind=form["owner_kind"], owner_key=form["owner_key"], filename=storage.filename,
        data=data, actor=actor.username, role=actor.role)), status=201, body_identity=identity)


@blp.route("/attachments", methods=["GET"])
@blp.arguments(OwnerQuery, location="query")
@blp.response(200, AttachmentList)
def list_attachments(args):
    """The record's attachments (deleted ones are left out), oldest first."""
    actor = api_actor()
    rows = queries.list_for(db.session, owner_kind=args["owner_kind"], owner_key=args["owner_key"], role=actor.role,
                            username=actor.username)
    return read({"attachments": [_out(a) for a in rows]})


@blp.route("/attachments/<int:attachment_id>", methods=["GET"])
@blp.response(200, AttachmentOut)
def get(attachment_id):
    """One attachment's details (also a deleted one's: who deleted it, when)."""
    actor = api_actor()
    row = queries.get_attachment(db.session, attachment_id=attachment_id, role=actor.role, username=actor.username)
    return read(_out(queries.as_dict(row)))


@blp.route("/attachments/<int:attachment_id>/content", methods=["GET"])
@blp.doc(responses={"200": BINARY})
def download(attachment_id):
    """The file. Images open inline; spreadsheets download. Roles that may not read the owner get a 404."""
    actor = api_actor()
    row, data = queries.content_of(db.session, attachment_id=attachment_id, role=actor.role,
                                   username=actor.username)
    filename, content_type, sha, inline = row.filename, row.content_type, row.sha256, row.kind == "image"
    db.session.rollback()  # end the read transaction before sending megabytes
    resp = send_file(io.BytesIO(data), mimetype=content_type, etag=sha, conditional=True, max_age=0)
    resp.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    # Even opened directly, the file can run nothing and load nothing.
    resp.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@blp.route("/attachments/<int:attachment_id>", methods=["DELETE"])
@blp.response(200, AttachmentOut)
def delete(attachment_id):
    """Erase the file's bytes; the details stay with who deleted it and when. Needs the owner's write permission."""
    actor = api_actor()
    return write(lambda _key: _out(services.delete(db.session, attachment_id=attachment_id, actor=actor.username,
                                                   role=actor.role)))


_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9!#$&+.^_`|~ -]')


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline|attachment; filename="ascii fallback"; filename*=UTF-8''…` (RFC 6266/5987): browsers show the
    Chinese name from `filename*`, old clients get a readable ASCII one."""
    disposition = "inline" if inline else "attachment"
    stem, dot, ext = filename.rpartition(".")
    ascii_stem = _UNSAFE_ASCII.sub("_", unicodedata.normalize("NFKD", stem if dot else filename)
                                   .encode("ascii", "ignore").decode()).strip(" _") or "attachment"
    fallback = ascii_stem + (("." + _UNSAFE_ASCII.sub("_", ext)) if dot else "")
    value = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
