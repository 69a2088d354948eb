"""Uploads (Wagtail documents and images): allowed types only, at most 10 MB, content must fit the name."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 100


def _document_errors(name: str, content: bytes) -> list[str]:
    form_class = get_document_form(get_document_model())
    form = form_class(
        data={"title": "Anlage", "collection": "1"},
        files={"file": SimpleUploadedFile(name, content)},
        user=None,
    )
    form.is_valid()
    return form.errors.get("file", [])


@pytest.mark.parametrize(
    ("name", "content"), [("bericht.pdf", PDF), ("kosten.docx", DOCX), ("daten.csv", b"a;b\n1;2\n")]
)
def test_real_documents_are_accepted(site, name, content):
    assert _document_errors(name, content) == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bericht.pdf", b"<html><script>alert(1)</script></html>", "passt nicht zur Endung"),
        ("kosten.docx", PDF, "passt nicht zur Endung"),
        ("liste.txt", b"<!DOCTYPE html><script>alert(1)</script>", "HTML oder Skript"),
        ("daten.csv", b"a,b\x00\x00binary", "muss Text enthalten"),
        ("seite.html", b"<html></html>", "Dateiendung"),
        ("skript.js", b"alert(1)", "Dateiendung"),
        ("bild.svg", b"<svg onload=alert(1)>", "Dateiendung"),
    ],
)
def test_disguised_or_forbidden_documents_are_refused(site, name, content, reason):
    errors = _document_errors(name, content)
    assert errors and reason in " ".join(errors), errors


def test_documents_over_10_mb_are_refused(site, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024  # the real limit is 10 MB; a small one keeps the test fast
    errors = _document_errors("gross.pdf", PDF + b"0" * 2048)
    assert errors, "a file over the limit must be refused"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _image_errors(name: str, content: bytes) -> list[str]:
    form_class = get_image_form(get_image_model())
    form = form_class(
        data={"title": "Bild", "collection": "1"}, files={"file": SimpleUploadedFile(name, content)}, user=None
    )
    form.is_valid()
    return form.errors.get("file", [])


def test_images_must_be_real_images_of_an_allowed_type(site):
    assert _image_errors("foto.png", _png()) == []
    assert _image_errors("foto.png", b"<html><script>alert(1)</script>")  # not an image at all
    assert _image_errors("grafik.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')

