"""A full media disk (or quota) is an answer, not a crash: the upload is refused with a message and nothing of it
is kept (Photo.save deletes a file it wrote when the save fails, core.storage never leaves a partial one, and the
row is rolled back with its transaction). The message and the test live in core.storage, which core.views also
uses for uploads elsewhere in the admin."""
from core.storage import DISK_FULL, is_disk_full

__all__ = ["DISK_FULL", "is_disk_full"]
