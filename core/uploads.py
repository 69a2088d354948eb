"""Upload checks beyond the file name: a document's content must match its extension.

Wagtail checks extensions (WAGTAILDOCS_EXTENSIONS), sizes (WAGTAIL*_MAX_UPLOAD_SIZE) and, for images,
the real image format. Documents it only checks by name, so an HTML or script file renamed to .pdf
would be accepted and later served from our domain. ``DocumentForm`` (WAGTAILDOCS_DOCUMENT_FORM_BASE)
looks at the first bytes.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

ZIP_MAGIC = b"PK\x03\x04"  # docx, xlsx, pptx, odt, ods are ZIP containers
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (ZIP_MAGIC,),
    "xlsx": (ZIP_MAGIC,),
    "pptx": (ZIP_MAGIC,),
    "odt": (ZIP_MAGIC,),
    "ods": (ZIP_MAGIC,),
}
TEXT_EXTENSIONS = {"csv", "txt"}
MARKUP_HINTS = (b"<html", b"<script", b"<!doctype", b"<svg", b"<?xml", b"<iframe")


def document_content_error(file: UploadedFile) -> str | None:
    """None if the first bytes fit the extension, else a German reason."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(4096)
    file.seek(position)
    if extension in MAGIC:
        if not head.startswith(MAGIC[extension]):
            return str(_("Der Inhalt der Datei passt nicht zur Endung .%(ext)s.") % {"ext": extension})
        return None
    if extension in TEXT_EXTENSIONS:
        if b"\x00" in head:
            return str(_("Eine .%(ext)s-Datei muss Text enthalten.") % {"ext": extension})
        if any(hint in head.lower() for hint in MARKUP_HINTS):
            return str(_("Die Datei enthält HTML oder Skript; bitte als PDF hochladen."))
        return None
    return None  # other extensions are refused by Wagtail's extension check before this


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            error = document_content_error(file)
            if error:
                raise forms.ValidationError(error)
        return file
