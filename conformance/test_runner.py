"""make runner: the tree Lutris, Bottles and ProtonUp-Qt take as a Wine runner
runs an ALPC program with no WINEDLLPATH, from wherever it is copied to."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import BIN, SERVER, WinePrefix, check, check_clean_exit, create_prefix, remove_prefix

RUNNER = os.environ.get("WINE_LPC_RUNNER", "")


def test_runner_was_built():
    assert RUNNER and os.path.isdir(RUNNER), f"no runner tree at {RUNNER!r}: run 'make check' (or 'make runner')"
    for part in ("bin/wine", "bin/wine64", "bin/wineserver", "bin/wineboot", "bin/winecfg", "bin/msiexec",
                 "lib/wine/x86_64-unix/ntdll.so", "lib/wine/x86_64-windows/ntdll.dll",
                 "lib/wine/x86_64-windows/rpcrt4.dll", "lib/wine/x86_64-windows/kernel32.dll",
                 "share/wine/wine.inf", "VERSION.txt"):
        assert os.path.exists(os.path.join(RUNNER, part)), f"the runner has no {part}"
    # the loader finds lib/wine, wineserver and share/wine from the real paths of
    # ntdll.so and itself: those must be the runner's own files, not links
    for own in ("bin/wine64", "bin/wineserver", "lib/wine/x86_64-unix/ntdll.so"):
        assert not os.path.islink(os.path.join(RUNNER, own)), f"{own} is a link"


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


def test_runner_as_lutris_and_bottles_use_it(moved_runner):
    """Lutris creates a prefix with bin/wineboot; Bottles runs bin/wine64 itself for a
    64-bit bottle (so without the launcher)."""
    runner = lambda *p: os.path.join(moved_runner, "bin", *p)
    saved = os.environ.pop("WINEDLLPATH", None)
    try:
        path = tempfile.mkdtemp(prefix="wine-lpc-runner-lutris-")
        wp = WinePrefix(path, runner("wineserver"), launcher=runner("wine64"))
    finally:
        if saved is not None:
            os.environ["WINEDLLPATH"] = saved
    try:
        wp.start_server(persist=0)
        boot = subprocess.run([runner("wineboot")], env=wp.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300)
        out = boot.stdout.decode("utf-8", "replace")
        assert boot.returncode == 0 and os.path.isdir(os.path.join(path, "drive_c")), out
        check(wp.run(os.path.join(BIN, "exports.exe")), "exports.exe through the runner's bin/wine64")
        check_clean_exit(wp.shut_down(), "the runner's wineserver")
    finally:
        remove_prefix(wp)


def test_runner_launcher_refuses_another_server(moved_runner):
    """From the runner, bin/wine still tells a wineserver that is not the runner's
    (here the stage's) serving the prefix from its own, and stops."""
    path = tempfile.mkdtemp(prefix="wine-lpc-runner-clash-")
    wp = WinePrefix(path, SERVER)
    try:
        wp.start_server(persist=60)
        p = subprocess.run([os.path.join(moved_runner, "bin", "wine"), os.path.join(BIN, "exports.exe")],
                           env=wp.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        assert p.returncode == 1 and "already served by another wineserver" in out, out
    finally:
        remove_prefix(wp)
