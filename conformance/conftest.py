"""pytest harness for wine-lpc's conformance programs and Wine's rpcrt4 tests.

Each program is a Windows executable written in Wine's test style (wine/test.h).
It runs under ./wine-lpc in a prefix made fresh for the session, with
WINETEST_PLATFORM=windows so that todo_wine marks excuse nothing.
Wine's rpcrt4 tests have a prefix of their own (test_rpcrt4.py).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
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

    def problems(self, expected_todo=0):
        """Everything that makes a run count as failed, in words.  Our programs
        expect no todo; Wine's own tests pass the number they are known to have."""
        found = []
        if not self.summaries:
            found.append("no summary line (crash or hang?)")
        if self.executed == 0:
            found.append("zero tests executed")
        if self.failures:
            found.append(f"{self.failures} failures")
        if self.skipped:
            found.append(f"{self.skipped} skipped")
        if self.todo != expected_todo:
            found.append(f"{self.todo} marked as todo" + (f", expected {expected_todo}" if expected_todo else ""))
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

# What a wineserver that crashed or caught a bug prints: its SIGSEGV handler, glibc's
# assert(), the shell's words for a signal, AddressSanitizer / UBSan / LeakSanitizer
# reports and valgrind memcheck errors.
CRASHED = re.compile(r"wineserver crashed|Assertion .* failed|assertion failed|Segmentation fault|Aborted"
                     r"|core dumped|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer"
                     r"|\bERROR: \w*Sanitizer|runtime error:|^==\d+== (Invalid |Conditional jump"
                     r"|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap)"
                     r"|ERROR SUMMARY: [1-9]", re.M)


@dataclass
class ServerEnd:
    """How the harness's wineserver ended: what it printed and its exit status
    (Popen's: negative for the signal that killed it); None if it did not end."""
    output: str
    returncode: int


def server_end_problems(end):
    """Everything wrong with how a wineserver ended, in words: it did not end by
    itself, it exited non-zero or by a signal, it printed a crash, an assertion or a
    sanitizer's report, or it left objects behind."""
    if end is None:
        return ["did not end by itself"]
    found = []
    if end.returncode < 0:
        try:
            name = signal.Signals(-end.returncode).name
        except ValueError:
            name = f"signal {-end.returncode}"
        found.append(f"killed by {name}")
    elif end.returncode:
        found.append(f"exit status {end.returncode}")
    crash = [m.group(0) for m in CRASHED.finditer(end.output)]
    if crash:
        found.append("printed " + ", ".join(sorted(set(crash))))
    leaked = LEAKED.findall(end.output)
    if leaked:
        found.append(f"leaked {len(leaked)} objects:\n" + "\n".join(leaked))
    return found


