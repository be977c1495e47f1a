"""File names a reviewer can mail: made from project or department names, safe on every system."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*\s'!$&;`]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


def safe_name(text: str, limit: int = 60, fallback: str = "未命名") -> str:
    """A name with no path separators, control or shell-hostile characters, leading dots or
    dashes, at most ``limit`` characters; Chinese kept as it is."""
    s = unicodedata.normalize("NFC", str(text).encode("utf-8", "replace").decode("utf-8"))
    s = _UNSAFE.sub("_", s).strip("._- ")
    s = s.lstrip("=+@")  # never a name a spreadsheet would take for a formula
    s = s[:limit].rstrip("._- ")
    if not s or s.lower() in _RESERVED:
        s = fallback if not s else f"{s}_"
    return s


def unique_names(names: list[str], limit: int = 60) -> list[str]:
    """Safe names, deduplicated in order (a second 机关党建经费 becomes 机关党建经费-2),
    compared without case as Windows and macOS file systems do."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = safe_name(name, limit)
        key = base.lower()
        n = seen.get(key, 0) + 1
        seen[key] = n
        cand = base if n == 1 else f"{base}-{n}"
        while cand.lower() in seen and n > 1:
            n += 1
            cand = f"{base}-{n}"
        seen.setdefault(cand.lower(), 1)
        out.append(cand)
    return out
