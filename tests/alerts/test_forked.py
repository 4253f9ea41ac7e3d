"""alerts.forked: the nightly run's batches in forked processes."""

import os
import signal

from alerts import forked


def _square(number):
    return number * number, os.getpid()


def _refuse(number):
    raise ValueError(f"refused {number}")


def _die(number):
    os.kill(os.getpid(), signal.SIGKILL)


def test_each_item_is_answered_once_from_a_process_of_its_own():
    answers = dict(forked.run_forked(_square, [1, 2, 3, 4, 5], workers=2))
    assert {item: square for item, (square, _pid) in answers.items()} == {
        1: 1,
        2: 4,
        3: 9,
        4: 16,
        5: 25,
    }
    pids = {pid for _square_, pid in answers.values()}
    assert len(pids) == 5 and os.getpid() not in pids


def test_an_error_in_the_child_comes_back_as_its_text():
    [(item, answer)] = forked.run_forked(_refuse, [7], workers=2)
    assert item == 7
    assert isinstance(answer, forked.ChildFailed)
    assert str(answer) == "ValueError: refused 7"


def test_a_child_killed_before_answering_is_a_failure_not_a_hang():
    [(item, answer)] = forked.run_forked(_die, [3], workers=1)
    assert item == 3
    assert isinstance(answer, forked.ChildFailed)
    assert "without an answer" in str(answer)
