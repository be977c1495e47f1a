"""Decode bytes of a text-like input: UTF-8 (with or without BOM), then GB18030.

Chinese government offices still save text as GBK/GB18030; GB18030 is a superset
of GBK and GB2312, so it is the only legacy codec worth trying.

Decoding forgives what copying and cutting leave behind — a multi-byte character
cut at the end of the file, a few invalid bytes, a stray control character — and
says what it replaced (``Decoded.warnings``, one Chinese line each).  A file that is
binary (NUL bytes near the start) or mostly undecodable is still refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.grid import Repair, UnreadableInput

CODECS = ("utf-8-sig", "gb18030")
MAX_BAD_SHARE = 0.001      # at most 1 invalid byte in 1000 is a damaged file, not another encoding
MAX_BAD_BYTES = 64
MAX_CONTROL_SHARE = 0.01   # more control characters than this: not a text file
# C0 controls except tab/newline/CR/form feed, DEL, and the C1 range; U+FFFD from a bad byte
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
NOT_TEXT = "不是文本文件 (含二进制内容)"
REPLACEMENT = "\ufffd"
CUT_TAIL = Repair("文件末尾的不完整字符已忽略", "an incomplete character at the end of the file was ignored")


@dataclass
class Decoded:
    text: str
    codec: str
    warnings: list[Repair] = field(default_factory=list)


def decode_bytes(data: bytes, path: str = "") -> str:
    """The text only (callers that do not report repairs)."""
    return decode_text(data).text


def decode_text(data: bytes) -> Decoded:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _clean(_decode_forgiving(data, "utf-16"))
    if data[:4096].count(b"\x00") > 2:  # one stray NUL is damage; several are a binary file
        raise UnreadableInput(NOT_TEXT)
    for codec in CODECS:  # strict first, then a character cut at the end; UTF-8 before GB18030 each time
        try:
            return _clean(Decoded(data.decode(codec), codec))
        except UnicodeDecodeError:
            pass
        found = _decode_cut(data, codec)
        if found is not None:
            return _clean(found)
    for codec in CODECS:
        found = _decode_damaged(data, codec)
        if found is not None:
            return _clean(found)
    raise UnreadableInput("无法识别文件编码 (既不是 UTF-8 也不是 GB18030)")


def _decode_forgiving(data: bytes, codec: str) -> Decoded:
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        found = _decode_cut(data, codec) or _decode_damaged(data, codec)
        if found is None:
            raise UnreadableInput("无法识别文件编码 (UTF-16 内容已损坏)") from None
        return found


def _decode_cut(data: bytes, codec: str) -> Decoded | None:
    """Valid but for a character cut at the very end (1–3 bytes of a multi-byte sequence)."""
    for cut in range(1, 4):
        if len(data) > cut:
            try:
                text = data[:-cut].decode(codec)
            except UnicodeDecodeError:
                continue
            if _incomplete_tail(data[-cut:], codec):
                return Decoded(text, codec, [CUT_TAIL])
    return None


def _decode_damaged(data: bytes, codec: str) -> Decoded | None:
    """Valid but for a few bad bytes (replaced by U+FFFD); None when it is not this codec at all."""
    text = data.decode(codec, errors="replace")
    bad = text.count(REPLACEMENT) - data.decode(codec, errors="ignore").count(REPLACEMENT)
    if bad <= 0 or bad > MAX_BAD_BYTES or bad > len(data) * MAX_BAD_SHARE:
        return None
    zh, en = _where(text, REPLACEMENT)
    return Decoded(text, codec, [Repair(f"{zh}含无法解码的字节，已替换为 “{REPLACEMENT}”",
                                        f"undecodable bytes at {en} were replaced by “{REPLACEMENT}”")])


def _incomplete_tail(tail: bytes, codec: str) -> bool:
    try:
        tail.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.reason in ("unexpected end of data", "incomplete multibyte sequence", "truncated data")
    return False


def _clean(decoded: Decoded) -> Decoded:
    """Stray control characters become spaces (a form feed, from pdftotext, a line break)."""
    text = decoded.text.replace("\f", "\n")
    found = _CONTROL.findall(text)
    if not found:
        decoded.text = text
        return decoded
    if len(found) > max(8, len(text) * MAX_CONTROL_SHARE):
        raise UnreadableInput(NOT_TEXT)
    codes = "、".join(f"0x{ord(c):02X}" for c in sorted(set(found)))
    zh, en = _where(text, None)
    decoded.warnings.append(Repair(f"{zh}含控制字符 {codes}，已替换为空格",
                                   f"control characters {codes.replace('、', ', ')} at {en} were replaced by spaces"))
    decoded.text = _CONTROL.sub(" ", text)
    return decoded


def _where(text: str, char: str | None, most: int = 5) -> tuple[str, str]:
    """Where a character (or a control) occurs, in Chinese and English: "第 12 行" / "line 12",
    "第 3、7、9、12、15 行等 9 处" / "lines 3, 7, 9, 12, 15 and others (9 places)"."""
    lines = []
    count = 0
    for n, line in enumerate(text.split("\n"), start=1):
        hits = line.count(char) if char else len(_CONTROL.findall(line))
        if hits:
            count += hits
            lines.append(n)
    shown = lines[:most]
    more = len(lines) > most
    zh = f"第 {'、'.join(map(str, shown))} 行" + (f"等 {count} 处" if more else "")
    en = ("line " if len(shown) == 1 else "lines ") + ", ".join(map(str, shown))
    en += f" and others ({count} places)" if more else ""
    return zh, en


def load_text(path: str, limits) -> Decoded:
    """A text or CSV file read whole under the limits (size, lines, line length), then decoded."""
    from pathlib import Path

    from checker.limits import LimitExceeded, check_file_size

    try:
        check_file_size(Path(path).stat().st_size, limits, limits.text_bytes, "文本文件")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件: {exc.strerror or exc}") from exc
    lines = max(data.count(b"\n"), data.count(b"\r")) + 1  # CR alone ends lines in old Mac files
    if lines > limits.sheet_rows:
        raise LimitExceeded(f"文本文件有 {lines} 行，超过上限 {limits.sheet_rows} 行")
    if len(data) > limits.line_chars * lines * 4:  # some line must be too long: say which without decoding
        _check_line_bytes(data, limits)
    decoded = decode_text(data)
    del data
    for n, line in enumerate(decoded.text.splitlines(), start=1):
        if len(line) > limits.line_chars:
            raise LimitExceeded(f"第 {n} 行长 {len(line)} 个字符，超过上限 {limits.line_chars} 个字符")
    return decoded


def _check_line_bytes(data: bytes, limits) -> None:
    from checker.limits import LimitExceeded, size_text

    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    start = 0
    for n in range(1, data.count(b"\n") + 2):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > limits.line_chars * 4:  # 4 bytes at most per character in any codec here
            raise LimitExceeded(f"第 {n} 行长达 {size_text(end - start)}，超过每行 {limits.line_chars} 个字符的上限")
        start = end + 1
