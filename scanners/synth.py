"""Realistic barcode photos from fixed seeds: the corpus the tests and the benchmark measure the decoder on.

A code is rendered crisp at print resolution, laid out on a paper label with text, then photographed: placed
with perspective and in-plane rotation (any angle when hard), resampled to camera resolution, and degraded the
way warehouse photos are — uneven light, a shadow edge across the label, glare, low contrast, defocus or motion
blur, sensor noise and JPEG artefacts. Scenes:
- "label": a hand-held label photo (1280x960), the label filling a good part of the picture;
- "frame": a cluttered 1920x1080 shelf frame from a fixed camera, the label small among boxes, text, rack holes,
  stripes (vents, cables) and wire mesh;
- "negative": the same clutter (and text-only labels) with no code at all;
- "product": a phone photo (1280x960) of a code printed on retail packaging — curved round a bottle or tin,
  glossy (a specular stripe along the curve), sometimes in low light, with a phone's harder JPEG compression;
- "multi": a phone photo (1600x1200) with two or three labels of different kinds in it.

Every sample is a pure function of (scene, kind, difficulty, index, base seed): CRC32 of those names seeds both
the `random.Random` and the numpy generator, so the corpus is the same on every machine and run.
"""
from __future__ import annotations

import functools
import math
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from scanners import gs1

KINDS = ("code128", "gs1-128", "code39", "ean13", "ean8", "upca", "itf", "itf6", "itf10", "qrcode", "datamatrix",
         "gs1-datamatrix")
PRODUCT_KINDS = ("ean13", "upca", "ean8", "itf", "itf6", "itf10")  # what is printed on packaging and cartons
DIFFICULTIES = ("easy", "medium", "hard")
SCENES = ("label", "frame", "negative", "product", "multi")
_F = zxingcpp.BarcodeFormat
_PRINT_MODULE = 6  # pixels per module on the print-resolution label, before the "camera" resamples it
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class Truth:
    symbology: str
    text: str


@dataclass
class Sample:
    image: np.ndarray  # BGR uint8
    truths: tuple[Truth, ...]
    scene: str
    kind: str | None
    difficulty: str
    seed: int
    corners: np.ndarray | None = None  # the label's four corners in the image (None for negatives)

    @property
    def name(self) -> str:
        return f"{self.scene}-{self.kind or 'none'}-{self.difficulty}-{self.seed}"


def seed_for(*parts) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


# --- code content -------------------------------------------------------------------------------------------

def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _with_check(body: str) -> str:
    return body + str(gs1.check_digit(body))


def _part_number(r):
    return f"PN-{_digits(r, 5)}-{r.choice('ABCDEFGH')}"


def _gs1_hri(r: random.Random, *, long: bool) -> str:
    gtin = _with_check(str(r.randint(0, 8)) + _digits(r, 12))
    parts = [f"(01){gtin}", f"(17){r.randint(24, 31):02d}{r.randint(1, 12):02d}{r.choice([0, r.randint(1, 28)]):02d}",
             f"(10)L{_digits(r, r.randint(3, 6))}"]
    if long:
        parts.append(f"(21){r.choice('ABCDEFGHJK')}{_digits(r, r.randint(4, 8))}")
    else:
        parts.append(f"(37){r.randint(1, 99)}")
    return "".join(parts)


