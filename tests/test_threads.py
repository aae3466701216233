"""The core's CPU threads: the caller's allowance, parts run side by side, errors kept."""

from __future__ import annotations

import os
import threading
import time

import pytest
import torch

from vizlab.core import threads


def test_allowance_is_the_setting_outside_the_core():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert threads.allowed() == 1
        torch.set_num_threads(2)
        with threads.using_threads(1):
            assert torch.get_num_threads() == 1
            with threads.one_thread():
                assert threads.allowed() == min(2, os.cpu_count())
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_parts_run_in_order_on_several_threads():
    seen, gate = set(), threading.Barrier(2, timeout=30)

    def part(i):
        seen.add(threading.get_ident())
        if i < 2:
            gate.wait()  # the first two parts must be running at once
        return i * i

    assert threads.run_parts(part, range(7), 2) == [i * i for i in range(7)]
    assert len(seen) == 2
    assert threads.run_parts(part, [5], 4) == [25]  # one part: this thread


def test_a_failing_part_raises_after_every_part_has_stopped():
    started, finished = set(), set()

    def part(i):
        started.add(i)
        time.sleep(0.01)
        if i == 3:
            raise ValueError("part 3")
        finished.add(i)

    with pytest.raises(ValueError, match="part 3"):
        threads.run_parts(part, range(40), 2)
    # every part that started had stopped, and no new part was taken after the failure
    assert 3 in started and started - {3} == finished
    assert len(started) < 40


def test_kernel_threads_try_both_then_keep_the_faster_and_retry_the_other():
    kt = threads.KernelThreads(2, retry=4)
    costs = {1: 3.0, 2: 1.0}  # two threads are faster
    picked, steps = [], []
    for _ in range(12):
        n = kt.pick()
        picked.append(n)
        steps.append(kt.steps(n, 16))
        kt.report(n, costs[n] * steps[-1], steps[-1])
    # a warm-up chunk (not counted), each count once, then the faster; the other
    # at the 4th chunk, and again twice as long after each try that confirms the choice
    assert picked == [2, 2, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1]
    # the count known to be faster runs whole chunks, a try of the other a quarter
    assert steps == [16, 16, 4, 4, 16, 16, 16, 16, 16, 16, 16, 4]
    assert (kt.every, kt.next_try) == (16, 28)
    # the machine gets busy: the retried count wins and is kept
    costs = {1: 3.0, 2: 9.0}
    for _ in range(8):
        n = kt.pick()
        kt.report(n, costs[n] * 16, 16)
    assert kt.cost[2] > kt.cost[1]
    assert [kt.pick() for _ in range(3)].count(1) >= 2


def test_kernel_threads_with_one_option_times_nothing():
    kt = threads.KernelThreads(1)
    assert not kt.timed
    assert {kt.pick() for _ in range(5)} == {1}
    kt.report(1, 1.0, 16)
    assert kt.cost == {}


def test_parts_that_run_parts_themselves_do_not_wait_forever():
    # A part that cuts its own work into parts (on a pool worker) runs them
    # itself rather than queueing them behind itself.
    def outer(i):
        return sum(threads.run_parts(lambda j: i * j, range(4), 2))

    got = []
    caller = threading.Thread(target=lambda: got.append(threads.run_parts(outer, range(5), 2)))
    caller.start()
    caller.join(60)
    assert not caller.is_alive(), "nested parts waited on themselves"
    assert got == [[6 * i for i in range(5)]]


def test_each_thread_keeps_its_own_allowance_and_setting():
    # Another Python thread inside the core (a widget's training thread) does
    # not change what this thread allows or gets back.
    before = torch.get_num_threads()
    inside, leave, seen = threading.Event(), threading.Event(), {}

    def other():
        torch.set_num_threads(1)
        with threads.one_thread():
            inside.set()
            leave.wait(30)
        seen["after"] = torch.get_num_threads()

    try:
        torch.set_num_threads(2)
        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(30)
        with threads.using_threads(1):
            assert threads.allowed() == min(2, os.cpu_count())
            leave.set()
            t.join(30)
        assert torch.get_num_threads() == 2 and seen["after"] == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_bad_thread_counts_are_refused(n):
    with pytest.raises(ValueError, match="positive integer"):
        with threads.using_threads(n):
            pass


@pytest.mark.parametrize(
    "n_rows, fitting, n_threads",
    [(47, 16, 2), (47, 100, 2), (61, 16, 2), (5, 1, 2), (47, 16, 1), (1, 5, 2), (501, 40, 2)],
)
def test_rows_are_cut_in_parts_that_fit_and_keep_every_thread_busy(n_rows, fitting, n_threads):
    per = threads.rows_per_part(n_rows, fitting, n_threads)
    sizes = [min(per, n_rows - a) for a in range(0, n_rows, per)]
    assert sum(sizes) == n_rows and 1 <= per <= max(1, fitting)
    assert max(sizes) - min(sizes) <= max(1, per // 2)  # nearly equal parts
    if n_rows >= n_threads * -(-n_rows // max(1, fitting)):  # rows enough for whole rounds
        assert len(sizes) % n_threads == 0  # no part runs alone while a thread waits
