"""Waivers: findings a reviewer has accepted, with who, when and why (``jixiao-waivers.toml``).

A reviewer accepts a finding once — a 偏差原因 explained on the phone, a provincial rule that
allows it — with ``jixiao waive``.  The waiver names the finding by its fingerprint
(``checker.fingerprint``: rule, project, section, indicator and the class of the reported value,
never a file name or a row), so it follows the finding into a resubmission (``v2.xlsx`` with rows
moved) for as long as the finding persists, and stops the moment the finding is gone.

A waived finding stays in every report, marked 已豁免 with its reason, and never fails the gate
(``checker.gate``).  A waiver that matches no finding is *stale* (listed, so the file can be
tidied); one past its ``expires`` date is *expired*: it no longer applies, and is listed.

The file is TOML, one ``[[waiver]]`` table per waiver::

    [[waiver]]
    fingerprint = "3f2a9c0d5e6b7a81"       # required: the finding's fingerprint (JSON ``fingerprint``)
    reason = "偏差原因已电话说明"             # required
    by = "王审核"                            # who accepted it
    at = "2025-06-01T10:20:00+08:00"         # when
    expires = 2025-12-31                     # optional: the last day it applies
    rule = "XREF.DEADLINE_YEAR"              # what it was, for the reader (not used to match)
    file = "data/batch/001.txt"
    project = "…"
    indicator = "…"
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

WAIVERS_NAME = "jixiao-waivers.toml"
MAX_BYTES = 4_000_000          # a waivers file is a hand-kept list; anything bigger is not one
MAX_WAIVERS = 100_000
FINGERPRINT = re.compile(r"^[0-9a-f]{16}(?:-[1-9]\d*)?$")
KEYS = ("fingerprint", "reason", "by", "at", "expires", "rule", "file", "project", "section", "indicator",
        "location", "message")
TEXT_KEYS = ("by", "at", "rule", "file", "project", "section", "indicator", "location", "message")
HEADER = ("# jixiao 豁免清单：每个 [[waiver]] 是审核人认可的一个问题，按指纹（fingerprint）匹配。\n"
          "# 由 jixiao waive 追加；可手工编辑（reason 必填，expires 为最后有效日期）。\n")


class WaiverError(ValueError):
    """A waivers file that cannot be used (one line, naming the file and the reason)."""


@dataclass
class Waiver:
    fingerprint: str
    reason: str
    by: str = ""
    at: str = ""
    expires: dt.date | None = None
    rule: str = ""
    file: str = ""
    project: str = ""
    section: str = ""
    indicator: str = ""
    location: str = ""
    message: str = ""
    number: int = 0            # its place in the file (1-based), to name it in messages

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in KEYS}
        out["expires"] = self.expires.isoformat() if self.expires else ""
        return out


@dataclass
class WaiverReport:
    """What the waivers did to one run (``Result.extra["waivers"]``)."""
    path: str
    waivers: list[Waiver]
    applied: int = 0                                       # findings waived
    stale: list[Waiver] = field(default_factory=list)      # match no finding
    expired: list[Waiver] = field(default_factory=list)    # past their date: not applied


# ---------------------------------------------------------------- where the file is


def default_path(config_source: str | None = None) -> Path:
    """``jixiao-waivers.toml`` beside the config file in use, else in the working directory."""
    if config_source:
        return Path(config_source).resolve().parent / WAIVERS_NAME
    return Path.cwd() / WAIVERS_NAME


def path_for_check(explicit: Path | str | None, config_source: str | None = None) -> Path | None:
    """The waivers file ``check`` reads: ``--waivers FILE`` (which must exist), else the default
    one when it exists, else none."""
    if explicit is not None:
        return Path(explicit)
    found = default_path(config_source)
    return found if found.exists() else None


# ---------------------------------------------------------------- reading


def _read_text(path: Path) -> str:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise WaiverError(f"{path}: 豁免清单文件不存在") from None
    except OSError as exc:
        raise WaiverError(f"{path}: 无法读取豁免清单（{exc.strerror or exc}）") from None
    if stat.S_ISDIR(st.st_mode):
        raise WaiverError(f"{path}: 是一个目录，不是豁免清单文件")
    if not stat.S_ISREG(st.st_mode):
        raise WaiverError(f"{path}: 不是普通文件，不能作为豁免清单")
    if st.st_size > MAX_BYTES:
        raise WaiverError(f"{path}: 豁免清单 {st.st_size} 字节，超过上限 {MAX_BYTES} 字节")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WaiverError(f"{path}: 无法读取豁免清单（{exc.strerror or exc}）") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WaiverError(f"{path}: 豁免清单不是 UTF-8 编码") from None


def load_waivers(path: Path | str) -> list[Waiver]:
    """The waivers of a file, every entry checked; a bad file raises ``WaiverError``."""
    path = Path(path)
    return parse_waivers(_read_text(path), path)


def parse_waivers(text: str, path: Path) -> list[Waiver]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WaiverError(f"{path}: 豁免清单不是有效的 TOML（{exc}）") from None
    extra = [k for k in raw if k != "waiver"]
    if extra:
        raise WaiverError(f"{path}: 未知的设置项 {extra[0]!r}（豁免清单只含 [[waiver]] 表）")
    entries = raw.get("waiver", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise WaiverError(f"{path}: waiver 应写成 [[waiver]] 表的数组")
    if len(entries) > MAX_WAIVERS:
        raise WaiverError(f"{path}: 豁免 {len(entries)} 条，超过上限 {MAX_WAIVERS} 条")
    return [_waiver(e, n, path) for n, e in enumerate(entries, 1)]


def _waiver(entry: dict, n: int, path: Path) -> Waiver:
    where = f"{path}: 第 {n} 条豁免"
    unknown = [k for k in entry if k not in KEYS]
    if unknown:
        raise WaiverError(f"{where}: 未知的键 {unknown[0]!r}（可用：{'、'.join(KEYS)}）")
    fp = entry.get("fingerprint")
    if not isinstance(fp, str) or not FINGERPRINT.match(fp.strip()):
        raise WaiverError(f"{where}: fingerprint 应为 16 位十六进制指纹（如 3f2a9c0d5e6b7a81），而不是 {fp!r}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise WaiverError(f"{where}: 缺少豁免理由 reason")
    for k in TEXT_KEYS:
        v = entry.get(k, "")
        if isinstance(v, dt.datetime | dt.date) and k == "at":
            entry[k] = v.isoformat()
        elif not isinstance(v, str):
            raise WaiverError(f"{where}: {k} 应为字符串，而不是 {v!r}")
    texts = {k: entry.get(k, "") for k in TEXT_KEYS}
    return Waiver(fingerprint=fp.strip(), reason=" ".join(reason.split()),
                  expires=parse_date(entry.get("expires"), f"{where}: expires"), number=n, **texts)


def parse_date(value, where: str) -> dt.date | None:
    """A date as TOML writes it (2025-12-31) or as a string; None for none."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WaiverError(f"{where} 应为日期 YYYY-MM-DD，而不是 {value!r}")


