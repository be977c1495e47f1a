"""Writing a report so that a reader never sees half of it: a temporary file in the same folder,
then ``os.replace`` (atomic on one filesystem).  A failed write leaves the old file untouched.

Only regular files are replaced: ``-o /dev/null``, ``-o /dev/stdout`` or a named pipe are
written to in place (replacing them would put a plain file where the device was), and a
symlink is followed so the file it names is replaced, not the link."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    path = Path(os.path.realpath(path))
    raw = data.encode(encoding) if isinstance(data, str) else data
    if path.exists() and not path.is_file():  # a device or a pipe: there is nothing to replace
        with open(path, "wb") as fh:
            fh.write(raw)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep_mode(path: Path, tmp: str) -> None:
    """mkstemp makes the file 0600; give it the mode a plain open() would (or the old file's)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
