"""Words a statement prints (titles, column captions, row captions, store names), marked with `N_` in the
statement's module. `N_` returns its English text unchanged and remembers it, so the shell can translate every
marked word at once into a plain dict (`{msgid: text}`) for the CLI, a page or a background job, which has no
request and so no language of its own. babel.cfg extracts `N_(...)` from this package into the catalogs.

Mark words at module level only: `marked()` knows the words of the modules imported so far.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

_MARKED: dict[str, None] = {}

Translate = Callable[[str], str]


def N_(msgid: str) -> str:  # noqa: N802  (the conventional gettext marker)
    _MARKED[msgid] = None
    return msgid


def marked() -> list[str]:
    """Every word marked by the statement modules (they are all imported by the registry)."""
    return list(_MARKED)


def translator(words: Mapping[str, str] | None) -> Translate:
    """`t(msgid)`: the translated word, or the English msgid where the dict has none."""
    words = words or {}
    return lambda msgid: words.get(msgid) or msgid
