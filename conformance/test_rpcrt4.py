"""Wine's own rpcrt4 tests under ./wine-lpc: the gate that keeps local RPC
working while ncalrpc moves onto ALPC ports (docs/ncalrpc-over-alpc.md).

conformance/bin/wine_rpcrt4.exe is Wine 8.0's dlls/rpcrt4/tests (cstub,
ndr_marshall, rpc, rpc_async, server), built by make against the staged rpcrt4.

They get a prefix of their own, apart from the conformance programs', and each
test a wineserver of its own: started for it, and ended by itself once the test,
its child processes, rpcss and the services are gone, with the leak check of
test_wineserver_shuts_down_clean. A test that breaks rpcss or leaks objects is
named, and cannot break the next one.

The summary lines are parsed as for our programs: any failure, skip, crash,
nonzero exit code, timeout or zero tests executed fails. Two differences:

- WINETEST_PLATFORM=wine, as Wine's own `make test` runs them. Under "windows",
  each todo_wine check below would count as a failure, and broken() would
  excuse results that Wine must not give.
- So a todo cannot fail the run by itself: each test must report exactly the
  todo count listed below, the todo_wine checks that Wine 8.0 fails on Linux
  with the pipe transport too (docs/ncalrpc-over-alpc.md, 5.2). A todo_wine
  check that starts to pass is a failure already (wine/test.h counts it as
  one); a count that changes means other checks ran, and fails here.

No test or check is excluded: none skips here. rpc and server need NTLM
through Samba's ntlm_auth (Debian's winbind, installed by autogen.sh).
"""
import os
import shutil

import pytest

from conftest import BIN, check, check_clean_exit, create_prefix, remove_prefix

EXE = os.path.join(BIN, "wine_rpcrt4.exe")
TESTS = os.environ.get("RPCRT4_TESTS", "cstub ndr_marshall rpc rpc_async server").split()

# The todo_wine checks each test fails, by source line in Debian's source of that
# Wine (WINETEST_PLATFORM=wine prints them as "Test marked todo"), summed over the
# test's processes; make check says which Wine it built on (WINE_BASE).
EXPECTED_TODO_BY_BASE = {
    "8.0": {  # wine_8.0~repack-4
        "cstub": 2,          # cstub.c:605, 1011
        "ndr_marshall": 12,  # ndr_marshall.c:1848, 2213, 2215, 2240, 2242, 2286, 2288, 2313, 2315,
                             # 2395, 2650, 2943
        "rpc": 12,           # rpc.c:299, 609, 626, 652, 654, 659, 700 (3 times), 701 (3 times)
        "rpc_async": 2,      # rpc_async.c:70, 75
        "server": 17,        # server.c:1015, 1016, 1017 (5 times each: once per client process),
                             # 1093, 2088
        "ole_server": 2,     # ole_server.c:476, 480 (fail on stock Wine 8.0 too)
    },
    "10.0": {  # wine_10.0~repack-6: the same checks, moved
        "cstub": 2,          # cstub.c:604, 1010
        "ndr_marshall": 12,  # ndr_marshall.c:1847, 2212, 2214, 2239, 2241, 2285, 2287, 2312, 2314,
                             # 2393, 2650, 2945
        "rpc": 12,           # rpc.c:285, 595, 612, 638, 640, 645, 686 (3 times), 687 (3 times)
        "rpc_async": 2,      # rpc_async.c:70, 75
        "server": 17,        # server.c:1100, 1101, 1102 (5 times each: once per client process),
                             # 1178, 2225
        "ole_server": 2,     # ole_server.c:476, 480
    },
}
WINE_BASE = os.environ.get("WINE_BASE", "8.0")
EXPECTED_TODO = EXPECTED_TODO_BY_BASE.get(WINE_BASE, {})


@pytest.fixture(scope="module")
def rpcrt4_prefix():
    wp = create_prefix("rpcrt4", persist=0)
    assert wp.server_proc, "the rpcrt4 prefix's wineserver was not started by the harness"
    # wineboot's server ends too: each test starts on a server of its own
    check_clean_exit(wp.shut_down(), "wineboot")
    wp.env["WINETEST_PLATFORM"] = "wine"
    yield wp
    remove_prefix(wp)


OLE32_EXE = os.path.join(BIN, "wine_ole32.exe")


def run_in_own_server(wp, exe, name, label, todos):
    """Runs one Wine test under a wineserver of its own, which must then exit clean."""
    wp.start_server(persist=0)
    try:
        result = wp.run(exe, name)
    finally:
        said = wp.shut_down()
        if said is None:
            wp.kill()
            wp.server_proc.wait(timeout=60)
    check(result, label, todos)
    check_clean_exit(said, label)


def test_wine_ole32_was_built():
    assert os.path.exists(OLE32_EXE), f"{OLE32_EXE} was not built: run 'make check'"


def test_ole_server(rpcrt4_prefix):
    """Wine's ole32 ole_server test: CoCreateInstance of a local server in another
    process, which rpcss and COM reach over ncalrpc.  Its two todo_wine checks
    (ole_server.c:476, 480, on Wine 8.0) fail on stock Wine too."""
    run_in_own_server(rpcrt4_prefix, OLE32_EXE, "ole_server", "ole32 ole_server", EXPECTED_TODO.get("ole_server", 0))


def test_wine_rpcrt4_was_built():
    assert os.path.exists(EXE), f"{EXE} was not built: run 'make check' (or 'make rpcrt4-tests')"


def test_ntlm_auth_is_installed():
    """Without it, NTLM (RPC_C_AUTHN_WINNT) is unknown: 9 failures in rpc and server."""
    assert shutil.which("ntlm_auth"), "ntlm_auth is missing: install Debian's winbind (autogen.sh does)"


@pytest.mark.parametrize("name", TESTS)
def test_rpcrt4(rpcrt4_prefix, name):
    run_in_own_server(rpcrt4_prefix, EXE, name, f"rpcrt4 {name}", EXPECTED_TODO.get(name, 0))
