"""Several worker processes behind one port (`crosswalk serve --workers N`).

One Python process runs on one core: the event loop, the HTTP parsing, every event's
translation and the kernel calls all share it, and under a burst of streams that core is
what calls queue for. Workers are forked after everything is imported and warmed (pages
shared copy-on-write), each with its own event loop, upstream connection pools and
listening socket on the same port (`SO_REUSEPORT`: the kernel spreads new connections
over them). The parent only supervises: it restarts a worker that dies, and stops them
all on SIGTERM / SIGINT.

What the workers share is on disk: the Responses state is one SQLite file (WAL, so
readers never wait), and each worker answers for its own metrics on a Unix socket in a
private directory, where the worker that is scraped collects the others' (metrics.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("crosswalk.proxy")

# A worker that dies this soon after it started is restarted only after the same delay,
# so that a worker that cannot start (its port taken away, a full disk) is not respawned
# in a tight loop.
RESTART_DELAY = 1.0


@dataclass(frozen=True)
class Worker:
    """Who a worker process is: its number, and where the workers' metric sockets are."""

    index: int
    peers: Path

    @property
    def socket_path(self) -> Path:
        return self.peers / f"worker-{self.index}.sock"

    def others(self) -> list[Path]:
        return sorted(p for p in self.peers.glob("worker-*.sock") if p != self.socket_path)


def listening_socket(host: str, port: int, backlog: int, *, shared: bool) -> socket.socket:
    """A socket listening on host:port; a `shared` one, other workers' sockets can bind
    the same port beside (a lone server's cannot, so a second one started by mistake
    fails instead of quietly taking half the connections)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


RunWorker = Callable[[Worker, socket.socket], None]


def supervise(host: str, port: int, count: int, backlog: int, run: RunWorker) -> None:
    """Fork `count` workers serving host:port and keep them running until a signal.

    The first socket is bound here, so that a port that cannot be had fails the command
    itself (and port 0 becomes one port for every worker); the first worker serves on
    it, the others on sockets of their own bound to the same port."""
    first = listening_socket(host, port, backlog, shared=True)
    port = first.getsockname()[1]
    peers = Path(tempfile.mkdtemp(prefix="crosswalk-workers-"))  # mode 0700
    children: dict[int, tuple[int, float]] = {}  # pid -> (worker index, started)

    def spawn(index: int, sock: socket.socket | None) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if sock is None:
                    first.close()
                    sock = listening_socket(host, port, backlog, shared=True)
                run(Worker(index, peers), sock)
                code = 0
            except BaseException:
                log.exception("worker %d failed", index)
            finally:
                os._exit(code)
        children[pid] = (index, time.monotonic())

    spawn(0, first)
    for index in range(1, count):
        spawn(index, None)
    first.close()  # the first worker has it
    log.info("%d workers on http://%s:%s", count, host, port)

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            index, started = children.pop(pid, (-1, 0.0))
            if index < 0 or stopping:
                continue
            log.warning(
                "worker %d (pid %d) ended (%s): starting another",
                index,
                pid,
                _how(status),
            )
            if time.monotonic() - started < RESTART_DELAY:
                time.sleep(RESTART_DELAY)
            if not stopping:
                spawn(index, None)
    finally:
        shutil.rmtree(peers, ignore_errors=True)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
