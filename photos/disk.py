"""A full media disk (or quota) is an answer, not a crash: the upload is refused with a message and nothing of it
is kept (Photo.save deletes a file it wrote when the save fails; the row is rolled back with its transaction)."""
import errno

DISK_FULL = ("The media disk is full: the photo was not saved. Tell the site's administrator; "
             "nothing you typed is lost, upload again once space is freed.")
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS
