"""pytest harness for wine-lpc's conformance programs.

Each program is a Windows executable written in Wine's test style (wine/test.h).
It runs under ./wine-lpc in a prefix made fresh for the session, with
WINETEST_PLATFORM=windows so that todo_wine marks excuse nothing.
"""
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

import pytest

BIN = os.environ.get("CONFORMANCE_BIN", os.path.join(os.path.dirname(__file__), "..", "conformance", "bin"))
WINE_LPC = os.environ.get("WINE_LPC", os.path.join(os.path.dirname(__file__), "..", "wine-lpc"))
SERVER = os.environ.get("WINE_LPC_SERVER", os.path.join(os.path.dirname(WINE_LPC), "stage", "bin", "wineserver"))
TIMEOUT = int(os.environ.get("CONFORMANCE_TIMEOUT", "180"))

SUMMARY = re.compile(
    r"^(?P<pid>[0-9a-f]+):(?P<test>\w+):\S*\s*(?P<executed>\d+) tests executed "
    r"\((?P<todo>\d+) marked as todo, (?P<flaky>\d+) as flaky, (?P<failures>\d+) failures?\), "
    r"(?P<skipped>\d+) skipped\.", re.M)


@dataclass
class Result:
    returncode: int
    output: str
    executed: int = 0
    failures: int = 0
    skipped: int = 0
    todo: int = 0
    summaries: list = field(default_factory=list)

    def problems(self):
        """Everything that makes a run count as failed, in words."""
        found = []
        if not self.summaries:
            found.append("no summary line (crash or hang?)")
        if self.executed == 0:
            found.append("zero tests executed")
        if self.failures:
            found.append(f"{self.failures} failures")
        if self.skipped:
            found.append(f"{self.skipped} skipped")
        if self.todo:
            found.append(f"{self.todo} marked as todo")
        if self.returncode != 0:
            found.append(f"exit code {self.returncode:#x}")
        return found


def parse(returncode, output):
    result = Result(returncode, output)
    for m in SUMMARY.finditer(output):
        result.summaries.append(m.group(0))
        result.executed += int(m["executed"])
        result.failures += int(m["failures"])
        result.skipped += int(m["skipped"])
        result.todo += int(m["todo"])
    return result


# wineserver's dump of the objects left when it shuts down (DEBUG_OBJECTS, on in Wine's tree)
LEAKED = re.compile(r"^0x[0-9a-f]+:\d+: .*$", re.M)


class WinePrefix:
    def __init__(self, path, server):
        self.path = path
        self.env = dict(os.environ, WINEPREFIX=path, WINETEST_PLATFORM="windows")
        self.env.setdefault("WINEDEBUG", "fixme-all")
        self.server = server
        self.server_log = None
        self.server_proc = None

    def start_server(self):
        """Our own wineserver for the prefix, so that what it says at exit can be read."""
        if not (self.server and os.path.exists(self.server)):
            return
        self.server_log = self.path + ".wineserver.log"
        with open(self.server_log, "wb") as log:
            self.server_proc = subprocess.Popen([self.server, "-f", "-p2"], env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT)

    def shut_down(self):
        """Waits for the wineserver to end as it does once every process is gone;
        returns what it said, or None if it did not end by itself."""
        if not self.server_proc:
            return None
        try:
            self.server_proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            return None
        with open(self.server_log, "rb") as log:
            return log.read().decode("utf-8", "replace")

    def run(self, exe, *args, timeout=TIMEOUT):
        try:
            p = subprocess.run([WINE_LPC, exe, *args], env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace")
            self.kill()
            pytest.fail(f"{os.path.basename(exe)} timed out after {timeout}s\n{out}", pytrace=False)
        return parse(p.returncode, p.stdout.decode("utf-8", "replace"))

    def kill(self):
        if self.server and os.path.exists(self.server):
            subprocess.run([self.server, "-k"], env=self.env, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def prefix():
    path = tempfile.mkdtemp(prefix="wine-lpc-prefix-")
    wp = WinePrefix(path, SERVER)
    # the prefix is empty, as for a first run; the server needs the directory
    wp.start_server()
    boot = subprocess.run([WINE_LPC, "wineboot.exe", "--init"], env=wp.env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    assert boot.returncode == 0 and os.path.isdir(os.path.join(path, "drive_c")), \
        "creating the prefix failed:\n" + boot.stdout.decode("utf-8", "replace")
    yield wp
    wp.kill()
    if wp.server_proc:
        wp.server_proc.wait(timeout=60)
        os.unlink(wp.server_log)
    shutil.rmtree(path, ignore_errors=True)


def check(result, name):
    problems = result.problems()
    if problems:
        pytest.fail(f"{name}: {', '.join(problems)}\n--- output ---\n{result.output}", pytrace=False)
