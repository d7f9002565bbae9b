"""The harness's own checks, with made-up outputs: needs no Wine."""
import signal

import pytest

from conftest import ServerEnd, check_clean_exit, server_end_problems

# what Wine 8.0's wineserver prints at a normal end: nothing
CLEAN = ""
LEAK = ("0x7f1c2a4b8c20:1: ALPC Port\n"
        "0x7f1c2a4b9d10:2: Event \\BaseNamedObjects\\x\n")


def test_clean_end():
    assert server_end_problems(ServerEnd(CLEAN, 0)) == []
    assert server_end_problems(ServerEnd("some harmless line\n", 0)) == []
    check_clean_exit(ServerEnd(CLEAN, 0), "nothing")


def test_did_not_end():
    assert server_end_problems(None) == ["did not end by itself"]
    with pytest.raises(pytest.fail.Exception, match="did not end by itself"):
        check_clean_exit(None, "a hang")


@pytest.mark.parametrize("code", [1, 2, 255])
def test_nonzero_exit(code):
    assert server_end_problems(ServerEnd(CLEAN, code)) == [f"exit status {code}"]


@pytest.mark.parametrize("sig", [signal.SIGABRT, signal.SIGSEGV, signal.SIGKILL, signal.SIGTERM])
def test_killed_by_signal(sig):
    # Popen's returncode for a process ended by a signal
    assert server_end_problems(ServerEnd(CLEAN, -sig)) == [f"killed by {sig.name}"]


@pytest.mark.parametrize("said", [
    "wineserver crashed, please enable coredumps (ulimit -c unlimited) and restart.\n",
    "wineserver: ../server/port.c:1234: send_message: Assertion `msg->id' failed.\n",
    "port.c:99: assertion failed: queue.count\n",
    "Segmentation fault (core dumped)\n",
    "=================================================================\n"
    "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n",
    "../server/port_msg.c:80:12: runtime error: signed integer overflow\n",
    "==4242==ERROR: LeakSanitizer: detected memory leaks\n",
    "==4242== Invalid read of size 4\n",
    "==4242== ERROR SUMMARY: 3 errors from 2 contexts (suppressed: 0 from 0)\n",
])
def test_crash_reports(said):
    problems = server_end_problems(ServerEnd(said, 0))
    assert len(problems) == 1 and problems[0].startswith("printed "), problems
    with pytest.raises(pytest.fail.Exception, match="printed"):
        check_clean_exit(ServerEnd(said, 0), "a crash")


def test_valgrind_clean_summary_passes():
    assert server_end_problems(ServerEnd("==4242== ERROR SUMMARY: 0 errors from 0 contexts\n", 0)) == []


def test_leak_still_fails():
    problems = server_end_problems(ServerEnd(LEAK, 0))
    assert len(problems) == 1 and problems[0].startswith("leaked 2 objects"), problems
    with pytest.raises(pytest.fail.Exception, match="leaked 2 objects"):
        check_clean_exit(ServerEnd(LEAK, 0), "a leak")


def test_everything_at_once():
    problems = server_end_problems(ServerEnd("wineserver crashed, please ...\n" + LEAK, -signal.SIGABRT))
    assert problems[0] == "killed by SIGABRT"
    assert problems[1].startswith("printed wineserver crashed")
    assert problems[2].startswith("leaked 2 objects")
