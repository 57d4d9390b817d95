"""Barcode reading for the warehouse: decode images and camera streams, parse GS1 and our own codes.

Public entry points:
- `scanners.decode(image, *, symbologies=None, budget_ms=None, itf_lengths=None) -> list[Symbol]`
- `scanners.gs1.parse(text)`, `scanners.codes.classify(text)`
- `scanners.sources.open_source(spec)`, `scanners.watch.CodeWatcher(spec, ...)`
- `python -m scanners decode|watch ...`

This package imports nothing else of ours and never imports flask. Importing it is cheap: the decoder engines
(zxing-cpp, zbar) load on the first decode, `gs1` and `codes` are pure Python, and nothing opens a camera until
a source's frames are read.
"""
from scanners.errors import ImageError
from scanners.symbol import SYMBOLOGIES, Symbol

__all__ = ["decode", "ImageError", "Symbol", "SYMBOLOGIES"]


def decode(image, *, symbologies=None, budget_ms=None, itf_lengths=None) -> list[Symbol]:
    """Read every barcode in `image` (a path, encoded bytes, or a BGR/gray numpy array).

    `symbologies` limits the result to those names (see SYMBOLOGIES); `budget_ms` caps the time spent on
    expensive passes (default `pipeline.DEFAULT_BUDGET_MS`); `itf_lengths` are the ITF lengths allowed, as on a
    handheld scanner (default even lengths 6 to 14; "6,14" or a list). Raises ImageError for input that is not a
    usable image, ValueError for a bad setting.
    """
    from scanners.pipeline import decode as _decode

    return _decode(image, symbologies=symbologies, budget_ms=budget_ms, itf_lengths=itf_lengths)
