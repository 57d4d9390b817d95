"""Why an attachment was refused. Codes and parameters only; the shell renders the message (error_messages)."""
from __future__ import annotations

from warehouse.errors import DomainError


class TooLarge(DomainError):
    code = "attachment_too_large"  # size, limit (bytes)


class TooManyPixels(DomainError):
    code = "attachment_too_many_pixels"  # pixels, limit: a decompression bomb, or a photo far beyond a document's


class TypeRefused(DomainError):
    code = "attachment_type_refused"  # detected, accepted: not a type this owner takes (or no known type at all)


class TypeMismatch(DomainError):
    code = "attachment_type_mismatch"  # claimed (from the name), detected (from the content)


class Unreadable(DomainError):
    code = "attachment_unreadable"  # detected: looks like that type but does not open (truncated, damaged, fake)


class UnknownOwner(DomainError):
    code = "unknown_owner"  # owner_kind, owner_key


class AttachmentNotFound(DomainError):
    code = "attachment_not_found"  # id
