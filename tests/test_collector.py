"""collector_paused: the cyclic collector is off inside, back on after the last overlapping
pause ends, and left off when it was off before; with freeze, what was built waits for
collect_everything."""

import gc
import threading

import pytest

from hypercode_lang.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_a_pause_turns_collection_off_and_back_on():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last():
    first_inside, second_done, first_may_end = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector_paused():
            first_inside.set()
            first_may_end.wait(10)
            seen["first, after the second ended"] = gc.isenabled()

    def second():
        first_inside.wait(10)
        with collector_paused():
            pass
        seen["second, after it ended"] = gc.isenabled()
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(10)
    first_may_end.set()
    for thread in threads:
        thread.join(10)
    assert seen == {"second, after it ended": False, "first, after the second ended": False}
    assert gc.isenabled()


def test_collection_off_before_stays_off_and_an_error_still_ends_the_pause():
    gc.disable()
    with pytest.raises(ZeroDivisionError):
        with collector_paused():
            1 / 0
    assert not gc.isenabled()
    gc.enable()
    with pytest.raises(ZeroDivisionError):
        with collector_paused():
            1 / 0
    assert gc.isenabled()


def _cycle():
    a = {}
    a["self"] = a
    return a


def test_a_freezing_pause_hides_what_it_built_until_everything_is_collected():
    from hypercode_lang.collector import collect_everything
    gc.collect()
    try:
        with collector_paused(freeze=True):
            garbage = _cycle()
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[0] < 50        # the next young collection won't walk the build
        del garbage
        gc.collect()
        assert gc.get_freeze_count() > 0     # an ordinary collection leaves frozen objects alone
        assert collect_everything() >= 1     # the cycle, found at last
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_plain_pause_freezes_nothing():
    gc.unfreeze()
    with collector_paused():
        _cycle()
    assert gc.get_freeze_count() == 0
