"""Reading one label's data: each accessor checks presence, type and encodability, and names the field at fault."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from labels import fonts, linear
from labels.errors import LabelError

_SPACES = re.compile(r"\s+")
MAX_TEXT = 500  # longer values cannot fit any label; refusing early keeps fitting loops short


class Fields:
    def __init__(self, template: str, data: object):
        if not isinstance(data, Mapping):
            raise LabelError("bad_value", f"{template}: label data must be a JSON object, not {type(data).__name__}")
        self.template = template
        self.data = data

    def _raw(self, name: str) -> str:
        raw = self.data.get(name)
        if isinstance(raw, bool) or not isinstance(raw, (str, int, type(None))):
            raise LabelError("bad_value", f"{self.template}: field {name!r} must be text, not "
                             f"{type(raw).__name__}", field=name)
        return "" if raw is None else str(raw)

    def text(self, name: str, *, required: bool = True) -> str:
        """Whitespace-normalised text ('' when optional and absent); refuses characters the font cannot draw."""
        value = _SPACES.sub(" ", self._raw(name)).strip()
        if not value:
            if required:
                raise LabelError("missing_field", f"{self.template}: missing field {name!r}", field=name)
            return ""
        if len(value) > MAX_TEXT:
            raise LabelError("too_long", f"{self.template}: field {name!r} has {len(value)} characters; no label "
                             f"holds more than {MAX_TEXT}", field=name)
        missing = fonts.missing_glyphs(value)
        if missing:
            raise LabelError("unencodable", f"{self.template}: field {name!r} has characters the label font "
                             f"cannot print: {missing!r}", field=name)
        return value

    def code(self, name: str) -> str:
        """A required value that goes into a barcode exactly as given: printable ASCII, nothing to trim."""
        value = self._raw(name)
        self.text(name)  # presence and length
        bad = linear.unencodable(value)
        if bad:
            raise LabelError("unencodable", f"{self.template}: field {name!r} = {value!r} has characters a "
                             f"barcode cannot carry: {bad!r} (printable ASCII only)", field=name)
        if value != value.strip():
            raise LabelError("bad_value", f"{self.template}: field {name!r} = {value!r} starts or ends with a "
                             f"space; a scanner would read it back with the space", field=name)
        return value

    def count(self, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
        raw = self.data.get(name)
        if raw is None or raw == "":
            if required:
                raise LabelError("missing_field", f"{self.template}: missing field {name!r}", field=name)
            return None
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
            raise LabelError("bad_value", f"{self.template}: field {name!r} must be a whole number of at least "
                             f"{minimum}, not {raw!r}", field=name)
        return raw

    def date(self, name: str) -> str:
        """An ISO date (YYYY-MM-DD); today when absent."""
        value = self.text(name, required=False)
        if not value:
            return dt.date.today().isoformat()
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            raise LabelError("bad_value", f"{self.template}: field {name!r} must be a date YYYY-MM-DD, not "
                             f"{value!r}", field=name) from None
