"""The second core: a step in a forked process gives back its result, its exception, or says it died."""

from __future__ import annotations

import os
import signal

import pytest

from pubkit.base import parallel
from pubkit.base.findings import PubkitError

SHARED = {"rows": list(range(1000))}  # what the child reads without any copy or pickling


def _sum_of(name: str) -> int:
    return sum(SHARED[name])


def _fails() -> None:
    raise ValueError("a cell the writer refuses")


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_step_in_a_second_process_reads_the_parents_memory_and_gives_back_its_result():
    assert parallel.start(_sum_of, "rows").result() == 499500


def test_its_exception_is_raised_in_the_parent():
    with pytest.raises(ValueError, match=r"^a cell the writer refuses$"):
        parallel.start(_fails).result()


def test_a_child_that_dies_is_said_with_its_exit_code():
    with pytest.raises(PubkitError, match=r"^a worker process ended without its result \(exit code -9\)$"):
        parallel.start(_dies).result()


def test_a_cancelled_child_is_ended():
    pending = parallel.start(signal.pause)
    pending.cancel()
    assert pending.process.exitcode == -signal.SIGKILL
