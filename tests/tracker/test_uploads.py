"""Files given with a testimony: the GPS position and every other metadata are gone after upload, pictures stay
upright, and oversized, malformed, disguised or encrypted files are refused with a message."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from indicators.tracker.errors import ValidationError, in_language
from indicators.tracker.uploads import MAX_FILE_BYTES, checksum, clean_file, clean_files

GPS_IFD = 0x8825


def photo_with_gps(orientation: int = 1, size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"           # camera make
    exif[0x0132] = "2024:03:05 18:22:01"  # when
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (40.0, 27.0, 55.0), 3: "W", 4: (79.0, 56.0, 40.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def test_gps_position_and_camera_data_are_gone_from_an_uploaded_photo():
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)[2] == (40.0, 27.0, 55.0)
    clean = clean_file("IMG_2024 03 05.JPG", original)
    opened = Image.open(io.BytesIO(clean.data))
    assert opened.getexif() == {} and opened.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in opened.info and "comment" not in opened.info
    for trace in (b"Exif", b"PhoneMaker", b"2024:03:05", b"taken at home"):
        assert trace not in clean.data
    assert (clean.file_name, clean.media_type, opened.size) == ("IMG-2024-03-05.jpg", "image/jpeg", (64, 48))
    assert clean.sha256 == checksum(clean.data) and len(clean.sha256) == 64


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_is_dropped():
    clean = clean_file("side.jpg", photo_with_gps(orientation=6, size=(64, 48)))
    assert Image.open(io.BytesIO(clean.data)).size == (48, 64)


def test_text_chunks_of_a_png_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Resident")
    info.add_text("GPS", "40.4652,-79.9444")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    clean = clean_file("flyer.png", out.getvalue())
    assert b"Jane Resident" not in clean.data and b"40.4652" not in clean.data
    assert Image.open(io.BytesIO(clean.data)).mode == "RGBA"


def test_a_pdf_loses_its_author_its_metadata_and_its_scripts():
    writer = PdfWriter()
    writer.add_blank_page(300, 300)
    writer.add_metadata({"/Author": "Jane Resident", "/Title": "Letter to the landlord"})
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({  # a script that runs on opening
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');")})
    out = io.BytesIO()
    writer.write(out)
    clean = clean_file("letter.pdf", out.getvalue())
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 1
    assert not reader.metadata or "/Author" not in reader.metadata
    assert b"Jane Resident" not in clean.data and b"app.alert" not in clean.data
    assert clean.media_type == "application/pdf" and clean.file_name == "letter.pdf"


def test_an_oversized_file_is_refused_with_its_size():
    big = b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES
    with pytest.raises(ValidationError) as refused:
        clean_file("scan.pdf", big)
    assert "is 5.0 MB; the limit is 5 MB per file" in str(refused.value)
    assert "MB por archivo" in in_language(refused.value.problems[0], "es")


@pytest.mark.parametrize("name, data, reason", [
    ("photo.jpg", photo_with_gps()[:300], "not a picture that can be opened"),
    ("photo.jpg", b"\xff\xd8\xff" + b"\x00" * 200, "not a picture that can be opened"),
    ("notes.pdf", b"%PDF-1.7\n garbage that is no pdf", "not a PDF that can be opened"),
    ("cute.png", b"MZ\x90\x00 a windows program", "is not a JPEG, PNG or WebP picture nor a PDF"),
    ("page.pdf", b"<html><script>alert(1)</script></html>", "is not a JPEG, PNG or WebP picture nor a PDF"),
    ("empty.jpg", b"", "is empty"),
])
def test_malformed_and_disguised_files_are_refused(name, data, reason):
    with pytest.raises(ValidationError) as refused:
        clean_file(name, data)
    assert reason in str(refused.value) and repr(name) in str(refused.value)


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="password-protected PDF"):
        clean_file("locked.pdf", out.getvalue())


def test_a_picture_too_large_to_open_safely_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(out, "PNG")   # 48 million pixels in a small file
    assert len(out.getvalue()) < MAX_FILE_BYTES
    with pytest.raises(ValidationError, match="8000 × 6000 pixels; the limit is 40 million"):
        clean_file("huge.png", out.getvalue())


def test_more_than_three_files_and_every_bad_one_are_named_at_once():
    with pytest.raises(ValidationError) as refused:
        clean_files([("a.jpg", photo_with_gps()), ("b.jpg", b"nope"), ("c.jpg", photo_with_gps()),
                     ("d.jpg", photo_with_gps())])
    message = str(refused.value)
    assert "at most 3 files" in message and "'b.jpg'" in message and "'d.jpg'" not in message


def test_a_script_link_inside_a_pdf_page_is_removed():
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                                                 NameObject("/JS"): TextStringObject("app.launch()")})})
    writer.add_annotation(page, link)
    out = io.BytesIO()
    writer.write(out)
    clean = clean_file("flyer.pdf", out.getvalue())
    assert b"app.launch" not in clean.data
    assert "/Annots" not in PdfReader(io.BytesIO(clean.data)).pages[0]
