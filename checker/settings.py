"""Project settings: ``jixiao.toml``, or ``[tool.jixiao]`` in ``pyproject.toml``.

Found from the working directory upward (``jixiao.toml`` first, then a ``pyproject.toml``
that has a ``[tool.jixiao]`` table), stopping at the filesystem root or at a folder holding
``.git``.  Command-line flags override what a file says.  Every key and rule id is checked:
a misspelling is an error naming it, never a setting silently ignored.

    select = ["IND", "SUM"]
    ignore = ["IND.TARGET_TOO_LOW"]
    fail-on = "warning"
    profile = "profiles/national.yaml"     # relative to this file
    jobs = 4
    skip-unsupported = true

    [severity]                             # rule id or family -> error | warning | info | off
    "IND.NO_REASON" = "info"

    [limits]
    per-file-seconds = 120

    [per-path."县级/*"]                     # files this glob names (relative to this file)
    ignore = ["DUP"]
    severity = { "XREF.UNIT_AMBIGUOUS" = "off" }
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from checker.engine import PathOverride
from checker.executors import limit_defaults
from checker.gate import FAIL_ON, SEVERITIES
from checker.regular_file import Refused, read_regular
from checker.selection import UnknownRuleError, canonical, canonical_severity, ignorable

CONFIG_NAMES = ("jixiao.toml", "pyproject.toml")
LEVELS = (*SEVERITIES, "off")
EXECUTORS = ("local", "dask")
LANGS = ("zh", "en")
TOP_KEYS = ("select", "ignore", "severity", "fail-on", "profile", "jobs", "executor", "scheduler",
            "skip-unsupported", "lang", "limits", "per-path", "waivers", "letter")
PER_PATH_KEYS = ("select", "ignore", "severity")
# [letter]: the send-back letter's 文号 ({n}: the letter's number in the run), date, 落款 and contact.
LETTER_KEYS = ("number", "date", "issuer", "signer", "contact", "phone", "deadline")
LETTER_DATES = ("date", "deadline")


class SettingsError(ValueError):
    """A config file that cannot be used; the message is one line per problem."""


@dataclass
class Settings:
    source: str = ""                       # the config file read ("" when none)
    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    profile: str | None = None             # made absolute against the config file's folder
    jobs: int | None = None
    executor: str | None = None
    scheduler: str | None = None
    skip_unsupported: bool | None = None
    lang: str | None = None
    limits: dict[str, float] = field(default_factory=dict)
    per_path: list[PathOverride] = field(default_factory=list)
    waivers: str | None = None             # the waivers file, made absolute against the config file's folder
    letter: dict = field(default_factory=dict)   # [letter]: LETTER_KEYS, dates as datetime.date


def find_config(start: Path | None = None) -> Path | None:
    """The nearest config file from ``start`` (the working directory) upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "jixiao.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file() and _has_tool_table(py):
            return py
        if (folder / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        tool = _parse(path).get("tool", {})
    except SettingsError:
        return True  # a broken pyproject.toml that may hold our table: load it and say why
    return not isinstance(tool, dict) or "jixiao" in tool


def load_settings(path: Path | str | None) -> Settings:
    """Settings from a config file (``None``: no file, the defaults)."""
    if path is None:
        return Settings()
    path = Path(path)
    raw = _parse(path)
    if path.name == "pyproject.toml":
        tool = raw.get("tool", {})
        if not isinstance(tool, dict):
            raise SettingsError(f"{path}: tool 应为一个表，而不是 {_short(tool)}")
        raw = tool.get("jixiao")
        if raw is None:
            raise SettingsError(f"{path}: 没有 [tool.jixiao] 设置")
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: [tool.jixiao] 应为一个表，而不是 {_short(raw)}")
    try:
        return _settings(raw, path)
    except (TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:  # a shape no check foresaw
        raise SettingsError(f"{path}: 配置文件格式有误（{type(exc).__name__}）") from None


def _short(value) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:40] + "…"


CONFIG_MAX_BYTES = 1024 * 1024   # a config or profile file: a few hundred bytes in practice


def read_small_file(path: Path | str, what: str, max_bytes: int = CONFIG_MAX_BYTES) -> bytes:
    """A settings file's bytes: a regular file (never a device, pipe or folder) of at most
    ``max_bytes``, opened without blocking.  SettingsError (one line) otherwise."""
    try:
        return read_regular(path, max_bytes)
    except Refused as r:
        size = f"{r.size} 字节，" if r.size is not None else ""
        raise SettingsError({
            "folder": f"{path}: 是一个目录，不是{what}文件",
            "not_regular": f"{path}: 不是普通文件，不能作为{what}",
            "too_big": f"{path}: {what}过大（{size}上限 {max_bytes} 字节）",
        }.get(r.why, f"{path}: 无法读取{what}（{r.detail}）")) from None


def _parse(path: Path) -> dict:
    data = read_small_file(path, "配置文件")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: 配置文件不是 UTF-8 编码") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: 配置文件不是有效的 TOML（{' '.join(str(exc).split())}）") from exc
    except RecursionError:
        raise SettingsError(f"{path}: 配置文件嵌套过深") from None


