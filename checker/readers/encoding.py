"""Decode bytes of a text-like input: UTF-8 (with or without BOM), then GB18030.

Chinese government offices still save text as GBK/GB18030; GB18030 is a superset
of GBK and GB2312, so it is the only legacy codec worth trying.
"""

from __future__ import annotations

from checker.grid import UnreadableInput

CODECS = ("utf-8-sig", "gb18030")


def decode_bytes(data: bytes, path: str = "") -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for codec in CODECS:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("无法识别文件编码 (既不是 UTF-8 也不是 GB18030)")
