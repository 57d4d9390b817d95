"""What a file is, decided from its bytes, and the copy that is safe to keep. Pure: bytes in, bytes out.

The name's extension and the client's Content-Type are claims; the content decides. A file whose name claims one
type while the content is another is refused (a `.png` that is text, a `.xlsx` that is any zip), so nobody is
misled by a name later. Images are decoded in full and re-encoded from pixels, so EXIF (GPS, camera serials), ICC
profiles, text chunks and anything appended after the image are not kept; spreadsheets are opened read-only and
kept as sent, minus nothing: a workbook with macros or embedded objects is refused instead of cleaned.
PDFs are not accepted: checking that one holds no scripts, forms or embedded files needs more than opening it.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps

from warehouse.attachments.errors import TooLarge, TooManyPixels, TypeMismatch, TypeRefused, Unreadable

MAX_BYTES = 10 * 1024 * 1024  # photos, signatures and import files
# A 48-megapixel phone photo decodes to ~150 MB of RGB; a document photo needs far less. Checked from the header,
# before a single pixel is decoded, so a small file claiming huge dimensions (a decompression bomb) costs nothing.
MAX_PIXELS = 40_000_000
# A workbook unpacks to its XML: cap what the zip claims before anything is inflated (zip bombs).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000

IMAGE = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND = {"JPEG": "image", "PNG": "image", "WEBP": "image", "XLSX": "spreadsheet", "CSV": "csv"}
IMAGES = frozenset(IMAGE)
SPREADSHEETS = frozenset({"XLSX", "CSV"})

# Extensions that claim a type. Anything else (".23" in "scan 2024.11.23") claims nothing and gets the detected
# type's extension appended.
CLAIMS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".jfif": "JPEG", ".png": "PNG", ".webp": "WEBP",
          ".xlsx": "XLSX", ".csv": "CSV", ".gif": "GIF", ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF",
          ".heic": "HEIC", ".heif": "HEIC", ".avif": "AVIF", ".svg": "SVG", ".pdf": "PDF", ".zip": "ZIP",
          ".rar": "RAR", ".7z": "7Z", ".xls": "XLS", ".xlsm": "XLSM", ".xlsb": "XLSB", ".doc": "DOC", ".docx": "DOCX",
          ".txt": "text", ".html": "HTML", ".htm": "HTML", ".exe": "EXE", ".js": "JS"}


@dataclass(frozen=True)
class Checked:
    type: str  # JPEG | PNG | WEBP | XLSX | CSV
    kind: str  # image | spreadsheet | csv
    content_type: str
    extension: str
    data: bytes  # what to store: re-encoded for images, as sent otherwise
    filename: str  # sanitised, its extension matching the content


def check(data: bytes, *, filename: str | None, accepts: frozenset[str]) -> Checked:
    """The stored form of an upload, or the reason it is refused (a DomainError)."""
    if len(data) > MAX_BYTES:
        raise TooLarge(size=len(data), limit=MAX_BYTES)
    stem, ext = _split(sanitise_filename(filename))
    claimed = CLAIMS.get(ext.lower())
    detected = sniff(data, claimed=claimed)
    if claimed is not None and claimed != detected:
        raise TypeMismatch(claimed=claimed, detected=detected)
    if detected not in accepts:
        raise TypeRefused(detected=detected, accepted=", ".join(sorted(accepts)))
    if detected in IMAGE:
        content_type, extension = IMAGE[detected]
        stored = _reencode_image(data, detected)
    elif detected == "XLSX":
        content_type, extension, stored = XLSX_TYPE, ".xlsx", _check_xlsx(data)
    else:
        content_type, extension, stored = f"text/csv; charset={_check_csv(data)}", ".csv", data
    if len(stored) > MAX_BYTES:  # re-encoding grew it (a photo saved as PNG): still the one limit
        raise TooLarge(size=len(stored), limit=MAX_BYTES)
    name = (stem or "attachment") + (ext if claimed else ext + extension)
    return Checked(type=detected, kind=KIND[detected], content_type=content_type, extension=extension, data=stored,
                   filename=name)


def sniff(data: bytes, *, claimed: str | None = None) -> str:
    """The type the bytes say they are (magic numbers; a zip by its members; text by the absence of NULs)."""
    head = data[:16]
    if not data:
        return "empty"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:2] == b"BM":
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if b"\x00" not in data[:65536]:
        return "CSV" if claimed == "CSV" else "text"
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "ZIP"
    if "xl/workbook.xml" in names:
        return "XLSM" if any(n.lower().endswith("vbaproject.bin") for n in names) else "XLSX"
    if "xl/workbook.bin" in names:
        return "XLSB"
    if "word/document.xml" in names:
        return "DOCX"
    return "ZIP"


def _reencode_image(data: bytes, fmt: str) -> bytes:
    """Decode every pixel and write a new file from them alone. Truncated or forged images fail to decode."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # Phones write MPO: a JPEG followed by more JPEGs (depth, HDR); the first is the photo.
            if probe.format != fmt and not (fmt == "JPEG" and probe.format == "MPO"):
                raise Unreadable(detected=fmt)
            pixels = probe.size[0] * probe.size[1]
            if pixels > MAX_PIXELS:
                raise TooManyPixels(pixels=pixels, limit=MAX_PIXELS)
            probe.verify()  # checksums (PNG CRCs) without decoding
        with Image.open(io.BytesIO(data)) as im:
            im.load()  # a truncated JPEG raises here ("image file is truncated")
            # Turn the pixels upright before the EXIF that says how is dropped, or phone photos come out rotated.
            upright = ImageOps.exif_transpose(im)
    except Image.DecompressionBombError:
        raise TooManyPixels(pixels=f"> {MAX_PIXELS}", limit=MAX_PIXELS) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError):
        # Pillow's decoders report damage with any of these.
        raise Unreadable(detected=fmt) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    if fmt == "JPEG":
        mode = "L" if upright.mode in ("1", "L") else "RGB"
    else:
        mode = "RGBA" if has_alpha else ("L" if upright.mode in ("1", "L") and fmt == "PNG" else "RGB")
    clean = upright.convert(mode)
    clean.info = {}  # nothing of the original's metadata may ride along into save()
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=90)
    elif fmt == "PNG":
        clean.save(out, "PNG", compress_level=6)
    else:
        clean.save(out, "WEBP", quality=90)
    return out.getvalue()


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_xlsx(data: bytes) -> bytes:
    """A real workbook, opened read-only; no macros, no embedded objects, no DTDs (entity expansion), no zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise Unreadable(detected="XLSX")
            for info in infos:
                name = info.filename.lower()
                if name.startswith(("xl/embeddings/", "xl/activex/")) or name.endswith(".bin"):
                    raise TypeRefused(detected="XLSX with macros or embedded objects", accepted="XLSX")
                if name.endswith((".xml", ".rels")):
                    with zf.open(info) as member:
                        if _DTD.search(member.read(65536)):
                            raise Unreadable(detected="XLSX")
            if zf.testzip() is not None:  # every member's CRC: a damaged archive fails here
                raise Unreadable(detected="XLSX")
        from openpyxl import load_workbook  # imported here: only uploads of workbooks pay for it

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise Unreadable(detected="XLSX")
            for ws in wb.worksheets:
                for _row in ws.iter_rows(max_row=100, values_only=True):
                    pass
        finally:
            wb.close()
    except (Unreadable, TypeRefused):
        raise
    except Exception:  # noqa: BLE001 - a hostile archive can fail inside zipfile/openpyxl/XML in many ways
        raise Unreadable(detected="XLSX") from None
    return data


def _check_csv(data: bytes) -> str:
    """The charset a CSV decodes in (UTF-8, with or without BOM, else GB18030); text with control bytes is refused."""
    for charset, codec in (("utf-8", "utf-8-sig"), ("gb18030", "gb18030")):
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable(detected="CSV")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        raise Unreadable(detected="CSV")
    try:
        rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise Unreadable(detected="CSV") from None
    if rows == 0:
        raise Unreadable(detected="CSV")
    return charset


# Bidirectional overrides let "gpj.exe" display as "exe.jpg"; controls and separators have no place in a name.
_NAME_DROP = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_NAME_SEP = re.compile(r"[\\/:*?\"<>|]+")


def sanitise_filename(name: str | None, *, max_len: int = 200) -> str:
    """The last path component, NFC, without control/format characters, surrogates or path separators, trimmed of
    dots and spaces, at most `max_len` characters with its extension kept. Chinese names stay Chinese."""
    if not name:
        return ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _NAME_DROP)
    name = _NAME_SEP.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > max_len:
        stem, ext = _split(name)
        ext = ext[:20]
        name = stem[: max_len - len(ext)].rstrip(" .") + ext
    return name


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or " " in ext or len(ext) > 20:
        return name, ""
    return stem, "." + ext
