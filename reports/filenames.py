"""File names a reviewer can mail: made from project or department names, safe on every system.

A name keeps its Chinese as it is but loses everything that could mislead or break a file
system: path separators, control and format characters (right-to-left overrides, zero-width
joiners and spaces, byte-order marks), lone surrogates, Unicode non-characters, shell- and
URL-hostile characters (``#`` would cut a link in the index page).  ``fit`` bounds a whole
file name to 255 bytes of UTF-8 (the limit of ext4, APFS, NTFS), cut at a character boundary.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*\s'!$&;`#%]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
_DROP = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}  # control, format (RLO, ZWJ, BOM …), surrogate, private, line breaks
NAME_MAX_BYTES = 255


def _visible(s: str) -> str:
    return "".join(ch for ch in s if unicodedata.category(ch) not in _DROP
                   and not (0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE))


def safe_name(text: str, limit: int = 60, fallback: str = "未命名") -> str:
    """A name with no path separators, control, format or shell-hostile characters, leading dots or
    dashes, at most ``limit`` characters; Chinese kept as it is."""
    s = _visible(str(text).encode("utf-8", "replace").decode("utf-8"))
    s = _visible(unicodedata.normalize("NFC", s))
    s = _UNSAFE.sub("_", s).strip("._- ")
    s = s.lstrip("=+@")  # never a name a spreadsheet would take for a formula
    s = s[:limit].rstrip("._- ")
    if not s or s.lower() in _RESERVED:
        s = fallback if not s else f"{s}_"
    return s


def fit(stem: str, suffix: str = "", max_bytes: int = NAME_MAX_BYTES) -> str:
    """``stem + suffix`` cut (in the stem, at a character boundary) to at most ``max_bytes`` of UTF-8."""
    room = max_bytes - len(suffix.encode("utf-8"))
    raw = stem.encode("utf-8")
    if len(raw) > room:
        stem = raw[:max(room, 1)].decode("utf-8", "ignore").rstrip("._- ") or "_"
    return stem + suffix


def unique_names(names: list[str], limit: int = 60) -> list[str]:
    """Safe names, deduplicated in order (a second 机关党建经费 becomes 机关党建经费-2),
    compared without case as Windows and macOS file systems do."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = safe_name(name, limit)
        key = base.casefold()
        n = seen.get(key, 0) + 1
        seen[key] = n
        cand = base if n == 1 else f"{base}-{n}"
        while cand.casefold() in seen and n > 1:
            n += 1
            cand = f"{base}-{n}"
        seen.setdefault(cand.casefold(), 1)
        out.append(cand)
    return out
