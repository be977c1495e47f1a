"""Where files are read and recognised: in this process, in local worker processes, or on a
Dask cluster.  Each runs ``process_one`` per file and yields its ``Outcome`` in input order,
so every executor gives the same result byte for byte.

Only the ``FileModel`` (lists of plain rows) and a few status fields come back from a worker:
grids and reader state stay where the file was read.

Local workers are bounded (``Limits``): a file that takes longer than ``per_file_seconds``
has its worker killed and replaced; each worker's address space may grow by at most
``worker_memory_mib`` beyond what it held when it started (``RLIMIT_AS``), so one hostile
file cannot exhaust the machine.  Either way the file is ``unreadable`` with a one-line
reason and the batch goes on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing as mp
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from multiprocessing.connection import wait

from checker import model as M
from checker.grid import SkippedInput, UnreadableInput
from checker.inputs import display_name
from checker.ledger import is_ledger
from checker.limits import Limits as _ReaderLimits
from checker.readers import read_any
from checker.recognise import FileModel, recognise_file
from checker.rowstore import PackedRows, pack

PER_FILE_SECONDS = 60.0     # default wall-clock limit for reading + recognising one file
WORKER_MEMORY_MIB = 1024    # default growth of a worker's address space allowed per file


@dataclass(frozen=True)
class EngineLimits:
    """The bounds the engine enforces itself; the readers' own limits travel in ``reader``."""
    per_file_seconds: float = PER_FILE_SECONDS
    worker_memory_mib: int = WORKER_MEMORY_MIB
    reader: object = None   # a checker.limits.Limits (None: the readers' defaults)


def limit_defaults() -> dict[str, object]:
    """Every limit a config file may set, with its default: the engine's and the readers'."""
    names: dict[str, object] = {"per_file_seconds": PER_FILE_SECONDS, "worker_memory_mib": WORKER_MEMORY_MIB}
    reader = _ReaderLimits()
    names.update({f.name: getattr(reader, f.name) for f in fields(_ReaderLimits)})
    return names


def make_limits(values: dict | None = None) -> EngineLimits:
    """``EngineLimits`` from a flat dict of limit names (config file, command line)."""
    values = dict(values or {})
    memory = int(values.pop("worker_memory_mib", WORKER_MEMORY_MIB))
    seconds = values.get("per_file_seconds")
    reader = None
    if _ReaderLimits is not None:
        names = {f.name for f in fields(_ReaderLimits)}
        reader = _ReaderLimits(**{k: v for k, v in values.items() if k in names})
        if seconds is None:
            seconds = getattr(reader, "per_file_seconds", None)
    return EngineLimits(float(seconds or PER_FILE_SECONDS), memory, reader)


@dataclass
class Task:
    index: int       # position in the batch (results come back in this order)
    path: str        # the real file name, to open it
    display: str     # the name the reports show (recognisers record it)
    file_no: int     # numbering of project ids (F<n>P<m>), as in a one-process run


@dataclass
class Outcome:
    index: int
    status: str                  # checked | unrecognised | unreadable | skipped
    kind: str = ""
    projects: int = 0
    message: str = ""            # one line: why unreadable or skipped
    reason: str = ""             # machine-readable reason (timeout, memory, reader …)
    sha256: str = ""
    model: FileModel | PackedRows | None = None   # packed when it comes from another process
    notes: list[dict] = field(default_factory=list)   # engine-made PARSE notes for this file


# ---------------------------------------------------------------- one file


