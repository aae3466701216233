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


@pytest.mark.parametrize("n, parts", [(10, 3), (2, 5), (64, 2), (0, 2)])
def test_split_covers_the_range_in_near_equal_pieces(n, parts):
    pieces = threads.split(n, parts)
    assert [i for a, b in pieces for i in range(a, b)] == list(range(n))
    sizes = [b - a for a, b in pieces]
    assert max(sizes, default=0) - min(sizes, default=0) <= 1


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
