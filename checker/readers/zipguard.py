"""Zip packages (xlsx, docx, ods) opened under limits, before any library inflates them.

The zip directory is checked first (entry count, declared sizes).  Declared sizes
can lie, so members are then inflated here with zlib, counting the bytes actually
produced and stopping at the limit; the header's size and CRC are not trusted.
Only then may calamine, openpyxl or the Word reader open the package.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from checker.grid import UnreadableInput
from checker.limits import LimitExceeded, Limits, size_text

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (skipped fields), name length, extra length
_CHUNK = 1 << 20


class Package:
    """An open zip whose directory passed the limits; ``read`` inflates one member under them."""

    def __init__(self, path: str, limits: Limits, kind: str, corrupt: str | None = None):
        self.path = path
        self.limits = limits
        self.kind = kind
        self.inflated = 0
        self._fh = None   # the file, opened once for every member read (an xlsx has a dozen)
        try:
            self.zip = zipfile.ZipFile(path)
            self.infos = self.zip.infolist()
        except Exception as exc:  # zipfile raises a dozen types on a damaged directory (even NotImplementedError)
            raise UnreadableInput(corrupt or f"{kind} 文件已损坏或不是有效的压缩包 ({type(exc).__name__})") from exc
        self._check_directory()
        self.names = {i.filename for i in self.infos}

    def close(self) -> None:
        self.zip.close()
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check_directory(self) -> None:
        lim = self.limits
        if len(self.infos) > lim.zip_entries:
            raise LimitExceeded(f"压缩包含 {len(self.infos)} 个成员，超过上限 {lim.zip_entries} 个")
        declared = 0
        for info in self.infos:
            if info.file_size > lim.zip_member_bytes:
                raise LimitExceeded(f"压缩包成员 {info.filename} 声明解压后 {size_text(info.file_size)}，"
                                    f"超过上限 {size_text(lim.zip_member_bytes)}")
            declared += info.file_size
        if declared > lim.zip_total_bytes:
            raise LimitExceeded(f"压缩包声明解压后共 {size_text(declared)}，超过上限 {size_text(lim.zip_total_bytes)}")

    def members(self, name: str) -> list[zipfile.ZipInfo]:
        """Every directory entry of that name (a damaged zip may hold duplicates; each is checked)."""
        return [i for i in self.infos if i.filename == name]

    def read(self, info: zipfile.ZipInfo, keep: bool = True) -> bytearray:
        """Inflate one member, counting real bytes against the member and total limits.

        A bytearray, not copied into bytes: a member may be a hundred megabytes."""
        if info.flag_bits & 0x1:
            raise UnreadableInput(f"{self.kind} 文件已加密，无法读取")
        out = bytearray()
        cap = min(self.limits.zip_member_bytes, self.limits.zip_total_bytes - self.inflated)
        produced = 0
        for piece in self._inflate(info, cap):
            produced += len(piece)
            if keep:
                out += piece
        self.inflated += produced
        return out

    def read_name(self, name: str) -> bytearray | None:
        """The last entry of that name (as zipfile and the libraries resolve it), or None."""
        found = self.members(name)
        return self.read(found[-1]) if found else None

    def _too_big(self, info: zipfile.ZipInfo, cap: int) -> LimitExceeded:
        if cap < self.limits.zip_member_bytes:
            return LimitExceeded(f"压缩包解压后超过上限 {size_text(self.limits.zip_total_bytes)}"
                                 f"（在成员 {info.filename} 处）")
        return LimitExceeded(f"压缩包成员 {info.filename} 解压后超过上限 {size_text(cap)}")

    def _inflate(self, info: zipfile.ZipInfo, cap: int):
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            yield from self._inflate_other(info, cap)
            return
        if self._fh is None:
            try:
                self._fh = open(self.path, "rb")  # noqa: SIM115 - closed with the package
            except OSError as exc:
                raise UnreadableInput(f"无法读取文件: {exc.strerror or exc}") from exc
        fh = self._fh
        bad_header = UnreadableInput(f"{self.kind} 文件已损坏（成员 {info.filename} 的文件头无效）")
        try:
            fh.seek(info.header_offset)  # a damaged directory may point anywhere, even before the start
            head = fh.read(_LOCAL_HEADER.size)
        except (OSError, ValueError, OverflowError) as exc:
            raise bad_header from exc
        if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
            raise bad_header
        name_len, extra_len = _LOCAL_HEADER.unpack(head)[1:]
        fh.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
        yield from self._stream(fh, info, cap)

    def _stream(self, fh, info: zipfile.ZipInfo, cap: int):
        left = info.compress_size
        produced = 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0 and not (inflater and inflater.eof):
            raw = fh.read(min(_CHUNK, left))
            if not raw:
                break
            left -= len(raw)
            for piece in (_pieces(inflater, raw, info, self.kind) if inflater else (raw,)):
                produced += len(piece)
                if produced > cap:
                    raise self._too_big(info, cap)
                yield piece

    def _inflate_other(self, info: zipfile.ZipInfo, cap: int):
        """bzip2/lzma members (never written by Office): zipfile's reader, still counted."""
        produced = 0
        try:
            with self.zip.open(info) as fh:
                while piece := fh.read(_CHUNK):
                    produced += len(piece)
                    if produced > cap:
                        raise self._too_big(info, cap)
                    yield piece
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError, ValueError) as exc:
            raise UnreadableInput(f"{self.kind} 文件已损坏（成员 {info.filename} 无法解压）") from exc


def _pieces(inflater, raw: bytes, info: zipfile.ZipInfo, kind: str):
    """Inflate one compressed chunk at most 1 MiB at a time (a bomb's chunk may hold gigabytes)."""
    data = raw
    try:
        while True:
            piece = inflater.decompress(data, _CHUNK)
            yield piece
            data = inflater.unconsumed_tail
            if not data or inflater.eof:
                return
    except zlib.error as exc:
        raise UnreadableInput(f"{kind} 文件已损坏（成员 {info.filename} 无法解压）") from exc
