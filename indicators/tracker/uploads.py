"""Files given with a testimony: checked by what they are (not by their name), stripped of what could identify or
locate the person, and given a checksum.

- Images (JPEG, PNG, WebP) are decoded and drawn again from their pixels alone: EXIF (with its GPS position, the
  camera and the time), XMP, IPTC, comments and embedded profiles are left behind; the picture is turned upright
  first, as its EXIF said. Very large pictures are scaled down to :data:`MAX_IMAGE_SIDE` pixels.
- PDFs are read page by page into a new file without the document information (author, software, dates), the XMP
  metadata, scripts, or actions that run on opening.
- Anything else, a file larger than :data:`MAX_FILE_BYTES`, a file that does not decode, an encrypted PDF or more
  than :data:`MAX_FILES` files is refused with a message; nothing of a refused testimony is stored.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from indicators.core.i18n import N_
from indicators.tracker.errors import Message, Problem, ValidationError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_IMAGE_SIDE = 3000
#: larger images are refused before decoding (a "decompression bomb" is a small file of a huge picture)
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_TYPE = ("application/pdf", "pdf")
ACCEPTED_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "pdf")


@dataclass(frozen=True)
class CleanFile:
    """A file ready to store: its bytes after stripping, what they are, and their SHA-256."""

    file_name: str
    media_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_file_name(name: object, extension: str, position: int) -> str:
    """A file name of letters, digits, dashes and dots only, ending in the extension of what the file is."""
    stem = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", stem).strip("-")[:60] or f"file-{position}"
    return f"{stem}.{extension}"


def clean_files(files: list[tuple[str, bytes]] | None) -> list[CleanFile]:
    """Every file of ``files`` (name, bytes) checked and stripped; :class:`ValidationError` naming each bad one."""
    files = list(files or [])
    problems: list[Problem] = []
    if len(files) > MAX_FILES:
        problems.append(Problem(Message(N_("at most {limit} files"), limit=MAX_FILES), N_("attachments")))
        files = files[:MAX_FILES]
    cleaned = []
    for position, (name, data) in enumerate(files, start=1):
        try:
            cleaned.append(clean_file(name, data, position))
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems, title=N_("Testimony not saved"))
    return cleaned


def clean_file(name: str, data: bytes, position: int = 1) -> CleanFile:
    """One file checked by its first bytes and stripped (see the module notes)."""
    field = Message(N_("file {name}"), name=repr(str(name or "")[:60]))
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValidationError(Problem(N_("is empty"), field))
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(Problem(Message(N_("is {size} MB; the limit is {limit} MB per file"),
                                              size=f"{len(data) / 1024 / 1024:.1f}",
                                              limit=MAX_FILE_BYTES // (1024 * 1024)), field))
    if data.startswith(b"%PDF-"):
        clean, (media_type, extension) = _clean_pdf(data, field), PDF_TYPE
    elif data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        clean, (media_type, extension) = _clean_image(data, field)
    else:
        raise ValidationError(Problem(N_("is not a JPEG, PNG or WebP picture nor a PDF"), field))
    return CleanFile(safe_file_name(name, extension, position), media_type, clean, checksum(clean))


def _clean_image(data: bytes, field) -> tuple[bytes, tuple[str, str]]:
    from PIL import Image, ImageOps

    broken = Problem(N_("is not a picture that can be opened (damaged or cut short)"), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                kind = opened.format
                if kind not in IMAGE_TYPES:
                    raise ValidationError(broken)
                if opened.width * opened.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(Problem(Message(N_("is a picture of {width} × {height} pixels; the limit "
                                                             "is {limit} million pixels"), width=opened.width,
                                                          height=opened.height,
                                                          limit=MAX_IMAGE_PIXELS // 1_000_000), field))
                opened.load()
                upright = ImageOps.exif_transpose(opened)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(Problem(N_("is a picture too large to open safely"), field)) from None
    except Exception:  # Pillow raises many kinds on damaged files: each is a refused file, never a crash
        raise ValidationError(broken) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    mode = "RGBA" if has_alpha and kind != "JPEG" else "RGB"
    pixels = upright.convert(mode)
    if max(pixels.size) > MAX_IMAGE_SIDE:
        pixels.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    # a new picture from the pixels alone: nothing of the original's metadata comes along
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "JPEG":
        bare.save(out, format="JPEG", quality=90, optimize=True)
    elif kind == "PNG":
        bare.save(out, format="PNG", optimize=True)
    else:
        bare.save(out, format="WEBP", quality=90)
    return out.getvalue(), IMAGE_TYPES[kind]


def _clean_pdf(data: bytes, field) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(Problem(N_("is a password-protected PDF; save it without a password"), field))
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            # actions that run when a page opens, and script links, are not carried over
            for key in ("/AA", "/JS"):
                if key in added:
                    del added[NameObject(key)]
            annotations = added.get("/Annots")
            if annotations is not None:
                kept = [a for a in annotations.get_object() if not _runs_a_script(a.get_object())]
                if kept:
                    added[NameObject("/Annots")] = ArrayObject(kept)
                else:
                    del added[NameObject("/Annots")]
        if not len(writer.pages):
            raise ValidationError(Problem(N_("is a PDF without pages"), field))
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on damaged files: each is a refused file, never a crash
        raise ValidationError(Problem(N_("is not a PDF that can be opened (damaged or cut short)"), field)) from None
    return out.getvalue()


def _runs_a_script(annotation) -> bool:
    action = annotation.get("/A")
    action = action.get_object() if action is not None else None
    return bool(action) and action.get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData")
