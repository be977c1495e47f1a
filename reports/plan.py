"""Output planning: every file jixiao writes into a folder is named before anything is written.

A reviewer's folder holds submissions, and a gate must never overwrite one, nor let one report
replace another.  So ``--annotate DIR`` and ``--split-by … DIR`` ask a ``Planner`` for each path:

* names come from ``reports.filenames`` — sanitised (no separators, control or format characters),
  at most 255 bytes of UTF-8, cut at a character boundary;
* a name is *free* only when no input is that file (compared by resolved path without case, as on
  Windows and macOS disks, and by inode through any symlink or hard link), no other planned output
  has it (without case), and nothing but a regular file is there (a symlink, a folder or a pipe in
  DIR is never written through or replaced);
* a taken name gets an alternative (the file's relative path where stems repeat), then a counter.

Files are written inside DIR by ``write_new``: a temporary created exclusively (``O_EXCL``, never
following a link) in DIR, then renamed over the planned name — a rename replaces a directory entry
and never writes into the file a link points at.  ``record`` keeps a manifest of what jixiao wrote
(``checker.inputs.MANIFEST``), so a later run over a folder holding these outputs does not read them
back as submissions.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from checker.inputs import MANIFEST, read_manifest
from reports.filenames import fit, safe_name


class OutputError(ValueError):
    """An output that cannot be planned or written (one line, naming the path)."""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _key(path: str | Path) -> str:
    """A path as a case-insensitive disk sees it: the folder resolved, the whole compared without case."""
    p = os.path.abspath(os.fspath(path))
    try:
        real = os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))
    except (OSError, ValueError):
        real = p
    return real.casefold()


class Planner:
    """Hands out output paths that touch no input and no other output."""

    def __init__(self, inputs: Iterable[str], reserved: Iterable[str | Path] = ()):
        self.taken: set[str] = set()
        self.inodes: set[tuple[int, int]] = set()
        for p in inputs:
            self.taken.add(_key(p))
            with contextlib.suppress(OSError, ValueError):
                self.taken.add(os.path.realpath(p).casefold())
            ident = _identity(p)
            if ident:
                self.inodes.add(ident)
        self.inputs = set(self.taken)
        for p in reserved:
            self.taken.add(_key(p))

    def is_input(self, path: str | Path) -> bool:
        return _key(path) in self.inputs or (_identity(os.fspath(path)) or ()) in self.inodes

    def free(self, path: Path) -> bool:
        if _key(path) in self.taken or (_identity(str(path)) or ()) in self.inodes:
            return False
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode)   # a symlink, folder or pipe at that name is left alone

    def claim(self, folder: Path, stem: str, suffix: str, alternatives: Iterable[str] = ()) -> Path:
        """A free path ``folder/<stem><suffix>``: the stem, else each alternative, else ``stem-2``, ``-3`` …"""
        stems = [safe_name(s, limit=200) for s in (stem, *alternatives)]
        for s in stems:
            path = folder / fit(s, suffix)
            if self.free(path):
                return self._take(path)
        n = 2
        while True:
            path = folder / fit(stems[0], f"-{n}{suffix}")
            if self.free(path):
                return self._take(path)
            n += 1

    def _take(self, path: Path) -> Path:
        self.taken.add(_key(path))
        return path


def check_folder(folder: Path, option: str, what: str = "输出") -> None:
    """DIR can receive outputs: a folder (or one that can be made) that this user may write."""
    if folder.is_symlink() and not folder.is_dir():
        raise OutputError(f"{option} {folder}: 是一个失效的符号链接，不是目录")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{option} {folder}: 不是目录（{what}写入一个目录）")
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise OutputError(f"{option} {folder}: {existing} 不是目录")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {folder}: 目录 {existing} 不可写")


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` as ``path`` inside its folder: an exclusive temporary, then a rename."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".jx-", suffix=".tmp")   # O_CREAT|O_EXCL|O_NOFOLLOW
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if os.path.islink(path) or (os.path.lexists(path) and not os.path.isfile(path)):
            raise OutputError(f"{path}: 已被符号链接或非普通文件占用，未写入")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_new(path, text.encode("utf-8"))


def record(folder: Path, written: Iterable[Path]) -> None:
    """Add what was written to DIR's manifest (entries whose file changed since are dropped)."""
    folder = Path(folder)
    kept = {}
    for name, (size, mtime) in read_manifest(str(folder)).items():
        with contextlib.suppress(OSError):
            st = os.lstat(folder / name)
            if stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == (size, mtime):
                kept[name] = (size, mtime)
    for p in written:
        p = Path(p)
        if p.parent.resolve() != folder.resolve():
            continue
        with contextlib.suppress(OSError):
            st = os.lstat(p)
            kept[p.name] = (st.st_size, st.st_mtime_ns)
    doc = {"tool": "jixiao", "note": "jixiao 写出的核查结果；再次核查该目录时这些文件不作为报送文件读取",
           "outputs": [{"name": n, "size": s, "mtime_ns": m} for n, (s, m) in sorted(kept.items())]}
    write_text(folder / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
