"""Media files written all or nothing (the default MEDIA_STORAGE).

Django's FileSystemStorage streams an upload into its final name; when the disk fills half way it raises and leaves
the half-written file there, under a name nothing records. Here the bytes go to a hidden temporary file beside the
target first, deleted if the write fails, and only a complete file is renamed into place (Django's own move for
uploads that already sit in a temporary file; a rename within one file system is atomic and needs no space).
"""
import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage

DISK_FULL = ("The media disk is full: the photo was not saved. Tell the site's administrator; "
             "nothing you typed is lost, upload again once space is freed.")
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(error: BaseException | None) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


class _Written:
    """A complete copy of the content in a temporary file, offered to Django's save as a file to move."""

    def __init__(self, path: str):
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        if hasattr(content, "temporary_file_path"):  # already complete on disk: Django moves it into place
            return super()._save(name, content)
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as file:
                self._write_chunks(file, content)
            return super()._save(name, _Written(temporary))
        finally:
            if os.path.exists(temporary):  # the write failed, or the move did
                os.unlink(temporary)

    @staticmethod
    def _write_chunks(file, content) -> None:
        for chunk in content.chunks():
            file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
