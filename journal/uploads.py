"""Validation of uploaded scans: type by content, size by setting (R-J-3, R-SEC)."""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from policy.services import get_setting

# Magic numbers of the accepted formats; the file name and the browser's claim are ignored.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


EXTENSIONS = {content_type: extension for _magic, content_type, extension in SIGNATURES}
# Characters no file name should carry, in a header or on a disk: control characters, the
# separators of Windows and POSIX paths, and what a header parameter would have to escape.
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')
NAME_LENGTH = 100


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def upload_limit(school=None) -> int:
    """Bytes allowed for one scan: the school's setting (R-CFG), within the server's cap."""
    cap = settings.UPLOAD_MAX_BYTES
    if school is None:
        return cap
    return min(cap, get_setting("security.upload_max_mb", school=school) * 1024 * 1024)


def validate_scan(upload, *, max_bytes: int | None = None) -> tuple[str, str]:
    """Return (content type, extension) of an acceptable scan or raise ValidationError."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Файл слишком большой: %(size).1f МБ, допускается не более %(limit).0f МБ.")
            % {"size": upload.size / 1048576, "limit": limit / 1048576}
        )
    if upload.size == 0:
        raise ValidationError(_("Файл пустой."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = sniff_content_type(head)
    if sniffed is None:
        raise ValidationError(
            _("Допускаются только сканы в форматах PDF, JPEG или PNG; этот файл им не является.")
        )
    return sniffed


def private_name(extension: str) -> str:
    """A random stored name: the original name is kept only in the database, never in a path."""
    return f"{uuid.uuid4().hex}{extension}"


def served_content_type(content_type: str) -> str:
    """The type a stored scan is sent as: one of the accepted formats, else plain bytes."""
    return content_type if content_type in EXTENSIONS else "application/octet-stream"


def download_name(original: str, content_type: str) -> str:
    """The name a scan is kept and downloaded under: the stem the user gave it, the extension
    of the type found by content (a PDF uploaded as «poly.html» downloads as «poly.pdf»)."""
    extension = EXTENSIONS.get(content_type, ".bin")
    base = PurePosixPath(original.replace("\\", "/")).name
    stem = UNSAFE_NAME.sub("_", PurePosixPath(base).stem).strip(" .")[:NAME_LENGTH]
    return (stem or _("скан")) + extension