def _content(kind: str, r: random.Random) -> tuple[str, _F, bool, Truth]:
    """(what to encode, zxing format, gs1 flag, what a correct read returns)."""
    if kind == "code128":
        text = r.choice([
            _part_number(r),
            f"{r.choice('NR')}-{r.choice('ABCDEF')}{r.randint(1, 20):02d}-{r.randint(1, 12):02d}",
            f"CLM-2026{r.randint(1, 12):02d}-{_digits(r, 5)}",
            f"SO-202611{r.randint(1, 28):02d}-{_digits(r, 4)}",
            f"SN{r.choice('ABCDEFGHJK')}{_digits(r, 8)}",
        ])
        return text, _F.Code128, False, Truth("code128", text)
    if kind == "gs1-128":
        text = _gs1_hri(r, long=False)
        return text, _F.Code128, True, Truth("code128", text)
    if kind == "code39":
        text = r.choice([f"P{_digits(r, 6)}", f"{''.join(r.choice('ABCDEFGHJKLMN') for _ in range(3))}-{_digits(r, 4)}"])
        return text, _F.Code39, False, Truth("code39", text)
    if kind == "ean13":
        text = _with_check(str(r.randint(1, 9)) + _digits(r, 11))
        return text, _F.EAN13, False, Truth("ean13", text)
    if kind == "ean8":
        text = _with_check(_digits(r, 7))
        return text, _F.EAN8, False, Truth("ean8", text)
    if kind == "upca":
        text = _with_check(_digits(r, 11))
        return text[:-1], _F.UPCA, False, Truth("upca", text)
    if kind == "itf":
        text = _with_check(str(r.randint(1, 8)) + _digits(r, 12))
        return text, _F.ITF, False, Truth("itf", text)
    if kind in ("itf6", "itf10"):  # short ITF with no check digit: carton and shelf numbering
        text = _digits(r, int(kind[3:]))
        return text, _F.ITF, False, Truth("itf", text)
    if kind == "qrcode":
        text = r.choice([
            f"BC:N-A{r.randint(1, 20):02d}-{r.randint(1, 12):02d}:{_part_number(r)}",
            f"https://parts.example/p/{_part_number(r)}",
            f"CLM-2026{r.randint(1, 12):02d}-{_digits(r, 5)}",
            f"部品番号 {_part_number(r)}",  # Japanese supplier label: zxing encodes it as Shift-JIS
            f"零件 {_part_number(r)} 数量 {r.randint(1, 50)}",
        ])
        return text, _F.QRCode, False, Truth("qrcode", text)
    if kind == "datamatrix":
        text = r.choice([_part_number(r), f"SN{_digits(r, 10)}", f"TK-202611{r.randint(1, 28):02d}-{_digits(r, 4)}"])
        return text, _F.DataMatrix, False, Truth("datamatrix", text)
    if kind == "gs1-datamatrix":
        text = _gs1_hri(r, long=True)
        return text, _F.DataMatrix, True, Truth("datamatrix", text)
    raise ValueError(f"unknown kind {kind!r}")


