"""The content check on its own (no database): what each kind of file becomes, and what is refused."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.attachments import files
from warehouse.attachments import content
from warehouse.attachments.errors import TooLarge, TypeMismatch, TypeRefused, Unreadable

ALL = content.IMAGES | content.SPREADSHEETS


@pytest.mark.parametrize("fmt, mode", [("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "L"), ("WEBP", "RGBA"),
                                       ("JPEG", "CMYK")])
def test_images_come_back_re_encoded_in_their_own_format(fmt, mode):
    out = io.BytesIO()
    Image.new(mode, (30, 10)).save(out, fmt, exif=files.spy_exif().tobytes())
    checked = content.check(out.getvalue(), filename=f"x.{fmt.lower()}", accepts=ALL)
    assert checked.type == fmt and checked.kind == "image" and b"SpyCam" not in checked.data
    im = Image.open(io.BytesIO(checked.data))
    assert im.format == fmt and im.size == (30, 10) and not im.getexif()


def test_a_phone_photo_with_extra_frames_keeps_its_first_frame_as_a_plain_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (32, 16), (255, 0, 0)).save(out, "MPO", save_all=True,
                                                append_images=[Image.new("RGB", (32, 16), (0, 0, 255))])
    checked = content.check(out.getvalue(), filename="IMG_2001.jpg", accepts=ALL)
    im = Image.open(io.BytesIO(checked.data))
    assert im.format == "JPEG" and getattr(im, "n_frames", 1) == 1 and im.getpixel((5, 5))[0] > 200


def test_a_jpeg_named_png_is_refused_one_named_without_extension_is_named_for_its_content():
    with pytest.raises(TypeMismatch) as e:
        content.check(files.jpeg(), filename="photo.png", accepts=ALL)
    assert e.value.params == {"claimed": "PNG", "detected": "JPEG"}
    assert content.check(files.jpeg(), filename="photo", accepts=ALL).filename == "photo.jpg"
    assert content.check(files.jpeg(), filename=None, accepts=ALL).filename == "attachment.jpg"
    assert content.check(files.jpeg(), filename="IMG.JPEG", accepts=ALL).filename == "IMG.JPEG"


def test_workbooks_with_macros_or_a_dtd_are_refused():
    import zipfile

    def with_member(name: str, data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(files.xlsx())) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item))
            dst.writestr(name, data)
        return out.getvalue()

    assert content.check(files.xlsx(), filename="a.xlsx", accepts=ALL).kind == "spreadsheet"
    with pytest.raises(TypeMismatch):  # vbaProject.bin makes it an XLSM, whatever the name says
        content.check(with_member("xl/vbaProject.bin", b"\x00" * 10), filename="a.xlsx", accepts=ALL)
    with pytest.raises(TypeRefused):
        content.check(with_member("xl/embeddings/oleObject1.bin", b"\x00"), filename="a.xlsx", accepts=ALL)
    with pytest.raises(Unreadable):
        content.check(with_member("xl/custom.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x/>'),
                      filename="a.xlsx", accepts=ALL)
    damaged = bytearray(files.xlsx())
    damaged[200:260] = b"\x00" * 60
    with pytest.raises((Unreadable, TypeMismatch)):
        content.check(bytes(damaged), filename="a.xlsx", accepts=ALL)


@pytest.mark.parametrize("data, charset", [("零件,数量\r\nAC-100,3\r\n".encode("utf-8-sig"), "utf-8"),
                                           ("零件,数量\nAC-100,3\n".encode("gb18030"), "gb18030")])
def test_csv_in_utf8_or_gb18030_is_kept_as_sent(data, charset):
    checked = content.check(data, filename="counts.csv", accepts=ALL)
    assert checked.data == data and checked.content_type == f"text/csv; charset={charset}"


def test_csv_with_control_bytes_or_nothing_in_it_is_refused():
    for data in (b"a,b\x01\n", b"\xff\xfe\x00a", b""):
        with pytest.raises((Unreadable, TypeMismatch)):
            content.check(data, filename="x.csv", accepts=ALL)


def test_the_size_limit_is_checked_before_anything_is_decoded():
    with pytest.raises(TooLarge) as e:
        content.check(b"\x00" * (content.MAX_BYTES + 1), filename="x.jpg", accepts=ALL)
    assert e.value.params == {"size": content.MAX_BYTES + 1, "limit": content.MAX_BYTES}


@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd.png", "passwd.png"),
    ("C:\\Users\\张三\\照片.jpg", "照片.jpg"),
    ("evil\u202egnp.exe", "evilgnp.exe"),  # a right-to-left override would display it as "evilexe.png"
    ("a\x00b\r\n.jpg", "ab.jpg"),
    ("  ..hidden ", "hidden"),
    ("x" * 300 + ".jpeg", "x" * 195 + ".jpeg"),
    ("a:b*c?.png", "a_b_c_.png"),
])
def test_filenames_are_sanitised(raw, clean):
    assert content.sanitise_filename(raw) == clean