class WinePrefix:
    def __init__(self, path, server, env=None, launcher=WINE_LPC):
        self.path = path
        self.launcher = launcher
        self.env = dict(os.environ, WINEPREFIX=path, WINETEST_PLATFORM="windows", **(env or {}))
        self.env.setdefault("WINEDEBUG", "fixme-all")
        self.server = server
        self.server_log = None
        self.server_proc = None
        self.persist = 2
        self.earlier_ends = []  # servers of this prefix that ended between programs

    def start_server(self, persist=2):
        """Our own wineserver for the prefix, so that what it says at exit can be read.
        It ends `persist` seconds after the last program (and then the services) ended."""
        if not (self.server and os.path.exists(self.server)):
            return
        self.persist = persist
        self.server_log = self.path + ".wineserver.log"
        with open(self.server_log, "wb") as log:
            self.server_proc = subprocess.Popen([self.server, "-f", f"-p{persist}"], env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT)
        self._wait_listening()

    def _wait_listening(self):
        """Waits until the server listens, so that the first program does not start one of its own."""
        st = os.stat(self.path)
        tag = f"server-{st.st_dev:x}-{st.st_ino:x}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server_proc.poll() is not None:
                with open(self.server_log, "rb") as log:
                    said = log.read().decode("utf-8", "replace")
                pytest.fail(f"wineserver exited at start ({self.server_proc.returncode}):\n{said}", pytrace=False)
            try:
                cwd = os.readlink(f"/proc/{self.server_proc.pid}/cwd")
                if os.path.basename(cwd) == tag and os.path.exists(os.path.join(cwd, "socket")):
                    return
            except OSError:
                pass
            time.sleep(0.02)
        pytest.fail("wineserver did not start listening within 30s", pytrace=False)

    def _server_end(self):
        with open(self.server_log, "rb") as log:
            return ServerEnd(log.read().decode("utf-8", "replace"), self.server_proc.returncode)

    def keep_serving(self):
        """The server ends `persist` seconds after the last program: if it did between
        two programs, its end is kept for shut_down to report, and a new one of ours
        serves the next program (else the launcher would start one nobody watches)."""
        if self.server_proc and self.server_proc.poll() is not None:
            self.earlier_ends.append(self._server_end())
            self.start_server(self.persist)

    def shut_down(self):
        """Waits for the wineserver to end as it does once every process is gone;
        returns a ServerEnd (what it said and its exit status, with those of the
        servers that ended earlier), or None if it did not end by itself."""
        if not self.server_proc:
            return None
        try:
            self.server_proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            return None
        ends, self.earlier_ends = self.earlier_ends + [self._server_end()], []
        return ServerEnd("".join(end.output for end in ends),
                         next((end.returncode for end in ends if end.returncode), 0))

    def run(self, exe, *args, timeout=TIMEOUT):
        self.keep_serving()
        try:
            p = subprocess.run([self.launcher, exe, *args], env=self.env, stdout=subprocess.PIPE,
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


def create_prefix(name, persist=2, env=None, server=SERVER, launcher=WINE_LPC):
    """A new prefix, booted, with the harness's wineserver still running.

    The first program in an empty prefix makes ntdll run `wineboot --init` itself
    (run_wineboot) and wait for it. So the harness runs plain `wineboot`, which
    starts no services: an explicit `wineboot --init` would be a second one, and
    start a second services.exe on the same wineserver. With two service
    managers, StartService("RpcSs") times out (1053) for every later program on
    that server, and rpcss-based calls fail (docs/ncalrpc-over-alpc.md, 5.2)."""
    path = tempfile.mkdtemp(prefix=f"wine-lpc-{name}-")
    wp = WinePrefix(path, server, env, launcher)
    # the prefix is empty, as for a first run; the server needs the directory
    wp.start_server(persist)
    boot = subprocess.run([launcher, "wineboot.exe"], env=wp.env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    assert boot.returncode == 0 and os.path.isdir(os.path.join(path, "drive_c")), \
        "creating the prefix failed:\n" + boot.stdout.decode("utf-8", "replace")
    return wp


def remove_prefix(wp):
    wp.kill()
    if wp.server_proc:
        wp.server_proc.wait(timeout=60)
        os.unlink(wp.server_log)
    # the server's directory, named in the prefix's "wineserver" file (Debian's Wine)
    try:
        with open(os.path.join(wp.path, "wineserver")) as f:
            tmp = f.read().strip()
        if re.fullmatch(r"wine-\w{6}", tmp):
            shutil.rmtree(os.path.join(os.environ.get("TMPDIR", "/tmp"), tmp), ignore_errors=True)
    except OSError:
        pass
    shutil.rmtree(wp.path, ignore_errors=True)


# Port waits spin, then sleep on a futex that wineserver wakes (server/port_wake.c);
# WINE_LPC_FASTPATH=0 makes them sleep in select as before. The suite runs both ways.
MODES = {"fast": {}, "nofast": {"WINE_LPC_FASTPATH": "0"}}
SERVERS = {}

# make check also runs the suite on a wineserver built with AddressSanitizer (and
# UBSan for the port files), from tools/build-asan-server, with its own launcher;
# the end of each of its servers is checked for their reports as for a crash.
# Leaks are wineserver's own dump's to find: at exit it frees not everything.
ASAN_LAUNCHER = os.environ.get("WINE_LPC_ASAN")
ASAN_SERVER = os.environ.get("WINE_LPC_ASAN_SERVER")
if ASAN_LAUNCHER and ASAN_SERVER:
    MODES["asan"] = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"}
    SERVERS["asan"] = (ASAN_SERVER, ASAN_LAUNCHER)


@pytest.fixture(scope="session", params=list(MODES))
def prefix(request):
    server, launcher = SERVERS.get(request.param, (SERVER, WINE_LPC))
    wp = create_prefix(f"prefix-{request.param}", env=MODES[request.param], server=server, launcher=launcher)
    yield wp
    remove_prefix(wp)


def check(result, name, expected_todo=0):
    problems = result.problems(expected_todo)
    if "no futex word for port waits" in result.output:
        problems.append("port waits fell back to select")
    if problems:
        pytest.fail(f"{name}: {', '.join(problems)}\n--- output ---\n{result.output}", pytrace=False)


def check_clean_exit(end, what):
    """How the wineserver ended (shut_down's ServerEnd): by itself, with status 0,
    with no crash, assertion or sanitizer report, and no leaked objects."""
    problems = server_end_problems(end)
    if problems:
        said = f"\n--- wineserver said ---\n{end.output}" if end is not None else ""
        pytest.fail(f"wineserver after {what}: " + "; ".join(problems) + said, pytrace=False)
