"""One step on the second core: runs a function in a forked process; reads and writes what the function does.

A forked child shares the parent's memory as it is at the fork (the typed frames of a build need no
copy, no pickling and no second reading of any source); only the result comes back, through a pipe.
The child dies with its parent (``PR_SET_PDEATHSIG``), so that a killed build leaves no writer behind;
a parent that fails or stops first ends the child (``Pending.cancel``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Callable
from typing import Any

from pubkit.base.findings import PubkitError

PR_SET_PDEATHSIG = 1


class Pending:
    """A function running in a child process: ``result`` waits for it, ``cancel`` ends it."""

    def __init__(self, process, receive):
        self.process, self.receive = process, receive

    def result(self) -> Any:
        """The function's return value; its exception, raised here, where it raised one."""
        try:
            kind, value = self.receive.recv()
        except EOFError:
            self.process.join()
            raise PubkitError(
                f"a worker process ended without its result (exit code {self.process.exitcode})"
            ) from None
        finally:
            self.receive.close()
        self.process.join()
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receive.close()


@contextlib.contextmanager
def alongside(pending: Pending | None):
    """A block that runs while ``pending`` does: ``pending``'s result is awaited (its error raised) at the
    block's end, and it is ended where the block fails. None: a block with nothing alongside."""
    try:
        yield
        if pending is not None:
            pending.result()
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise


def start(function: Callable[..., Any], *args: Any) -> Pending:
    """``function(*args)``, started in a forked process."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(send, os.getpid(), function, args), daemon=True)
    process.start()
    send.close()
    return Pending(process, receive)


def _run(send, parent: int, function: Callable[..., Any], args: tuple) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the child asked to die with it
        os._exit(1)
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except BaseException as error:  # every failure goes back to the parent, which raises it
        outcome = ("error", error)
    try:
        send.send(outcome)
    except Exception as error:  # a result or an exception that cannot be pickled
        send.send(("error", PubkitError(f"a worker process's result could not be sent back: {error}")))
    send.close()


def _die_with_parent() -> None:
    """Linux: the child is killed when its parent dies (elsewhere nothing is done)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
