"""Draw ZPL and TSPL jobs back into images, the way a printer would: a preview for people without a printer, and
the test oracle for the renderers. It reads only the command subset labels.render emits and refuses anything else,
and it implements each command from the printers' manuals (not from the renderer's code): `^GFA` hex with 1 = black,
TSPL `BITMAP` with 0 = black, `^BC` field data with its subset invocation codes and a check character the printer
computes itself.
"""
from __future__ import annotations

import re

import numpy as np
from PIL import Image

from barcode.charsets.code128 import CODES, STOP

from labels.layout import MM_PER_INCH
from labels.streams import split_labels

_ZPL_COMMAND = re.compile(r"[\^~]([A-Z@][A-Z0-9@]?)([^\^~]*)")


def _draw(canvas: np.ndarray, x: int, y: int, mask: np.ndarray) -> None:
    h, w = mask.shape
    if x < 0 or y < 0 or y + h > canvas.shape[0] or x + w > canvas.shape[1]:
        raise ValueError(f"a {w}x{h} graphic at {x},{y} falls off the {canvas.shape[1]}x{canvas.shape[0]} label")
    canvas[y:y + h, x:x + w] |= mask


def _image(canvas: np.ndarray) -> Image.Image:
    return Image.fromarray(~canvas)  # mode "1", white paper


def _bc_values(data: str) -> list[int]:
    """^BC mode N field data → symbol values, following the invocation-code table of the ZPL manual."""
    starts, switches = {">:": ("B", 104), ">;": ("C", 105)}, {">5": ("C", 99), ">6": ("B", 100)}
    if data[:2] not in starts:
        raise ValueError(f"^BC data without a start code: {data!r}")
    subset, first = starts[data[:2]]
    vals, i = [first], 2
    while i < len(data):
        if data[i] == ">":
            subset, code = switches[data[i:i + 2]]
            vals.append(code)
            i += 2
        elif subset == "C":
            pair = data[i:i + 2]
            if len(pair) != 2 or not pair.isdigit():
                raise ValueError(f"subset C needs digit pairs, got {pair!r}")
            vals.append(int(pair))
            i += 2
        else:
            vals.append(ord(data[i]) - 32)
            i += 1
    check = (vals[0] + sum(k * v for k, v in enumerate(vals[1:], start=1))) % 103
    return [*vals, check, 106]


def _code128(vals: list[int], module: int, height: int) -> np.ndarray:
    """Symbol values 0..105 and the stop (106) as bars: the module table of ISO/IEC 15417 (as python-barcode
    carries it), the stop followed by its 2-module termination bar."""
    modules = "".join(CODES[v] if v < 106 else STOP + "11" for v in vals)
    row = np.repeat(np.frombuffer(modules.encode("ascii"), dtype=np.uint8) == ord("1"), module)
    return np.tile(row, (height, 1))


def zpl(job: bytes) -> list[Image.Image]:
    images = []
    for fmt in split_labels(job, "zpl"):
        width, canvas = None, None
        home = origin = (0, 0)
        module, barcode = 2, None
        for cmd, arg in _ZPL_COMMAND.findall(fmt.decode("ascii").replace("\n", "").replace("\r", "")):
            params = arg.split(",")
            if cmd in ("XA", "XZ", "FS"):
                if cmd == "FS":
                    barcode = None
            elif cmd == "PW":
                width = int(arg)
            elif cmd == "LL":
                canvas = np.zeros((int(arg), width), dtype=bool)
            elif cmd == "LH":
                home = (int(params[0]), int(params[1]))
            elif cmd == "FO":
                origin = (home[0] + int(params[0]), home[1] + int(params[1]))
            elif cmd == "GF":
                kind, total, _, row_bytes, data = params[0], int(params[1]), params[2], int(params[3]), params[4]
                if kind != "A" or len(data) != 2 * total:
                    raise ValueError(f"^GF{kind}: expected {total} bytes of ASCII hex, got {len(data) // 2}")
                bits = np.unpackbits(np.frombuffer(bytes.fromhex(data), dtype=np.uint8).reshape(-1, row_bytes),
                                     axis=1)
                _draw(canvas, *origin, bits.astype(bool))  # ^GF: a 1 bit is a black dot
            elif cmd == "BY":
                module = int(params[0])
            elif cmd == "BC":
                if params[0] != "N" or params[5:6] != ["N"] or params[2:3] != ["N"]:
                    raise ValueError(f"preview draws ^BC only unrotated, mode N, no interpretation line: ^BC{arg}")
                barcode = int(params[1])
            elif cmd == "FD":
                if barcode is not None:
                    _draw(canvas, *origin, _code128(_bc_values(arg), module, barcode))
            elif cmd == "GB":
                w, h, t = (int(v) for v in params[:3])
                box = np.ones((h, w), dtype=bool)
                box[t:h - t, t:w - t] = False
                _draw(canvas, *origin, box)
            else:
                raise ValueError(f"preview does not know the ZPL command {cmd}")
        images.append(_image(canvas))
    return images


def tspl(job: bytes, *, dpi: int) -> list[Image.Image]:
    images = []
    for label in split_labels(job, "tspl"):
        canvas = None
        rest = label
        while rest:
            line, _, after = rest.partition(b"\r\n")
            word = line.split(b" ", 1)[0].decode("ascii")
            args = line[len(word):].decode("latin-1").strip()
            if word == "SIZE":
                w_mm, h_mm = (float(v.strip().removesuffix("mm")) for v in args.split(","))
                canvas = np.zeros((round(h_mm * dpi / MM_PER_INCH), round(w_mm * dpi / MM_PER_INCH)), dtype=bool)
            elif word == "CLS":
                canvas[:] = False
            elif word == "BAR":
                x, y, w, h = (int(v) for v in args.split(","))
                _draw(canvas, x, y, np.ones((h, w), dtype=bool))
            elif word == "BITMAP":
                head = rest[len(b"BITMAP"):].split(b",", 5)
                x, y, row_bytes, h, mode = (int(v) for v in head[:5])
                payload = head[5][:row_bytes * h]
                if mode != 0 or len(payload) != row_bytes * h:
                    raise ValueError("BITMAP: preview draws mode 0 with a complete payload")
                bits = np.unpackbits(np.frombuffer(payload, dtype=np.uint8).reshape(h, row_bytes), axis=1)
                ink = bits == 0  # TSPL BITMAP: a 0 bit is a black dot
                room = canvas.shape[1] - x
                if ink[:, room:].any():
                    raise ValueError(f"BITMAP at {x},{y} has black dots beyond the label's right edge")
                _draw(canvas, x, y, ink[:, :room])
                after = head[5][row_bytes * h:].removeprefix(b"\r\n")
            elif word == "PRINT":
                images.append(_image(canvas))
            else:
                raise ValueError(f"preview does not know TSPL {word!r}")
            rest = after
    return images
