#!/usr/bin/env python3
"""make fuzz: fuzz_ports.exe processes call every LPC and ALPC system call
with random and boundary arguments against live ports, while this driver
kills (SIGKILL) and stops (SIGSTOP, then SIGCONT) them at random moments and
starts replacements until the call budget is spent.

Each round runs on a fresh wineserver of the harness's own (conftest.py) in a
prefix made for the run. The run fails if wineserver crashes, exits non-zero,
prints an assertion or a sanitizer report, leaks objects, stops answering a
probe, keeps file descriptors it did not have before the round, or does not
end by itself after its last client. Everything random comes from --seed."""
import argparse
import glob
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import conftest  # noqa: E402

# a round's processes get this long to spend their calls, the probe this long to answer
ROUND_LIMIT = 900
PROBE_LIMIT = 30
# File descriptors wineserver may hold at a round's end (no fuzzer alive,
# right after the last probe) beyond those it held after the first probe,
# once the prefix's services had started (about 200: each process has its
# sockets and mapped images). The counts differ by a few either way with
# what the services happen to have open; a leak of a fd per object or per
# process grows with the calls and kills, far past the slack.
# FUZZ_FD_DEBUG=1 prints what the fds are.
FD_SLACK = 8
# what a Windows process says when its wineserver went away
CLIENT_CRASHED = ("wineserver crashed", "wine client error")


def server_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None

