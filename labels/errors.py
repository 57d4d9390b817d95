"""The one error label data can raise: found while the label is laid out, before anything is rendered or queued."""
from __future__ import annotations

CODES = frozenset({"unknown_template", "missing_field", "too_long", "unencodable", "bad_value"})


class LabelError(ValueError):
    """Bad label data. `code` is one of CODES (stable, for APIs); `field` names the data key at fault, when one is."""

    def __init__(self, code: str, message: str, *, field: str | None = None, index: int | None = None):
        if code not in CODES:
            raise ValueError(f"unknown label error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.index = index
        self.reason = message  # without the "label N:" prefix

    def at(self, index: int) -> LabelError:
        """The same error, saying which label of a batch (counting from 1) it is about."""
        err = LabelError(self.code, f"label {index + 1}: {self.reason}", field=self.field, index=index)
        err.reason = self.reason
        return err
