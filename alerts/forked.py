"""Run a function over items in processes forked from this one, a few at a time.

The nightly evaluation's batches spend much of their time in Python; in threads they take
turns under one interpreter lock, in processes they use every CPU. ``multiprocessing``
cannot be used for this: a Celery prefork worker's process is daemonic, and a daemonic
process may not start ``multiprocessing`` children. Plain ``os.fork`` may, so this module
forks itself, with what a worker's child needs:

* it dies with the process that forked it (``PR_SET_PDEATHSIG``): a worker killed mid-run
  leaves no batch writing behind its back;
* it opens database connections of its own: the parent closes its own before forking,
  and the child forgets the closed ones without touching a socket they might share;
* it answers through a pipe (a pickled result, or the error's text) and leaves with
  ``os._exit``, running none of the parent's exit handlers.

Only a single-threaded process forks safely (a lock another thread holds at the fork
stays held in the child): ``can_fork`` says whether this one is.
"""

import contextlib
import ctypes
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Iterator

from django.db import connections

PR_SET_PDEATHSIG = 1  # prctl(2)


class ChildFailed(RuntimeError):
    """The function raised in the child (its text), or the child died without answering."""


def can_fork() -> bool:
    return os.name == "posix" and threading.active_count() == 1


def run_forked(func: Callable, items: list, workers: int) -> Iterator[tuple[object, object]]:
    """(item, func(item) or a ChildFailed) as each child finishes, ``workers`` at once."""
    connections.close_all()
    parent = os.getpid()
    waiting = list(items)
    running: dict[int, tuple[int, object]] = {}  # a child's read end → (pid, item)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                item = waiting.pop(0)
                read, pid = _fork(func, item, parent)
                running[read] = (pid, item)
            ready, _, _ = select.select(list(running), [], [])
            for read in ready:
                pid, item = running.pop(read)
                yield item, _answer(read, pid)
    finally:
        for read, (pid, _item) in running.items():  # the caller gave up: stop them
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(read)


def _fork(func: Callable, item, parent: int) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return read, pid
    # The child: never returns.
    os.close(read)
    status = 0
    try:
        _become_child(parent)
        answer = ("done", func(item))
    except BaseException as error:  # noqa: BLE001 — everything goes back to the parent
        answer, status = ("failed", f"{type(error).__name__}: {error}"), 1
    try:
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(answer, pipe)
        connections.close_all()
    finally:
        os._exit(status)


def _become_child(parent: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    for alias in connections:
        connections[alias].connection = None


def _answer(read: int, pid: int):
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    status = None
    with contextlib.suppress(ChildProcessError):  # reaped already by a SIGCHLD handler
        _, status = os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(data)
    except Exception:  # noqa: BLE001 — killed or crashed before answering
        return ChildFailed(f"batch process {pid} ended without an answer (status {status})")
    return value if kind == "done" else ChildFailed(value)