def unix_pids(prefix_path, exe_name):
    """The Unix processes of this prefix that run exe_name (its Wine name in /proc)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode("utf-8", "replace")
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if exe_name in cmd and f"WINEPREFIX={prefix_path}" in env:
            found.append(int(pid))
    return found


def prefix_pids(prefix_path, server_pid):
    """Every Unix process of this prefix but its wineserver."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == server_pid:
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"WINEPREFIX={prefix_path}".encode() in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def probe(wp, exe):
    """wineserver still answers: a port is made and closed within PROBE_LIMIT."""
    # to a file, not a pipe: the prefix's services, which the first program of a
    # server starts, inherit its output and would hold a pipe open
    out_path = f"{wp.path}.probe.log"
    with open(out_path, "wb") as out:
        p = subprocess.Popen([wp.launcher, exe, "--probe"], env=wp.env, stdout=out, stderr=subprocess.STDOUT)
    try:
        p.wait(timeout=PROBE_LIMIT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return False
    with open(out_path, "rb") as out:
        return b"probe ok" in out.read()


def run_round(args, rnd, log):
    rng = random.Random(f"{args.seed}-{rnd}")
    # the server must outlive the gaps between the last client and the probe
    wp = conftest.create_prefix(f"fuzz-{rnd}", persist=5)
    problems = []
    calls = kills = stops = 0
    try:
        # the boot's server ends by itself first; the round gets one of its own
        problems += conftest.server_end_problems(wp.shut_down())
        wp.start_server(5)
        # the first program starts the prefix's services, which stay as long as
        # the server: the file descriptors are counted with them there
        if not probe(wp, args.exe):
            problems.append(f"wineserver did not answer the first probe within {PROBE_LIMIT}s")
        settle = time.monotonic() + 30
        while time.monotonic() < settle and (unix_pids(wp.path, "wineboot.exe") or
                                             unix_pids(wp.path, "winemenubuilder.exe")):
            time.sleep(0.1)
        fds_at_start = server_fds(wp.server_proc.pid)
        said = []                               # crash reports in the fuzzers' output

        per_proc = args.calls // args.procs
        left = [per_proc] * args.procs          # calls each slot still owes
        procs = [None] * args.procs
        gen = [0] * args.procs
        started = time.monotonic()
        deadline = started + ROUND_LIMIT

        def start(i):
            gen[i] += 1
            out = open(f"{wp.path}.fuzz{i}.log", "ab")
            procs[i] = subprocess.Popen([wp.launcher, args.exe, str(args.seed), str(i), str(args.procs),
                                         str(left[i]), str(args.threads), str(gen[i])],
                                        env=wp.env, stdout=out, stderr=subprocess.STDOUT)

        def spent(i):
            """calls the slot's last process reported (progress lines)"""
            try:
                with open(f"{wp.path}.fuzz{i}.log", "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except OSError:
                return 0
            said.extend(f"fuzz_ports.exe {i}: {l.strip()}" for l in text.splitlines()
                        if any(c in l for c in CLIENT_CRASHED))
            lines = [l for l in text.splitlines() if l.startswith(("progress ", "done calls "))]
            return int(lines[-1].split()[-1 if lines[-1].startswith("progress") else 2]) if lines else 0

        for i in range(args.procs):
            start(i)
        while any(p is not None for p in procs):
            if time.monotonic() > deadline:
                problems.append(f"the round did not end within {ROUND_LIMIT}s")
                break
            if wp.server_proc.poll() is not None:
                problems.append("wineserver ended during the round")
                break
            time.sleep(rng.uniform(0.05, 0.4))
            for i, p in enumerate(procs):
                if p is None or p.poll() is None:
                    continue
                done = spent(i)
                calls += done
                left[i] = max(left[i] - done, 0)
                os.truncate(f"{wp.path}.fuzz{i}.log", 0)
                procs[i] = None
                if left[i] > 0 and not (args.time and time.monotonic() - started > args.time):
                    start(i)
            if args.time and time.monotonic() - started > args.time:
                # out of time: the processes still running end as killed ones do
                for pid in unix_pids(wp.path, "fuzz_ports.exe"):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                continue
            if not args.kill:
                continue
            i = rng.randrange(args.procs)
            if procs[i] is None:
                continue
            targets = unix_pids(wp.path, "fuzz_ports.exe")
            action = rng.random()
            if action < args.kill_rate and targets:
                for pid in targets:
                    if str(i) in open(f"/proc/{pid}/cmdline", "rb").read().decode("utf-8", "replace").split("\0"):
                        try:
                            os.kill(pid, signal.SIGKILL)
                            kills += 1
                        except OSError:
                            pass
                        break
            elif action < 2 * args.kill_rate and targets:
                pid = rng.choice(targets)
                try:
                    os.kill(pid, signal.SIGSTOP)
                    time.sleep(rng.uniform(0.01, 0.3))
                    os.kill(pid, signal.SIGCONT)
                    stops += 1
                except OSError:
                    pass
        problems += said
        if not problems and not probe(wp, args.exe):
            problems.append(f"wineserver did not answer a probe within {PROBE_LIMIT}s")
        fds_at_end = server_fds(wp.server_proc.pid)
        if fds_at_start is not None and fds_at_end is not None:
            log(f"round {rnd}: wineserver's file descriptors: {fds_at_start} when it started, "
                f"{fds_at_end} after the last probe")
            if os.environ.get("FUZZ_FD_DEBUG"):
                kinds = {}
                for fd in os.listdir(f"/proc/{wp.server_proc.pid}/fd"):
                    try:
                        t = os.readlink(f"/proc/{wp.server_proc.pid}/fd/{fd}").split(":")[0].split("/")[1]
                    except (OSError, IndexError):
                        t = "?"
                    kinds[t] = kinds.get(t, 0) + 1
                log(f"  by target: {kinds}")
            if fds_at_end > fds_at_start + FD_SLACK:
                problems.append(f"wineserver holds {fds_at_end - fds_at_start} more file descriptors than "
                                f"at the round's start ({fds_at_start}, slack {FD_SLACK})")
    finally:
        for pid in unix_pids(wp.path, "fuzz_ports.exe"):
            problems.append(f"fuzz_ports.exe (pid {pid}) was left running")
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        end = wp.shut_down()
        problems += conftest.server_end_problems(end)
        # a crashed wineserver can leave the prefix's services behind
        for pid in prefix_pids(wp.path, wp.server_proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if problems and end is not None:
            problems.append(f"wineserver's exit status {end.returncode}, its last words:\n" + end.output[-3000:])
        if end is None:
            wp.kill()
        conftest.remove_prefix(wp)
        for leftover in glob.glob(f"{wp.path}.*.log"):
            os.unlink(leftover)
    log(f"round {rnd}: seed {args.seed}, {args.procs} processes, {calls} calls made, {kills} kills, "
        f"{stops} stops: " + ("ok" if not problems else "FAILED"))
    for p in problems:
        log("  " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exe", required=True, help="fuzz_ports.exe")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--calls", type=int, default=80000, help="calls per round, over all processes")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-kill", dest="kill", action="store_false")
    ap.add_argument("--kill-rate", type=float, default=0.08, help="chance of a kill (and of a stop) per tick")
    ap.add_argument("--time", type=float, default=0,
                    help="end each round after this many seconds even if calls are left (0: no bound)")
    args = ap.parse_args()
    ok = True
    for rnd in range(args.rounds):
        ok &= run_round(args, rnd, lambda s: print(s, flush=True))
    print("fuzz: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
