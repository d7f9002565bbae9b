"""make runner: the tree Lutris, Bottles and ProtonUp-Qt take as a Wine runner
runs an ALPC program with no WINEDLLPATH, from wherever it is copied to."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import BIN, check, check_clean_exit, create_prefix, remove_prefix

RUNNER = os.environ.get("WINE_LPC_RUNNER", "")


def test_runner_was_built():
    assert RUNNER and os.path.isdir(RUNNER), f"no runner tree at {RUNNER!r}: run 'make check' (or 'make runner')"
    for part in ("bin/wine", "bin/wine64", "bin/wineserver", "lib/wine/x86_64-unix/ntdll.so",
                 "lib/wine/x86_64-windows/ntdll.dll", "lib/wine/x86_64-windows/rpcrt4.dll",
                 "lib/wine/x86_64-windows/kernel32.dll", "share/wine/wine.inf"):
        assert os.path.exists(os.path.join(RUNNER, part)), f"the runner has no {part}"


@pytest.fixture(scope="module")
def moved_runner():
    """A copy of the runner elsewhere, as a user puts it under ~/.local/share/lutris/runners/wine/."""
    where = tempfile.mkdtemp(prefix="wine-lpc-runner-")
    copy = os.path.join(where, os.path.basename(RUNNER))
    shutil.copytree(RUNNER, copy, symlinks=True)
    yield copy
    shutil.rmtree(where)


def test_runner_runs_alpc(moved_runner):
    saved = os.environ.pop("WINEDLLPATH", None)
    try:
        wp = create_prefix("runner", persist=0, server=os.path.join(moved_runner, "bin", "wineserver"),
                           launcher=os.path.join(moved_runner, "bin", "wine"))
    finally:
        if saved is not None:
            os.environ["WINEDLLPATH"] = saved
    try:
        assert "WINEDLLPATH" not in wp.env
        check(wp.run(os.path.join(BIN, "alpc_openvmm.exe")), "alpc_openvmm.exe through the runner")
        version = subprocess.run([os.path.join(moved_runner, "bin", "wine"), "--version"], env=wp.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        assert version.returncode == 0 and version.stdout.startswith(b"wine-"), version.stdout
        check_clean_exit(wp.shut_down(), "the runner's wineserver")
    finally:
        remove_prefix(wp)