def process_one(task: Task, limits: EngineLimits | None = None) -> Outcome:
    """Read and recognise one file.  Never raises except MemoryError: every other failure is
    part of the outcome."""
    limits = limits or EngineLimits()
    out = Outcome(task.index, "unreadable")
    if not _still_regular(task.path):
        out.message, out.reason = "已不是普通文件（列出后被替换为管道、设备或目录），未读取", "not-regular"
        return out
    out.sha256 = _sha256(task.path)
    try:
        grids = _read(task.path, limits.reader)
    except MemoryError:
        raise
    except UnreadableInput as exc:
        out.message, out.reason = _one_line(exc), "reader"
        return out
    except SkippedInput as exc:
        out.status, out.message, out.reason = "skipped", _one_line(exc), "reader"
        return out
    except Exception as exc:  # a reader bug must not sink the batch
        out.message, out.reason = f"读取失败: {type(exc).__name__}: {_one_line(exc)}", "reader"
        return out
    for g in grids:
        g.path = task.display
        out.notes += [M.note(getattr(w, "code", "PARSE.READ_REPAIRED"), task.display, w, getattr(w, "en", w), location=g.name)
                      for w in g.warnings]
    try:
        fm = recognise_file(task.display, grids, task.file_no)
    except MemoryError:
        raise
    except Exception as exc:  # a recogniser bug on one odd form must not sink the batch
        fm = FileModel(path=task.display, kind="unrecognised")
        out.notes.append(M.note("PARSE.INTERNAL", task.display,
                                f"识别表格时出错: {type(exc).__name__}: {_one_line(exc)}",
                                f"recogniser failed: {type(exc).__name__}: {_one_line(exc)}"))
    no_table = fm.kind == "unrecognised" or not fm.indicators   # a ledger has funds columns, never indicators
    if no_table and not any(n["code"] == "PARSE.INTERNAL" for n in out.notes) and is_ledger(grids):   # a budget ledger
        out.status, out.reason, out.message = "skipped", "ledger", "预算账表（用 --ledger 指定时与表格核对）"
        return out
    del grids
    fm.layouts = []   # the column maps are for ``jixiao inspect``: never read here, and dear to pickle
    out.model = fm
    if fm.kind == "unrecognised":
        out.status, out.kind = "unrecognised", "unrecognised"
        if not any(n["code"] == "PARSE.INTERNAL" for n in out.notes):
            out.notes.append(M.note("PARSE.UNRECOGNISED", task.display, "", "", expected="自评表/评分表/目标表"))
    else:
        out.status, out.kind, out.projects = "checked", fm.kind, len(fm.projects)
    return out


def _packed(out: Outcome) -> Outcome:
    """The outcome with its rows packed for the trip to the driver (``checker.rowstore.pack``)."""
    if out.model is not None:
        out.model = pack(out.model)
    return out


def process_packed(task: Task, limits: EngineLimits | None = None) -> Outcome:
    """``process_one`` with the rows packed: what a remote worker sends back."""
    return _packed(process_one(task, limits))


def _read(path: str, reader_limits):
    return read_any(path, limits=reader_limits)


def _still_regular(path: str) -> bool:
    """The path is still a regular file (or gone: the reader says so); never opened here."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return True   # the reader names the reason


def _sha256(path: str) -> str:
    """The file's hash, in the worker: opened without blocking, hashed only if a regular file
    (a file swapped for a pipe since the folder was listed is never waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError):
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""
    finally:
        os.close(fd)


def _one_line(exc: BaseException) -> str:
    """An exception as one line any writer can print (a file name in it may hold undecodable bytes)."""
    return display_name(" ".join(str(exc).split()))


def timeout_message(seconds: float) -> str:
    return f"处理超时（{seconds:g} 秒），已中止"


def memory_message(mib: int) -> str:
    return f"内存超过上限（{mib} MiB），已中止"


# ---------------------------------------------------------------- one call, bounded


