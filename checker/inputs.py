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

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from checker.readers import supported

MAX_DEPTH = 64  # folders below this depth are listed as skipped, not searched

# Skip reasons (``FileStatus.reason``); checker.gate decides which of them fail the gate.
MISSING, UNSUPPORTED, HIDDEN, TEMPORARY, TOO_DEEP, LOOP, NO_ACCESS, NOT_SUBMISSION = (
    "missing", "unsupported", "hidden", "temporary", "too-deep", "symlink-loop", "no-access", "not-submission")
# Files a folder of submissions holds beside them that are no submission by their type: a folder's
# README, a scoring profile, a config file, a report written earlier.  Listed as skipped, harmless.
_NOT_SUBMISSION_TYPES = {".yaml", ".yml", ".toml", ".json", ".ini", ".cfg", ".py", ".sh", ".log", ".html", ".htm",
                         ".css", ".js", ".sarif", ".xml"}
_NOT_SUBMISSION_NAMES = re.compile(r"^(readme|license|licence|changelog|notice|authors)(\.[a-z]+)?$", re.IGNORECASE)

# Office owner files (~$x.xlsx), LibreOffice locks (.~lock.x#), editor backups and OS litter.
_TEMPORARY = re.compile(r"^(~\$|\.~lock\.|~).*|.*(~|\.tmp|\.bak|\.swp|\.crdownload|\.part)$|"
                        r"^(thumbs\.db|desktop\.ini|\.ds_store)$", re.IGNORECASE)
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
        for e in entries:
            full = os.path.join(folder, e.name)
            if not _is_dir(e):
                found.append(_classify(full, given=False))
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