def render_code(kind: str, r: random.Random) -> tuple[np.ndarray, Truth, bool]:
    """A crisp gray code at print resolution with its quiet zone, its truth, and whether it is linear."""
    content, fmt, is_gs1, truth = _content(kind, r)
    barcode = zxingcpp.create_barcode(content, fmt, gs1=True) if is_gs1 else zxingcpp.create_barcode(content, fmt)
    modules = np.array(zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=True))
    linear = fmt not in (_F.QRCode, _F.DataMatrix)
    if linear:  # one row of modules, printed at a realistic bar height
        row = modules[modules.shape[0] // 2: modules.shape[0] // 2 + 1]
        height = max(int(row.shape[1] * r.uniform(0.18, 0.35)), 28)
        modules = np.repeat(row, height, axis=0)
    art = cv2.resize(modules, None, fx=_PRINT_MODULE, fy=_PRINT_MODULE, interpolation=cv2.INTER_NEAREST)
    return art, truth, linear


def _label(art: np.ndarray, truth: Truth, linear: bool, r: random.Random) -> np.ndarray:
    """A paper label (BGR) around the code: a title line, the code, its human-readable text under 1D bars."""
    h, w = art.shape
    title_h, hrt_h, margin = 70, (60 if linear else 0), 40
    label = np.full((h + title_h + hrt_h + 2 * margin, w + 2 * margin, 3), 255, np.uint8)
    paper = r.choice([(255, 255, 255), (235, 245, 250), (200, 240, 255), (250, 250, 235)])
    label[:] = paper
    label[margin + title_h: margin + title_h + h, margin: margin + w] = cv2.cvtColor(art, cv2.COLOR_GRAY2BGR)
    words = r.choice(["SPARE PART", "QTY 12  LOT 7731", "RETURN TO STORE", "FILTER ASSY", "MOTOR 230V"])
    cv2.putText(label, words, (margin, margin + 45), _FONT, 1.4, (30, 30, 30), 3, cv2.LINE_AA)
    if linear:
        scale = min(1.3, w / (22 * max(len(truth.text), 1)))
        cv2.putText(label, truth.text, (margin + 20, margin + title_h + h + 48), _FONT, scale, (20, 20, 20), 2,
                    cv2.LINE_AA)
    if r.random() < 0.5:
        cv2.rectangle(label, (6, 6), (label.shape[1] - 7, label.shape[0] - 7), (60, 60, 60), 4)
    return label


# --- scenes ---------------------------------------------------------------------------------------------------

def _mottled(rng: np.random.Generator, h: int, w: int, colour, amplitude: float, cells: int) -> np.ndarray:
    """A surface of `colour` with smooth blotches (cardboard, painted wall) — drawn small, scaled up."""
    small = rng.random((max(2, h // cells), max(2, w // cells), 1)).astype(np.float32)
    small = np.clip(np.array(colour, np.float32) + (small - 0.5) * amplitude, 0, 255).astype(np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _desk(rng, r, h, w) -> np.ndarray:
    img = _mottled(rng, h, w, r.choice([(90, 120, 150), (60, 60, 60), (150, 150, 140), (110, 140, 170)]), 50, 64)
    for _ in range(r.randint(2, 6)):
        pt = (r.randint(0, w), r.randint(0, h))
        cv2.putText(img, r.choice(["FRAGILE", "THIS SIDE UP", "12 PCS", "MADE IN", "2026-11"]), pt, _FONT,
                    r.uniform(0.8, 2.0), tuple(int(c) for c in rng.integers(0, 255, 3)), 2, cv2.LINE_AA)
    return img


def _stripes(img, r, x, y, w, h):
    """Parallel bars — a vent, a cable bundle, stacked sheets: what fools bar detectors and zbar's ITF."""
    patch = np.full((h, w), 200, np.uint8)
    pos, regular = 0, r.random() < 0.5
    pitch = r.randint(4, 14)
    while pos < w:
        bar = pitch // 2 if regular else r.randint(2, 10)
        patch[:, pos: pos + bar] = r.randint(10, 80)
        pos += bar + (pitch - pitch // 2 if regular else r.randint(2, 12))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), r.uniform(-90, 90), 1.0)
    patch = cv2.warpAffine(patch, m, (w, h), borderValue=200)
    img[y:y + h, x:x + w] = cv2.cvtColor(patch, cv2.COLOR_GRAY2BGR)


def _mesh(img, r, x, y, w, h):
    pitch, colour = r.randint(8, 20), (r.randint(20, 90),) * 3
    for i in range(0, w, pitch):
        cv2.line(img, (x + i, y), (x + i, y + h), colour, 2)
    for j in range(0, h, pitch):
        cv2.line(img, (x, y + j), (x + w, y + j), colour, 2)


def _warehouse(rng, r, h, w) -> np.ndarray:
    img = _mottled(rng, h, w, r.choice([(170, 175, 180), (140, 150, 160), (190, 190, 185)]), 40, 96)
    levels = r.randint(3, 4)
    pitch = h // levels
    for lv in range(levels):
        top = lv * pitch
        for x0 in range(0, w, r.randint(300, 500)):  # boxes on the shelf
            bw, bh = r.randint(160, 420), r.randint(pitch // 2, pitch - 40)
            colour = tuple(int(c) for c in (np.array([60, 120, 170]) + rng.integers(-30, 40, 3)))
            y0 = top + pitch - 30 - bh
            cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), colour, -1)
            cv2.rectangle(img, (x0, y0 + bh // 3), (x0 + bw, y0 + bh // 3 + 18), (150, 170, 190), -1)
            cv2.putText(img, r.choice(["ACME", "BRAKE PAD", "PUMP", "FILTER", "QTY 24", "LOT 4471", "N-A03"]),
                        (x0 + 10, y0 + bh - 20), _FONT, r.uniform(0.7, 1.6), (20, 20, 40), 2, cv2.LINE_AA)
        beam_colour = r.choice([(0, 110, 230), (150, 80, 20)])
        cv2.rectangle(img, (0, top + pitch - 30), (w, top + pitch), beam_colour, -1)
        for x in range(0, w, 18):  # rack upright holes: a regular pattern
            cv2.rectangle(img, (x, top + pitch - 22), (x + 6, top + pitch - 10), (20, 20, 20), -1)
    for _ in range(r.randint(1, 3)):
        sw, sh = r.randint(80, 260), r.randint(60, 200)
        _stripes(img, r, r.randint(0, w - sw), r.randint(0, h - sh), sw, sh)
    for _ in range(r.randint(0, 2)):
        mw, mh = r.randint(100, 300), r.randint(80, 200)
        _mesh(img, r, r.randint(0, w - mw), r.randint(0, h - mh), mw, mh)
    for _ in range(r.randint(1, 4)):  # text-only labels, digits included
        lx, ly = r.randint(0, w - 260), r.randint(0, h - 110)
        cv2.rectangle(img, (lx, ly), (lx + 250, ly + 100), (245, 245, 245), -1)
        cv2.putText(img, _digits(r, 8), (lx + 10, ly + 45), _FONT, 1.0, (10, 10, 10), 2, cv2.LINE_AA)
        cv2.putText(img, r.choice(["PN-40021-B", "BIN R-C04-02", "QTY 6"]), (lx + 10, ly + 85), _FONT, 0.9,
                    (10, 10, 10), 2, cv2.LINE_AA)
    return img


# Per difficulty: in-plane rotation (deg, or None for any), perspective jitter (fraction of label size), blur
# sigma and motion-blur length as fractions of the module size (defocus that matters is relative to the
# resolution), noise sigma, contrast factor, light falloff, P(shadow edge), P(glare), P(motion blur), JPEG quality,
# and module size in camera pixels for 1D and 2D codes on label photos (frames use 0.75 of it).
_DIFFICULTY = {
    "easy": dict(rot=8, persp=0.03, blur=(0.0, 0.25), noise=(1, 3), contrast=(0.8, 1.0), light=(0.0, 0.2),
                 shadow=0.05, glare=0.03, motion=0.0, jpeg=(80, 95), m1d=(2.6, 4.5), m2d=(5.0, 9.0)),
    "medium": dict(rot=25, persp=0.06, blur=(0.15, 0.4), noise=(2, 6), contrast=(0.55, 0.9), light=(0.1, 0.4),
                   shadow=0.3, glare=0.15, motion=0.1, jpeg=(60, 90), m1d=(2.0, 3.5), m2d=(4.0, 7.0)),
    "hard": dict(rot=None, persp=0.1, blur=(0.3, 0.55), noise=(4, 9), contrast=(0.35, 0.7), light=(0.25, 0.55),
                 shadow=0.5, glare=0.25, motion=0.25, jpeg=(45, 80), m1d=(1.6, 2.8), m2d=(3.0, 5.5)),
}


def _place(scene_img, label, r, p, module_px, center_box):
    """Warp `label` into `scene_img` with rotation and perspective; returns the label's corners in the scene."""
    lh, lw = label.shape[:2]
    scale = module_px / _PRINT_MODULE
    angle = math.radians(r.uniform(-p["rot"], p["rot"]) if p["rot"] is not None else r.uniform(0, 360))
    if p["rot"] is not None and r.random() < 0.15:
        angle += math.pi * r.choice([0.5, 1.0, 1.5])  # a carton lying on its side or upside down
    half = np.array([[-lw, -lh], [lw, -lh], [lw, lh], [-lw, lh]], np.float32) / 2 * scale
    c, s = math.cos(angle), math.sin(angle)
    pts = half @ np.array([[c, s], [-s, c]], np.float32)
    jitter = p["persp"] * max(lw, lh) * scale
    pts += np.array([[r.uniform(-jitter, jitter), r.uniform(-jitter, jitter)] for _ in range(4)], np.float32)
    x0, y0, x1, y1 = center_box
    span = pts.max(0) - pts.min(0)
    fit = min(1.0, (x1 - x0) / span[0], (y1 - y0) / span[1])
    pts, span, scale = pts * fit, span * fit, scale * fit
    cx = r.uniform(x0 + span[0] / 2, max(x0 + span[0] / 2, x1 - span[0] / 2))
    cy = r.uniform(y0 + span[1] / 2, max(y0 + span[1] / 2, y1 - span[1] / 2))
    pts += np.array([cx, cy], np.float32) - (pts.max(0) + pts.min(0)) / 2
    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], np.float32)
    m = cv2.getPerspectiveTransform(src, pts)
    if scale < 1:  # the camera's optics and sensor integrate light: no aliasing from nearest sampling
        label = cv2.GaussianBlur(label, (0, 0), 0.45 / scale)
    h, w = scene_img.shape[:2]
    bx0, by0 = np.maximum(np.floor(pts.min(0)).astype(int), 0)
    bx1, by1 = np.minimum(np.ceil(pts.max(0)).astype(int) + 1, [w, h])
    m = np.array([[1, 0, -bx0], [0, 1, -by0], [0, 0, 1]], np.float64) @ m  # warp into the bounding box only
    size = (int(bx1 - bx0), int(by1 - by0))
    warped = cv2.warpPerspective(label, m, size, flags=cv2.INTER_LINEAR).astype(np.float32)
    mask = cv2.warpPerspective(np.ones((lh, lw), np.float32), m, size, flags=cv2.INTER_LINEAR)[..., None]
    roi = scene_img[by0:by1, bx0:bx1]
    roi[:] = (warped * mask + roi * (1 - mask)).astype(np.uint8)
    return pts


def _curve(label: np.ndarray, r: random.Random, p: dict) -> np.ndarray:
    """The label wrapped round a cylinder (a bottle, a tin) and seen from the front: bars crowd towards the edges,
    light falls off with the turn of the surface, and glossy film throws a specular stripe along the axis."""
    lh, lw = label.shape[:2]
    arc = r.uniform(*p["arc"])  # the angle the label wraps, radians
    radius = lw / arc
    half = radius * math.sin(arc / 2)
    xs = np.linspace(-half, half, max(int(2 * half), 2), dtype=np.float32)
    turn = np.arcsin(np.clip(xs / radius, -1, 1))
    map_x = np.tile((radius * turn + lw / 2).astype(np.float32), (lh, 1))
    map_y = np.repeat(np.arange(lh, dtype=np.float32)[:, None], len(xs), 1)
    out = cv2.remap(label, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    shade = 0.55 + 0.45 * np.cos(turn)
    gloss = np.zeros_like(xs)
    if r.random() < p["gloss"]:
        x0, width = r.uniform(-0.6, 0.6) * half, r.uniform(0.03, 0.09) * half
        gloss = r.uniform(90, 200) * np.exp(-((xs - x0) / width) ** 2)
    out = out * shade[None, :, None] + gloss[None, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


@functools.cache
def _noise_tile() -> np.ndarray:
    """Unit Gaussian noise × 256 (int16), drawn once; samples cut it at random offsets, since drawing fresh
    normal deviates for every 1080p frame costs more than everything else in a sample."""
    return (np.random.default_rng(0).standard_normal((1280, 2240, 3), dtype=np.float32) * 256).astype(np.int16)


def _photograph(img, r, rng, p, corners, module: float, phone: dict | None = None) -> np.ndarray:
    """Lighting, shadow, glare, contrast, blur, noise and JPEG, as a camera and a warehouse add them. `phone`: a
    phone's extra troubles (low light with its gain noise, harder JPEG) for the product and multi scenes."""
    h, w = img.shape[:2]
    # Light and glare vary smoothly, so their maps are computed at half resolution and scaled up.
    hh, hw = h // 2, w // 2
    yy, xx = np.mgrid[0:hh, 0:hw].astype(np.float32)
    yy *= 2
    xx *= 2
    theta = r.uniform(0, 2 * math.pi)
    ramp = xx * math.cos(theta) + yy * math.sin(theta)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
    light = 1.0 - r.uniform(*p["light"]) * ramp
    centre = corners.mean(0)
    size = float(np.linalg.norm(corners[0] - corners[2]))
    if r.random() < p["shadow"]:  # a hard-ish shadow edge across the label (a shelf, an arm)
        phi = r.uniform(0, 2 * math.pi)
        offset = r.uniform(-0.25, 0.25) * size
        d = (xx - centre[0]) * math.cos(phi) + (yy - centre[1]) * math.sin(phi) - offset
        soft = r.uniform(2, 12)
        light *= 1 - r.uniform(0.4, 0.65) * 0.5 * (1 + np.tanh(d / (2 * soft)))
    glare = np.zeros_like(light)
    if r.random() < p["glare"]:  # a specular blob from a ceiling lamp on glossy label film
        gx, gy = centre + rng.normal(0, size * 0.3, 2)
        sigma = size * r.uniform(0.05, 0.15)
        glare = r.uniform(120, 220) * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * sigma ** 2))
    noise_gain, jpeg = 1.0, p["jpeg"]
    if phone is not None:
        if r.random() < phone["dark"]:  # low light: a dim picture, and the sensor gain that brightens it is noise
            light = light * r.uniform(0.3, 0.5)
            noise_gain = r.uniform(1.5, 2.5)
        jpeg = phone["jpeg"]
    mid, contrast = r.uniform(110, 150), r.uniform(*p["contrast"])
    # 8-bit maps and saturating OpenCV arithmetic: float frames cost several times more here.
    gain = np.clip(light * contrast * 255, 0, 255).astype(np.uint8)
    offset = np.clip(glare + mid * (1 - contrast), 0, 255).astype(np.uint8)
    gain = cv2.resize(cv2.merge([gain] * 3), (w, h))
    offset = cv2.resize(cv2.merge([offset] * 3), (w, h))
    img = cv2.add(cv2.multiply(img, gain, scale=1 / 255), offset)
    sigma = r.uniform(*p["blur"]) * module
    if sigma > 0.2:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    if r.random() < p["motion"]:
        length = max(2, round(module * r.uniform(0.8, 1.6)))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1 / length
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), r.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
    tile = _noise_tile()
    ny, nx = r.randint(0, tile.shape[0] - h), r.randint(0, tile.shape[1] - w)
    noise = cv2.multiply(tile[ny:ny + h, nx:nx + w], r.uniform(*p["noise"]) * noise_gain / 256)
    img = cv2.add(img, noise, dtype=cv2.CV_8U)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, r.randint(*jpeg)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


# The phone scenes' extra troubles per difficulty: label wrap angle (radians), P(glossy film), P(low light), JPEG.
_PHONE = {
    "easy": dict(arc=(0.3, 0.9), gloss=0.3, dark=0.1, jpeg=(60, 85)),
    "medium": dict(arc=(0.8, 1.6), gloss=0.5, dark=0.25, jpeg=(45, 75)),
    "hard": dict(arc=(1.4, 2.2), gloss=0.7, dark=0.4, jpeg=(35, 65)),
}


def _phone_sample(scene, kind, difficulty, seed, r, rng, p) -> Sample:
    phone = _PHONE[difficulty]
    if scene == "product":
        h, w = 960, 1280
        img = _desk(rng, r, h, w)
        art, truth, linear = render_code(kind, r)
        label = _curve(_label(art, truth, linear, r), r, phone)
        module = r.uniform(*p["m1d"] if linear else p["m2d"]) * 1.3  # a phone is held close to a product
        corners = _place(img, label, r, p, module, (40, 40, w - 40, h - 40))
        return Sample(_photograph(img, r, rng, p, corners, module, phone), (truth,), scene, kind, difficulty, seed,
                      corners)
    # multi: two or three labels of different kinds, one to a slot across the picture
    h, w = 1200, 1600
    img = _desk(rng, r, h, w)
    kinds = r.sample([kind] + [k for k in KINDS if k != kind], r.randint(2, 3))
    if kind not in kinds:
        kinds[0] = kind
    slot = w // len(kinds)
    truths, all_corners, modules = [], [], []
    for i, k in enumerate(kinds):
        art, truth, linear = render_code(k, r)
        module = r.uniform(*p["m1d"] if linear else p["m2d"])
        all_corners.append(_place(img, _label(art, truth, linear, r), r, p, module,
                                  (i * slot + 20, 40, (i + 1) * slot - 20, h - 40)))
        truths.append(truth)
        modules.append(module)
    corners = np.concatenate(all_corners)
    hull = np.array([corners.min(0), [corners.max(0)[0], corners.min(0)[1]], corners.max(0),
                     [corners.min(0)[0], corners.max(0)[1]]], np.float32)
    image = _photograph(img, r, rng, p, hull, min(modules), phone)
    return Sample(image, tuple(truths), scene, kind, difficulty, seed, corners)


def sample(scene: str, kind: str | None, difficulty: str, index: int, base_seed: int = 0) -> Sample:
    """One deterministic sample. `kind` is one of KINDS, or None for a negative (for "multi": the kind that is
    surely among the codes in the picture)."""
    seed = seed_for(base_seed, scene, kind, difficulty, index)
    r, rng = random.Random(seed), np.random.default_rng(seed)
    p = _DIFFICULTY[difficulty]
    if scene in ("product", "multi"):
        return _phone_sample(scene, kind, difficulty, seed, r, rng, p)
    if scene == "label":
        h, w = 960, 1280
        img, box = _desk(rng, r, h, w), (40, 40, w - 40, h - 40)
        shrink = 1.0
    elif scene in ("frame", "negative"):
        h, w = 1080, 1920
        img, box = _warehouse(rng, r, h, w), (60, 60, w - 60, h - 60)
        shrink = 0.75
    else:
        raise ValueError(f"unknown scene {scene!r}")
    if scene == "negative":
        corners = np.array([[w / 2 - 200, h / 2 - 200], [w / 2 + 200, h / 2 - 200],
                            [w / 2 + 200, h / 2 + 200], [w / 2 - 200, h / 2 + 200]], np.float32)
        return Sample(_photograph(img, r, rng, p, corners, 2.0), (), scene, None, difficulty, seed)
    art, truth, linear = render_code(kind, r)
    label = _label(art, truth, linear, r)
    module = r.uniform(*(p["m1d"] if linear else p["m2d"])) * shrink
    corners = _place(img, label, r, p, module, box)
    return Sample(_photograph(img, r, rng, p, corners, module), (truth,), scene, kind, difficulty, seed, corners)


def corpus(scene: str, per_cell: int, *, kinds=None, difficulties=DIFFICULTIES, base_seed: int = 0):
    """Yield `per_cell` samples for every kind × difficulty of `scene` (negatives: per difficulty)."""
    if kinds is None:
        kinds = PRODUCT_KINDS if scene == "product" else KINDS
    for difficulty in difficulties:
        for kind in ((None,) if scene == "negative" else kinds):
            for i in range(per_cell):
                yield sample(scene, kind, difficulty, i, base_seed)


def write_video(path: str | Path, *, seconds: float = 4.0, fps: int = 10, hold: int = 10, base_seed: int = 0,
                size: tuple[int, int] = (1920, 1080)) -> list[tuple[int, tuple[Truth, ...]]]:
    """Write an MJPG .avi of cluttered shelf frames; each scene is held for `hold` frames, like a camera watching a
    shelf while cartons come and go. Returns (first frame index, truths) per scene."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MJPG video to {path}")
    scenes, total, i = [], int(seconds * fps), 0
    try:
        while i < total:
            kind = KINDS[len(scenes) % len(KINDS)] if len(scenes) % 3 != 2 else None
            s = sample("frame" if kind else "negative", kind, "medium", len(scenes), base_seed)
            frame = cv2.resize(s.image, size) if s.image.shape[1::-1] != size else s.image
            scenes.append((i, s.truths))
            for _ in range(min(hold, total - i)):
                writer.write(frame)
                i += 1
    finally:
        writer.release()
    return scenes