# ---------------------------------------------------------------- applying


def apply(findings: pd.DataFrame, waivers: list[Waiver], path: str,
          today: dt.date | None = None) -> tuple[pd.DataFrame, WaiverReport]:
    """The findings with ``waived`` / ``waiver_reason`` set, and what each waiver did."""
    today = today or dt.date.today()
    report = WaiverReport(path=str(path), waivers=waivers)
    active: dict[str, Waiver] = {}
    for w in waivers:
        if w.expired(today):
            report.expired.append(w)
        else:
            active.setdefault(w.fingerprint, w)
    fps = findings["fingerprint"].astype(str) if len(findings) else pd.Series([], dtype=str)
    hit = fps.isin(list(active))
    out = findings.copy()
    out["waived"] = hit.to_numpy(dtype=bool) if len(findings) else out["waived"].astype(bool)
    out["waiver_reason"] = fps.map(lambda fp: active[fp].reason if fp in active else "").astype(str) \
        if len(findings) else out["waiver_reason"]
    report.applied = int(hit.sum())
    present = set(fps[hit])
    report.stale = [w for fp, w in active.items() if fp not in present]
    return out, report


def attach(result, path: Path | str, waivers: list[Waiver], today: dt.date | None = None) -> WaiverReport:
    """Apply the waivers to ``result`` in place and keep their report on it."""
    result.findings, report = apply(result.findings, waivers, str(path), today)
    result.extra["waivers"] = report
    return report


def report_of(result) -> WaiverReport | None:
    return getattr(result, "extra", {}).get("waivers")


def waived_flags(result) -> list[bool]:
    """Per finding, in order: is it waived?"""
    f = result.findings
    return f["waived"].astype(bool).tolist() if "waived" in f.columns else [False] * len(f)


def waived_count(result) -> int:
    return sum(waived_flags(result))


# ---------------------------------------------------------------- writing (jixiao waive)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return os.environ.get("USER", "") or os.environ.get("USERNAME", "")


def _toml_string(s: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, but for DEL, which TOML wants escaped)."""
    return json.dumps(str(s), ensure_ascii=False).replace("\x7f", "\\u007f")


def entry_text(w: Waiver) -> str:
    lines = ["[[waiver]]", f"fingerprint = {_toml_string(w.fingerprint)}", f"reason = {_toml_string(w.reason)}"]
    for k in ("by", "at"):
        lines.append(f"{k} = {_toml_string(getattr(w, k))}")
    if w.expires is not None:
        lines.append(f"expires = {w.expires.isoformat()}")
    for k in ("rule", "file", "project", "section", "indicator", "location", "message"):
        if getattr(w, k):
            lines.append(f"{k} = {_toml_string(getattr(w, k))}")
    return "\n".join(lines) + "\n"


def add_waiver(path: Path | str, w: Waiver) -> int:
    """Append ``w`` to the waivers file (created if missing; what is there — comments too — kept);
    returns its number in the file.  The file is checked first: a bad one is not appended to."""
    from checker.atomic import atomic_write_text

    path = Path(path)
    existing = load_waivers(path) if path.exists() else []
    same = [x for x in existing if x.fingerprint == w.fingerprint and not x.expired(dt.date.today())]
    if same:
        raise WaiverError(f"{path}: 第 {same[0].number} 条豁免已针对指纹 {w.fingerprint}，未重复写入")
    text = _read_text(path) if path.exists() else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    text += "\n" + entry_text(w)
    parse_waivers(text, path)  # what is written reads back
    atomic_write_text(path, text)
    return len(existing) + 1
