"""Writing a report so that a reader never sees half of it: a temporary file in the same folder,
then ``os.replace`` (atomic on one filesystem).  A failed write leaves the old file untouched.

Only regular files are replaced: ``-o /dev/null``, ``-o /dev/stdout`` or a named pipe are
written to in place (replacing them would put a plain file where the device was), and a
symlink is followed so the file it names is replaced, not the link."""

from __future__ import annotations

import contextlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = ""):
    """A file object whose content replaces ``path`` only once it is completely written."""
    path = Path(os.path.realpath(path))
    text = "b" not in mode
    if path.exists() and not path.is_file():  # a device or a pipe: there is nothing to replace
        with open(path, mode, encoding=encoding if text else None, newline=newline if text else None) as fh:
            yield fh
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=encoding if text else None, newline=newline if text else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    raw = data.encode(encoding) if isinstance(data, str) else data
    with atomic_open(path, "wb") as fh:
        fh.write(raw)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_open(path) as fh:
        fh.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    write_atomic(path, data)


def _keep_mode(path: Path, tmp: str) -> None:
    """mkstemp makes the file 0600; give it the mode a plain open() would (or the old file's)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
