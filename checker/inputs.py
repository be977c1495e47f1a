"""The inputs of a run: every path given or found, each with what will be done with it.

Nothing vanishes: a directory walk lists every file it meets (not only the kinds jixiao
reads), hidden folders and temporary files as ``skipped`` with their reason, folders it
cannot enter or will not enter (too deep, a symlink loop) as well.  The walk is iterative,
so a tree thousands of levels deep cannot exhaust the stack.

File names are kept twice: ``path`` is the real name used to open the file (it may hold
bytes that are not UTF-8, carried as surrogates), ``display`` the name every report shows,
with such bytes and control characters escaped (``\\xe9``), so no writer can fail on it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from checker.readers import supported

MAX_DEPTH = 64  # folders below this depth are listed as skipped, not searched

# Skip reasons (``FileStatus.reason``); checker.gate decides which of them fail the gate.
MISSING, UNSUPPORTED, HIDDEN, TEMPORARY, TOO_DEEP, LOOP, NO_ACCESS, OUTPUT, NOT_SUBMISSION = (
    "missing", "unsupported", "hidden", "temporary", "too-deep", "symlink-loop", "no-access", "jixiao-output",
    "not-submission")
# Files a folder of submissions holds beside them that are no submission by their type: a folder's
# README, a scoring profile, a config file, a report written earlier.  Listed as skipped, harmless.
_NOT_SUBMISSION_TYPES = {".yaml", ".yml", ".toml", ".json", ".ini", ".cfg", ".py", ".sh", ".log", ".html", ".htm",
                         ".css", ".js", ".sarif", ".xml"}
_NOT_SUBMISSION_NAMES = re.compile(r"^(readme|license|licence|changelog|notice|authors)(\.[a-z]+)?$", re.IGNORECASE)

# Only Office owner files (~$x.xlsx), LibreOffice locks (.~lock.x#) and OS litter are skipped as
# temporary: a form saved as ~x.txt, x.txt.bak, x~ or x.part is a form, and is checked.
_TEMPORARY = re.compile(r"^(~\$|\.~lock\.).*|^(thumbs\.db|desktop\.ini|\.ds_store)$", re.IGNORECASE)

# The manifest jixiao writes into a folder it wrote outputs to (reports.plan.record): the files it
# names, unchanged since, are jixiao's own reports, not submissions.
MANIFEST = ".jixiao-outputs.json"
MANIFEST_MAX_BYTES = 4 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Input:
    path: str            # the real name, to open the file
    display: str         # the name every output shows
    skip: str = ""       # a skip reason when the file will not be read, else ""
    note: str = ""       # the one-line reason shown for a skipped file (Chinese)


def display_name(path: str) -> str:
    """``path`` as a report may show it: undecodable bytes and control characters escaped."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte: show it as \udXXX
        raw = path.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def temporary(name: str) -> bool:
    return bool(_TEMPORARY.match(name))


def expand(paths: list[str], max_depth: int = MAX_DEPTH) -> list[Input]:
    """Every input in order: files as given, then each directory's contents sorted, depth first."""
    out: list[Input] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += _walk(raw, max_depth)
        elif p.exists() or p.is_symlink():
            out.append(_classify(raw, given=True))
        else:
            out.append(Input(raw, display_name(raw), MISSING, "文件不存在"))
    return _unique(out)


def _walk(top: str, max_depth: int) -> list[Input]:
    """Iterative depth-first walk; each directory is entered once (symlink loops are named)."""
    found: list[Input] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, int]] = [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            st = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.append(Input(folder, display_name(folder), NO_ACCESS, f"无法打开目录（{exc.strerror or exc}）"))
            continue
        if (st.st_dev, st.st_ino) in seen:
            found.append(Input(folder, display_name(folder), LOOP, "符号链接形成循环，未再次进入该目录"))
            continue
        seen.add((st.st_dev, st.st_ino))
        subfolders = []
        ours = read_manifest(folder) if any(e.name == MANIFEST for e in entries) else {}
        for e in entries:
            full = os.path.join(folder, e.name)
            if not _is_dir(e):
                found.append(_output(full, ours[e.name]) if e.name in ours else _classify(full, given=False))
            elif e.name.startswith("."):
                found.append(Input(full, display_name(full), HIDDEN, "隐藏目录，未查找"))
            elif depth + 1 > max_depth:
                found.append(Input(full, display_name(full), TOO_DEEP, f"目录层级超过 {max_depth} 层，未查找"))
            else:
                subfolders.append(full)
        # files of a folder first, then its subfolders in name order
        stack += [(f, depth + 1) for f in reversed(subfolders)]
    return found


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symlinks: a linked folder is searched (loops are caught)
    except OSError:
        return False


def _classify(path: str, given: bool) -> Input:
    """What will be done with one file.  A file named on the command line is always read when
    jixiao can read its type, even if its name looks temporary: the user asked for it."""
    name = os.path.basename(path)
    shown = display_name(path)
    if not given and temporary(name):
        return Input(path, shown, TEMPORARY, "临时文件或锁文件，未核查")
    if not given and name.startswith("."):
        return Input(path, shown, HIDDEN, "隐藏文件，未核查")
    if not given and (Path(name).suffix.lower() in _NOT_SUBMISSION_TYPES or _NOT_SUBMISSION_NAMES.match(name)):
        return Input(path, shown, NOT_SUBMISSION, "不是报送材料（说明、配置或报告文件），未核查")
    if not _regular(path):
        return Input(path, shown, UNSUPPORTED, "不是普通文件，未核查")
    if not supported(Path(path)):
        suffix = Path(path).suffix.lower() or "(无扩展名)"
        return Input(path, shown, UNSUPPORTED, f"不支持的文件类型 {suffix}，未核查")
    return Input(path, shown)


def _output(path: str, written: tuple[int, int]) -> Input:
    """A file jixiao wrote into this folder (its manifest says so, and it is unchanged since)."""
    try:
        st = os.lstat(path)
    except OSError:
        return _classify(path, given=False)
    if not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_mtime_ns) != tuple(written):
        return _classify(path, given=False)
    return Input(path, display_name(path), OUTPUT, f"jixiao 写出的核查结果（见 {MANIFEST}），不作为报送文件核查")


def read_manifest(folder: str) -> dict[str, tuple[int, int]]:
    """The outputs a folder's manifest names: file name → (size, mtime_ns).  Opened without
    blocking and read only when it is a regular file of bounded size; a bad one names nothing."""
    path = os.path.join(folder, MANIFEST)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MANIFEST_MAX_BYTES:
            return {}
        with os.fdopen(fd, "rb", closefd=False) as fh:
            doc = json.loads(fh.read(MANIFEST_MAX_BYTES + 1).decode("utf-8"))
        rows = doc.get("outputs") if isinstance(doc, dict) and doc.get("tool") == "jixiao" else None
        return {r["name"]: (int(r["size"]), int(r["mtime_ns"])) for r in rows or []
                if isinstance(r, dict) and isinstance(r.get("name"), str)
                and all(isinstance(r.get(k), int) and not isinstance(r.get(k), bool) for k in ("size", "mtime_ns"))}
    except (OSError, ValueError, RecursionError, AttributeError):
        return {}
    finally:
        os.close(fd)


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # a dangling link: let the reader say why it cannot be opened


def _unique(inputs: list[Input]) -> list[Input]:
    """A file given twice (or found under two given folders) is checked once, first place kept."""
    seen: set[str] = set()
    out = []
    for i in inputs:
        key = os.path.normpath(i.path)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