class BoundedCallError(Exception):
    """A bounded call that did not finish: over time, over memory, or its process died.  The
    message is one line, the same as ``check`` gives for the same cause."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def call_bounded(fn: Callable, args: tuple, limits: EngineLimits | None = None):
    """``fn(*args)`` in a child process under the limits of one file in ``check`` (wall clock and
    memory).  Returns its value, re-raises its ``UnreadableInput``/``SkippedInput`` (any other
    exception as ``UnreadableInput`` naming it), or raises ``BoundedCallError``."""
    limits = limits or EngineLimits()
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call_main, args=(child, fn, args, limits.worker_memory_mib), daemon=True)
    proc.start()
    child.close()
    try:
        ready = wait([parent, proc.sentinel], limits.per_file_seconds)
        if parent in ready:
            with contextlib.suppress(EOFError, OSError):
                kind, value = parent.recv()
                return _unpack_call(kind, value, limits)
        if not ready:
            raise BoundedCallError(timeout_message(limits.per_file_seconds), "timeout")
        raise BoundedCallError(memory_message(limits.worker_memory_mib), "memory")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


def _unpack_call(kind: str, value, limits: EngineLimits):
    if kind == "ok":
        return value
    if kind == "memory":
        raise BoundedCallError(memory_message(limits.worker_memory_mib), "memory")
    if kind == "skipped":
        raise SkippedInput(value)
    raise UnreadableInput(value)


def _call_main(conn, fn: Callable, args: tuple, memory_mib: int) -> None:
    _cap_memory(memory_mib)
    try:
        result = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", "")
    except SkippedInput as exc:
        result = ("skipped", _one_line(exc))
    except UnreadableInput as exc:
        result = ("unreadable", _one_line(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug: one line, as check says it
        result = ("unreadable", f"读取失败: {type(exc).__name__}: {_one_line(exc)}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", ""))
    finally:
        conn.close()


# ---------------------------------------------------------------- executors


class InProcess:
    """Read every file in this process, one after the other (no limits beyond the readers')."""

    def __init__(self, limits: EngineLimits | None = None):
        self.limits = limits or EngineLimits()

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        for t in tasks:
            try:
                yield process_one(t, self.limits)
            except MemoryError:
                yield Outcome(t.index, "unreadable", message=memory_message(self.limits.worker_memory_mib),
                              reason="memory")

    def close(self) -> None:
        pass


def _worker_main(conn, limits: EngineLimits) -> None:
    """A worker process: cap its memory, then read and recognise files until told to stop."""
    gc.freeze()  # what the fork inherited is never collected here, so its pages stay shared
    _cap_memory(limits.worker_memory_mib)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send(_packed(process_one(task, limits)))
        except MemoryError:
            try:
                conn.send(Outcome(task.index, "unreadable", message=memory_message(limits.worker_memory_mib),
                                  reason="memory"))
            finally:
                os._exit(3)  # a worker that ran out of memory is replaced, not reused


def _cap_memory(mib: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX: no cap
        return
    start = _address_space()
    if not start or mib <= 0:
        return
    cap = start + mib * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _Worker:
    def __init__(self, ctx, limits: EngineLimits):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, limits), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task, seconds: float) -> None:
        self.task, self.deadline = task, time.monotonic() + seconds
        self.conn.send(task)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # already gone
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


class LocalPool:
    """``jobs`` worker processes with a time limit per file and a memory cap per worker.

    A worker that overruns is killed and replaced; results are handed out in input order
    as soon as every earlier file is done, so the caller can fold them in and drop them.
    """

    def __init__(self, jobs: int, limits: EngineLimits | None = None):
        self.jobs = max(1, jobs)
        self.limits = limits or EngineLimits()
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(method)
        self.workers: list[_Worker] = []

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        todo = deque(tasks)
        done: dict[int, Outcome] = {}
        order = deque(t.index for t in todo)
        if not todo:
            return
        if not self.workers:
            self.workers = [_Worker(self.ctx, self.limits) for _ in range(min(self.jobs, len(todo)) or 1)]
        try:
            while order:
                self._assign(todo)
                for out in self._collect():
                    done[out.index] = out
                while order and order[0] in done:
                    yield done.pop(order.popleft())
        finally:
            self.close()

    def _assign(self, todo: deque) -> None:
        for w in self.workers:
            if w.task is None and todo:
                w.give(todo.popleft(), self.limits.per_file_seconds)

    def _collect(self) -> list[Outcome]:
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return []
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout)
        outs = []
        for w in busy:
            if w.conn in ready or w.proc.sentinel in ready:
                outs.append(self._receive(w))
            elif time.monotonic() >= w.deadline:
                outs.append(self._replace(w, timeout_message(self.limits.per_file_seconds), "timeout"))
        return outs

    def _receive(self, w: _Worker) -> Outcome:
        try:
            if w.conn.poll():
                out = w.conn.recv()
                w.task = None
                if out.reason == "memory" or not w.proc.is_alive():
                    self._replace(w, "", "")
                return out
        except (EOFError, OSError):
            pass
        w.proc.join(1)
        code = w.proc.exitcode
        why = memory_message(self.limits.worker_memory_mib) if code in (3, -9, None) else \
            f"处理时工作进程异常退出（退出码 {code}），可能超过内存上限（{self.limits.worker_memory_mib} MiB）"
        return self._replace(w, why, "memory" if code in (3, -9, None) else "crash")

    def _replace(self, w: _Worker, why: str, reason: str) -> Outcome | None:
        task = w.task
        w.kill()
        self.workers[self.workers.index(w)] = _Worker(self.ctx, self.limits)
        if task is None or not why:
            return None
        return Outcome(task.index, "unreadable", message=why, reason=reason)   # the parent reads no input

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []


def process_bounded(task: Task, limits: EngineLimits | None = None) -> Outcome:
    """``process_packed`` under the same bounds as a local run, for a Dask task: in a child
    worker process with the per-file time limit and memory cap (``LocalPool``); where the Dask
    worker may not start a process (a daemon), in a thread given the same time limit."""
    limits = limits or EngineLimits()
    if not mp.current_process().daemon:
        try:
            return next(iter(LocalPool(1, limits).map([task])))
        except (OSError, AssertionError):
            pass
    return _in_thread(task, limits)


def _in_thread(task: Task, limits: EngineLimits) -> Outcome:
    box: list[Outcome] = []

    def work() -> None:
        try:
            box.append(process_packed(task, limits))
        except MemoryError:
            box.append(Outcome(task.index, "unreadable", message=memory_message(limits.worker_memory_mib),
                               reason="memory"))

    worker = threading.Thread(target=work, daemon=True, name=f"jixiao-file-{task.index}")
    worker.start()
    worker.join(limits.per_file_seconds)
    if worker.is_alive() or not box:
        return Outcome(task.index, "unreadable", message=timeout_message(limits.per_file_seconds), reason="timeout")
    return box[0]


def cluster_message(exc: BaseException) -> str:
    """A lost task said the same way in every run: the kind of failure, never a task key, worker
    address or other run-specific text."""
    kind = type(exc).__name__
    if kind == "KilledWorker":
        return "集群处理失败：处理该文件的工作进程反复退出（可能超过内存上限）"
    if isinstance(exc, TimeoutError) or "Timeout" in kind:
        return "集群处理失败：等待工作进程超时"
    if "Cancelled" in kind:
        return "集群处理失败：任务被取消"
    return f"集群处理失败（{kind}）"


class DaskExecutor:
    """Read and recognise on a Dask distributed cluster; outcomes gathered in input order.

    At most ``window`` files are in flight, so the client never holds the whole batch's
    models at once before the engine folds them in.  The workers need jixiao installed; each
    task runs under the per-file time limit and memory cap of a local run (``process_bounded``),
    and a lost task's message carries no task key, so reports are the same run after run.
    """

    def __init__(self, scheduler: str | object, limits: EngineLimits | None = None, window: int = 2000):
        from distributed import Client

        self.limits = limits or EngineLimits()
        self.own = not hasattr(scheduler, "submit")
        self.client = Client(scheduler) if self.own else scheduler
        self.window = window

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        todo = deque(tasks)
        inflight: deque = deque()
        while todo or inflight:
            while todo and len(inflight) < self.window:
                t = todo.popleft()
                inflight.append((t, self.client.submit(process_bounded, t, self.limits, pure=False,
                                                       key=f"jixiao-{t.index}-{os.getpid()}-{id(self)}")))
            t, fut = inflight.popleft()
            try:
                yield fut.result()
            except MemoryError:
                yield Outcome(t.index, "unreadable", message=memory_message(self.limits.worker_memory_mib),
                              reason="memory", sha256="")
            except Exception as exc:  # a lost worker: the file is named, the batch goes on
                yield Outcome(t.index, "unreadable", message=cluster_message(exc), reason="cluster")
            finally:
                fut.release()

    def close(self) -> None:
        if self.own:
            self.client.close()


def make_executor(kind: str, jobs: int, limits: EngineLimits, scheduler: str | object | None = None):
    """``inprocess`` (jobs 0), ``local`` worker processes, or ``dask`` at ``scheduler``."""
    if kind == "dask":
        return DaskExecutor(scheduler, limits)
    if jobs <= 0:
        return InProcess(limits)
    return LocalPool(jobs, limits)


def run(executor, tasks: list[Task], on_done: Callable[[Outcome], None] | None = None) -> Iterator[Outcome]:
    """Outcomes in input order, telling ``on_done`` after each (a progress bar)."""
    try:
        for out in executor.map(tasks):
            if on_done:
                on_done(out)
            yield out
    finally:
        executor.close()
