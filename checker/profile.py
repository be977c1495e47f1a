"""Scoring profiles: the conventions that differ by province and year.

Formulas are settings, not constants (DOMAIN §3).  A profile is a YAML file; the
default ships with the package, others (``data/profiles/national.yaml``) are
passed with ``--profile``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from checker.lexicon import LEXICON


@dataclass(frozen=True)
class Profile:
    name: str = "default"
    reverse_formula: str = "ratio"
    bands: dict = field(default_factory=lambda: {1: (80.0, 100.0), 2: (50.0, 80.0), 3: (0.0, 50.0)})
    weights: dict = field(default_factory=dict)
    grades: dict = field(default_factory=lambda: dict(zip(LEXICON.fields("grades"), (90, 80, 60, 0))))
    target_too_low_ratio: float = 1.2
    unit_mismatch_ratio: float = 1000.0
    narrative_tolerance: float = 0.01   # a total in prose off its parts by less than this share is minor
    total: float = 100.0
    total_cap: float = 100.0
    severity: dict = field(default_factory=dict)   # rule id or family -> error | warning | info | off


class ProfileError(ValueError):
    pass


# Every key a profile may hold: a misspelt one ("unit_mismach_ratio") would silently run the default.
KEYS = ("name", "description", "reverse_formula", "bands", "weights", "grades", "target_too_low_ratio",
        "unit_mismatch_ratio", "narrative_tolerance", "total", "total_cap", "severity")


def _check_keys(raw, source: str) -> None:
    if not isinstance(raw, dict):
        raise ProfileError(f"{source}: 评分配置格式有误（应为“键: 值”的映射）")
    unknown = [str(k) for k in raw if k not in KEYS]
    if unknown:
        import difflib

        hints = [f"{k}（是否指 {m[0]}？）" if (m := difflib.get_close_matches(k, KEYS, 1)) else k for k in unknown]
        raise ProfileError(f"{source}: 评分配置中有未知的键: {'、'.join(hints)}；可用的键: {', '.join(KEYS)}")


def load_profile(path: str | None = None) -> Profile:
    if path is None:
        text = resources.files("checker").joinpath("profiles/default.yaml").read_text(encoding="utf-8")
        source = "default"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"{path}: 无法读取评分配置 ({exc.strerror or exc})") from exc
        source = path
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: 评分配置不是有效的 YAML") from exc
    _check_keys(raw, source)
    if raw.get("reverse_formula", "ratio") not in ("ratio", "national"):
        raise ProfileError(f"{source}: reverse_formula 只能是 ratio 或 national")
    bands = {int(k): (float(v[0]), float(v[1])) for k, v in (raw.get("bands") or {}).items()}
    return Profile(
        name=str(raw.get("name", source)),
        reverse_formula=raw.get("reverse_formula", "ratio"),
        bands=bands or Profile().bands,
        weights=dict(raw.get("weights") or {}),
        grades=dict(raw.get("grades") or Profile().grades),
        target_too_low_ratio=float(raw.get("target_too_low_ratio", 1.2)),
        unit_mismatch_ratio=float(raw.get("unit_mismatch_ratio", 1000)),
        narrative_tolerance=float(raw.get("narrative_tolerance", 0.01)),
        total=float(raw.get("total", 100)),
        total_cap=float(raw.get("total_cap", 100)),
        severity=_severities(raw.get("severity") or {}, source),
    )


def _severities(raw: dict, source: str) -> dict:
    allowed = {"error", "warning", "info", "off"}
    raw = {k: ("off" if v is False else v) for k, v in raw.items()}  # YAML reads a bare off as false
    bad = {k: v for k, v in raw.items() if str(v) not in allowed}
    if bad:
        raise ProfileError(f"{source}: severity 只能是 error、warning、info 或 off: {bad}")
    return {str(k): str(v) for k, v in raw.items()}


_BAND2 = re.compile(r"100\s*[-–~至]\s*80\s*%?\s*(?:\(含\)|（含）)?\s*[、,，]\s*80\s*[-–~至]\s*(\d+)")
_RATIO = re.compile(r"(?:A\s*\)?\s*/\s*[^×xX*]{0,12}B|A/B)")


def form_overrides(method_text: str) -> dict:
    """What a form's own 得分计算方法 / 注 says about reverse formula and tier bands.

    The form's statement wins over the profile (DOMAIN §3).
    """
    out: dict = {}
    t = method_text or ""
    m = _BAND2.search(t.replace(" ", ""))
    if m:
        low = float(m.group(1))
        out["bands"] = {1: (80.0, 100.0), 2: (low, 80.0), 3: (0.0, low)}
    if "反向" in t and _RATIO.search(t.split("反向", 1)[1]) or "B/A或A/B" in t.replace(" ", ""):
        out["reverse_formula"] = "ratio"
    return out
