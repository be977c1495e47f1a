"""Legacy Office formats (.doc, WPS .wps, WPS spreadsheet .et) via LibreOffice.

With ``soffice`` on PATH the file is copied into a private temporary folder and
converted there (``soffice --headless --convert-to docx|xlsx``), with a throw-away
LibreOffice profile so parallel conversions do not collide; the result is read as
.docx/.xlsx and the grids keep the original path.  Nothing is ever written next to
the input.  Without LibreOffice the file is skipped with a message naming the
conversion the submitter should do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from checker.grid import Grid, SkippedInput, UnreadableInput
from checker.limits import Limits

TARGET = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(path: str, limits: Limits) -> list[Grid]:
    suffix = Path(path).suffix.lower()
    target = TARGET[suffix]
    exe = soffice()
    if exe is None:
        raise SkippedInput(f"{suffix} 文件需先另存为 .{target}（本机未安装 LibreOffice，无法自动转换）")
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"  # a plain name: the original may hold any characters
        shutil.copyfile(path, source)
        converted = _convert(exe, source, target, work, limits)
        if target == "docx":
            from checker.readers.word import read_docx
            grids = read_docx(str(converted), limits)
        else:
            from checker.readers.excel import read_excel
            grids = read_excel(str(converted), limits)
    for g in grids:
        g.path = path
    return grids


def _convert(exe: str, source: Path, target: str, work: Path, limits: Limits) -> Path:
    out = work / "out"
    args = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(source)]
    # Within the engine's per-file budget, so this process (not the engine killing the worker, which
    # would leave soffice running in its own session) is the one that stops it.
    timeout = max(5.0, 0.8 * limits.per_file_seconds)
    try:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, start_new_session=True, env=_env(work))
    except OSError as exc:
        raise UnreadableInput(f"无法启动 LibreOffice 转换 ({exc.strerror or exc})") from exc
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: soffice.bin and helpers go too
        proc.wait()
        raise UnreadableInput(f"LibreOffice 转换超过 {timeout:.0f} 秒，已中止") from exc
    result = out / f"{source.stem}.{target}"
    if proc.returncode != 0 or not result.is_file():
        raise UnreadableInput(f"LibreOffice 无法将此文件转换为 .{target}（文件可能已损坏或加密）")
    return result


def _env(work: Path) -> dict:
    env = dict(os.environ)
    env["HOME"] = str(work)  # LibreOffice writes caches under HOME; keep them in the temp folder
    return env
