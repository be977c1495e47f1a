"""Reading a small file a user names (a config, a profile, a baseline) without ever blocking on it:
a regular file of bounded size, opened non-blocking, or a ``Refused`` saying why not.  Each caller
words the refusal its own way."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class Refused(Exception):
    """why: missing | unreadable | folder | not_regular | too_big; detail: the OS's reason; size: bytes on disk."""

    def __init__(self, why: str, detail: str = "", size: int | None = None):
        super().__init__(why)
        self.why, self.detail, self.size = why, detail, size


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise Refused("missing", str(exc.strerror or exc)) from None
    except OSError as exc:
        raise Refused("unreadable", str(exc.strerror or exc)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise Refused("folder")
        if not stat.S_ISREG(st.st_mode):
            raise Refused("not_regular")
        if st.st_size > max_bytes:
            raise Refused("too_big", size=st.st_size)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Refused("unreadable", str(exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:   # grew while read
        raise Refused("too_big")
    return data
