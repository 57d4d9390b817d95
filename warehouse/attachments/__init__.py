"""Attachments: files kept with a record — a delivery-note photo on a receipt note, a signed count sheet on a
stocktake, and next a claim's photos, a technician's signature, an import file.

Nouns: an `Attachment` (the bytes, their sha256, size, detected type, sanitised original name, uploader, time) that
belongs to one owner record named by an owner kind and key (`receipt`/`RN-20261123-0001`, `stocktake`/`12`); the
owner registry (`owners.OWNERS`: kind → read permission, write permission, existence check, accepted types).

Invariants:
- Only checked content is stored: `content.check()` decides the type from the bytes (never the name or the client's
  Content-Type), re-encodes images (EXIF/GPS, ICC and text chunks gone, pixel count capped) and opens spreadsheets
  read-only; anything else, anything that is not what its name claims, and anything over `MAX_BYTES` is refused
  before a row exists.
- Bytes reach only roles holding the owner kind's read permission; a deleted attachment's bytes are erased, its row
  stays as the audit of who uploaded and who deleted it, and when.

Writers: `services` (attach, delete). Readers: `queries`. A new owner kind is one line in `owners.OWNERS`.
"""