def _settings(raw: dict, path: Path) -> Settings:
    where = str(path)
    _no_unknown(raw, TOP_KEYS, where)
    base = path.resolve().parent
    s = Settings(source=where)
    try:
        s.select = _ids(raw, "select", where)
        s.ignore = _ids(raw, "ignore", where)
        s.severity = _severity(raw.get("severity", {}), f"{where}: severity")
        s.per_path = [_per_path(glob, table, base, where) for glob, table in _table(raw, "per-path", where).items()]
    except UnknownRuleError as exc:
        raise SettingsError(str(exc)) from exc
    s.fail_on = _choice(raw, "fail-on", FAIL_ON, where)
    s.executor = _choice(raw, "executor", EXECUTORS, where)
    s.lang = _choice(raw, "lang", LANGS, where)
    s.scheduler = _typed(raw, "scheduler", str, where)
    s.skip_unsupported = _typed(raw, "skip-unsupported", bool, where)
    s.jobs = _typed(raw, "jobs", int, where)
    if s.jobs is not None and s.jobs < 1:
        raise SettingsError(f"{where}: jobs 应为不小于 1 的整数")
    profile = _typed(raw, "profile", str, where)
    s.profile = str(base / profile) if profile else None
    s.limits = limits_from(_table(raw, "limits", where), where)
    waivers = _typed(raw, "waivers", str, where)
    s.waivers = str(base / waivers) if waivers else None
    s.letter = letter_from(_table(raw, "letter", where), f"{where}: letter")
    return s


def letter_from(raw: dict, where: str) -> dict:
    """The [letter] table checked: known keys, strings, dates as dates."""
    import datetime as dt

    _no_unknown(raw, LETTER_KEYS, where)
    out = {}
    for key, value in raw.items():
        if key in LETTER_DATES:
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    raise SettingsError(f"{where}.{key} 应为日期 YYYY-MM-DD，而不是 {value!r}") from None
            if not isinstance(value, dt.date):
                raise SettingsError(f"{where}.{key} 应为日期 YYYY-MM-DD，而不是 {value!r}")
        elif not isinstance(value, str):
            raise SettingsError(f"{where}.{key} 应为字符串，而不是 {value!r}")
        out[key] = value
    return out


def limits_from(raw: dict, where: str) -> dict[str, float]:
    """Limit names (``per-file-seconds`` or ``per_file_seconds``) checked against the known ones."""
    known = limit_defaults()
    out = {}
    names = {k.replace("_", "-"): k for k in known}
    _no_unknown({k.replace("_", "-"): v for k, v in raw.items()}, tuple(names), f"{where}: limits")
    for key, value in raw.items():
        name = names[key.replace("_", "-")]
        out[name] = _limit_value(key, value, known[name], where)
    return out


def limit_range(name: str) -> tuple[float, float]:
    """The sane range of a limit: a second to a day, a MiB to a TiB of memory, a byte to a TiB, a
    count up to a billion.  Outside it a limit is a typo or a way to switch the bound off."""
    if name.endswith("seconds"):
        return 0.001, 86_400.0
    if name.endswith("mib"):
        return 1, 1024 * 1024
    if name.endswith("bytes"):
        return 1, 1 << 40
    return 1, 1_000_000_000


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _limit_value(key: str, value, default, where: str):
    """A limit checked: a finite number (never nan or inf), positive, in ``limit_range``."""
    name = key.replace("-", "_")
    low, high = limit_range(name)
    unit = "" if name.endswith("seconds") else "（整数）"
    ok = not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
    if ok and isinstance(default, int):
        ok = float(value).is_integer()
    if not ok or not low <= value <= high:
        raise SettingsError(f"{where}: limits.{key} 应为 {_num(low)} 到 {_num(high)} 之间的有限正数{unit}，而不是 {value!r}")
    return type(default)(value)


def _per_path(glob: str, table, base: Path, where: str) -> PathOverride:
    here = f"{where}: per-path.{glob!r}"
    if not isinstance(table, dict):
        raise SettingsError(f"{here} 应为一个表（select / ignore / severity）")
    _no_unknown(table, PER_PATH_KEYS, here)
    return PathOverride(pattern=glob, base=str(base), select=_ids(table, "select", here),
                        ignore=_ids(table, "ignore", here),
                        severity=_severity(table.get("severity", {}), f"{here} severity"))


def _ids(raw: dict, key: str, where: str) -> list[str] | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where}: {key} 应为规则编号或类别的列表")
    return (ignorable if key == "ignore" else canonical)(value, f"{where}: {key}")


def _severity(raw, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise SettingsError(f"{where} 应为一个表（规则编号或类别 = 级别）")
    raw = {k: ("off" if v is False else v) for k, v in raw.items()}
    bad = [k for k, v in raw.items() if v not in LEVELS]
    if bad:
        raise SettingsError(f"{where}: {bad[0]} 的级别只能是 error、warning、info 或 off，而不是 {raw[bad[0]]!r}")
    return canonical_severity(raw, where)


def _table(raw: dict, key: str, where: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: {key} 应为一个表")
    return value


def _choice(raw: dict, key: str, allowed: tuple, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and value not in allowed:
        raise SettingsError(f"{where}: {key} 只能是 {'、'.join(allowed)}，而不是 {value!r}")
    return value


def _typed(raw: dict, key: str, kind: type, where: str):
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {str: "字符串", bool: "true 或 false", int: "整数"}
        raise SettingsError(f"{where}: {key} 应为{names[kind]}，而不是 {value!r}")
    return value


def _no_unknown(raw: dict, allowed: tuple, where: str) -> None:
    lines = []
    for key in raw:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.0)
            lines.append(f"{where}: 未知的设置项 {key!r}" + (f"，是否指 {near[0]}？" if near else ""))
    if lines:
        raise SettingsError("\n".join(lines))


def config_path(explicit: str | None, no_config: bool) -> Path | None:
    """Which config file a run reads: ``--config FILE``, none with ``--no-config``, else the nearest."""
    if no_config:
        return None
    return Path(explicit) if explicit else find_config()
