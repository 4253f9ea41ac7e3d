"""Uploads (R-SEC): refused by size before the body is read; served under their real type.

The only upload of the product is the scan of an excuse document (``journal.uploads``).
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import ClientHandler, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from journal.models import ExcuseDocument
from journal.services import register_excuse
from tests import factories
from tests.journal.helpers import class_teacher_for

MON = datetime.date(2025, 10, 13)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MiB = 1024 * 1024
BOUNDARY = "----upload-boundary"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


class HugeUpload(io.RawIOBase):
    """A multipart body of an excuse form with a ``size``-byte PDF, made as it is read.

    It counts what the server reads and refuses to give more than ``allowed`` bytes, so a
    server that reads the body before checking its size fails loudly instead of spending
    the test's time and disk on 100 MiB.
    """

    def __init__(self, size: int, *, allowed: int = 64 * 1024):
        self.head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nmedical_certificate\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="start_date"\r\n\r\n2025-10-13\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="end_date"\r\n\r\n2025-10-13\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="scan"; filename="scan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.allowed = allowed
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.read_bytes >= self.allowed:
            raise AssertionError(f"the server read {self.read_bytes} bytes of the body")
        start = self.read_bytes
        count = min(len(buffer), self.length - start)
        body_end = self.length - len(self.tail)
        chunk = (
            self.head[start : start + count]
            + b"0" * max(0, min(start + count, body_end) - max(start, len(self.head)))
            + self.tail[max(0, start - body_end) : max(0, start + count - body_end)]
        )
        buffer[:count] = chunk
        self.read_bytes += count
        return count


def _post_stream(client, path: str, body: HugeUpload):
    """POST ``body`` through the whole middleware stack, as a WSGI server hands it over."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        HTTP_COOKIE=client.cookies.output(header="", sep=";").strip(),
        **{"wsgi.input": body},
    )
    return ClientHandler(enforce_csrf_checks=False)(environ)


def test_a_100_mib_upload_is_refused_by_its_size_before_the_body_is_read(
    client, teacher, student, private_storage
):
    client.force_login(teacher)
    body = HugeUpload(100 * MiB)

    response = _post_stream(client, reverse("journal:excuse_add", args=[student.pk]), body)

    assert response.status_code == 413
    assert body.read_bytes == 0
    text = response.content.decode()
    assert "Файл слишком большой" in text and "не более 10 МБ" in text
    assert not ExcuseDocument.objects.exists()
    assert stored_files(private_storage) == []


def test_the_request_limit_follows_the_setting(client, teacher, student, settings):
    settings.UPLOAD_MAX_BYTES = MiB
    settings.UPLOAD_REQUEST_MAX_BYTES = MiB + 64 * 1024
    client.force_login(teacher)
    body = HugeUpload(2 * MiB)

    response = _post_stream(client, reverse("journal:excuse_add", args=[student.pk]), body)

    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "не более 1 МБ" in response.content.decode()


def test_an_upload_within_the_limit_still_reaches_the_form(client, teacher, student):
    client.force_login(teacher)
    body = HugeUpload(2 * MiB, allowed=3 * MiB)

    response = _post_stream(client, reverse("journal:excuse_add", args=[student.pk]), body)

    assert response.status_code == 302
    excuse = ExcuseDocument.objects.get()
    assert excuse.scan.size == 2 * MiB + len(b"%PDF-1.4\n")


@pytest.mark.parametrize(
    ("original", "content", "content_type", "expected"),
    [
        ("poly.html", PDF, "application/pdf", "poly.pdf"),
        ("poly.html", PNG, "image/png", "poly.png"),
        ("скан.svg", PNG, "image/png", "скан.png"),
        ("справка.PDF.exe", PDF, "application/pdf", "справка.PDF.pdf"),
        ("..\\..\\x.pdf", PDF, "application/pdf", "x.pdf"),
        (".htaccess", PDF, "application/pdf", "htaccess.pdf"),
    ],
)
def test_a_scan_is_stored_and_downloaded_under_the_extension_of_its_content(
    client, teacher, student, school, original, content, content_type, expected
):
    client.force_login(teacher)

    response = client.post(
        reverse("journal:excuse_add", args=[student.pk]),
        {
            "kind": ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
            "start_date": "2025-10-13",
            "end_date": "2025-10-13",
            "scan": SimpleUploadedFile(original, content, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    excuse = ExcuseDocument.objects.get()
    assert Path(excuse.scan.name).suffix == Path(expected).suffix
    assert excuse.scan_original_name == expected

    download = client.get(reverse("journal:excuse_scan", args=[excuse.pk]))

    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith(_filename_parameter(expected))


def _filename_parameter(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, name).removeprefix("attachment")


def test_a_scan_registered_before_under_a_misleading_name_downloads_under_its_type(
    client, teacher, student, school
):
    excuse = register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=MON,
        end_date=MON,
        acting_user=teacher,
        scan=SimpleUploadedFile("справка.pdf", PDF, content_type="application/pdf"),
    )
    # A row stored by the earlier code, which kept the name as uploaded.
    ExcuseDocument.objects.filter(pk=excuse.pk).update(scan_original_name="poly.html")
    client.force_login(teacher)

    download = client.get(reverse("journal:excuse_scan", args=[excuse.pk]))

    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="poly.pdf"'


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("poly.html", "application/pdf", "poly.pdf"),
        ("poly.html", "image/jpeg", "poly.jpg"),
        ('a";b\r\nX-Evil: 1.html', "application/pdf", "a_b_X-Evil_ 1.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("C:\\Users\\скан.pdf", "application/pdf", "скан.pdf"),
        ("", "application/pdf", "скан.pdf"),
        (" . ", "image/png", "скан.png"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 100 + ".pdf"),
        ("payload.html", "text/html", "payload.bin"),
    ],
)
def test_download_name_takes_the_extension_of_the_detected_type(original, content_type, expected):
    from journal.uploads import download_name

    assert download_name(original, content_type) == expected


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_uploads_are_never_served_from_a_public_path(client, teacher, student, school):
    """A guard, true before this change too: scans are read only through ``excuse_scan``."""
    excuse = register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=MON,
        end_date=MON,
        acting_user=teacher,
        scan=SimpleUploadedFile("справка.pdf", PDF, content_type="application/pdf"),
    )
    assert not settings.MEDIA_URL
    assert [path for path, view in _patterns(get_resolver()) if view is serve] == []
    client.force_login(teacher)
    for path in (f"/{excuse.scan.name}", f"/media/{excuse.scan.name}"):
        assert client.get(path).status_code == 404


def test_the_proxy_limit_of_the_compose_file_matches_the_setting():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text(encoding="utf-8")
    limits = re.findall(r"client_max_body_size (\d+)m;", compose)
    assert limits and {int(limit) * MiB for limit in limits} == {settings.UPLOAD_REQUEST_MAX_BYTES}
