"""A file over the per-file limit is not stored, and the form still gets everything else.

Django reads an upload of any size to the end; a limit enforced afterwards (or a proxy's) can
only refuse the whole request, losing what the person typed. ``SizeLimitHandler`` runs first:
once a file passes ``UPLOAD_MAX_FILE_BYTES`` it stops passing its bytes on (nothing more is
written to disk) and, at the end, puts a ``RefusedUpload`` in its place — an empty file that
remembers its name and real size. The form is then validated as usual: its other fields keep
their values, and ``core.uploads.inspect_upload`` refuses that file by name, saying how large
it was and what the limit is.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from . import uploads


class RefusedUpload(SimpleUploadedFile):
    """Stands for a file that was too large to keep."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(name, b"", content_type=content_type)
        # Its real size, so form fields see a file that was sent (not an empty one) and
        # core.uploads refuses it for what it is: too large.
        self.size = self.refused_size = size


class SizeLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = uploads.max_file_bytes()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # swallowed: the handlers after this one store nothing more
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return RefusedUpload(self.file_name, self.content_type, self.received)
        return None  # the usual handlers keep the file
