"""Runs every conformance program and Wine's own LPC test under ./wine-lpc."""
import glob
import os
import subprocess

import pytest

from conftest import BIN, check, check_clean_exit

# make check names the programs; by hand, every one built is run.
if os.environ.get("CONFORMANCE_TESTS"):
    OURS = [os.path.join(BIN, name + ".exe") for name in os.environ["CONFORMANCE_TESTS"].split()]
else:
    OURS = sorted(p for p in glob.glob(os.path.join(BIN, "*.exe"))
                  if not os.path.basename(p).startswith(("demo", "wine_")))


def test_programs_were_built():
    assert OURS, f"no conformance programs in {BIN}: run 'make check'"
    missing = [p for p in OURS if not os.path.exists(p)]
    assert not missing, f"not built: {missing}"


@pytest.mark.parametrize("exe", OURS, ids=lambda p: os.path.basename(p)[:-4])
def test_program(prefix, exe):
    check(prefix.run(exe), os.path.basename(exe))


def test_wine_port_was_built():
    assert os.path.exists(os.path.join(BIN, "wine_port.exe")), "wine_port.exe was not built"


def test_wine_port(prefix):
    """Wine's own dlls/ntdll/tests/port.c, built from the Wine source."""
    check(prefix.run(os.path.join(BIN, "wine_port.exe")), "wine port.c")


def test_demo_lpc(prefix):
    """make demo, part one: a legacy LPC server and client process."""
    exe = os.path.join(BIN, "demo_lpc.exe")
    assert os.path.exists(exe), "the LPC demo was not built"
    result = prefix.run(exe)
    if result.returncode != 0:
        pytest.fail(f"the LPC demo failed (exit code {result.returncode:#x})\n--- output ---\n{result.output}",
                    pytrace=False)


def test_demo(prefix):
    """make demo: an ALPC server, three mingw-w64 clients and a Winelib (winegcc) client."""
    exe = os.path.join(BIN, "demo.exe")
    winelib = os.path.abspath(os.path.join(BIN, "demo_client_winelib.exe.so"))
    assert os.path.exists(exe) and os.path.exists(winelib), "the demo programs were not built"
    result = prefix.run(exe, "--winelib", winelib)
    if result.returncode != 0 or "server: demo succeeded" not in result.output:
        pytest.fail(f"the demo failed (exit code {result.returncode:#x})\n--- output ---\n{result.output}",
                    pytrace=False)
    assert "client 4 (Winelib): exit code 0" in result.output


def test_launcher_ignores_visitors(prefix):
    """Wine's programs chdir into the server's directory while they connect: the
    launcher must not take such a process for another wineserver serving the prefix."""
    # the server's directory, named in the prefix's "wineserver" file (Debian's Wine)
    with open(os.path.join(prefix.path, "wineserver")) as f:
        tmp = f.read().strip()
    st = os.stat(prefix.path)
    server_dir = os.path.join(os.environ.get("TMPDIR", "/tmp"), tmp, f"server-{st.st_dev:x}-{st.st_ino:x}")
    visitor = subprocess.Popen(["sleep", "60"], cwd=server_dir)
    try:
        result = prefix.run(os.path.join(BIN, "exports.exe"))
    finally:
        visitor.kill()
        visitor.wait()
    assert "already served" not in result.output, result.output
    check(result, "exports.exe beside a visitor of the server's directory")


def test_wineserver_shuts_down_clean(prefix):
    """Last: once every program is gone, wineserver ends by itself, and leaks nothing."""
    assert prefix.server_proc, "the prefix's wineserver was not started by the harness"
    check_clean_exit(prefix.shut_down(), "the programs")

