#!/usr/bin/env python3
"""make stress: many client processes against one LPC or ALPC server, under ./wine-lpc.

Runs conformance/stress/stress.c (stress.exe) in each mode: LPC and ALPC, with
the futex wake-ups of port waits (fast) and with WINE_LPC_FASTPATH=0 (nofast),
each with steady clients only and with victims that the server kills and
replaces every few hundred messages.  Each mode runs on a wineserver of its
own, started by the harness (conformance/conftest.py) in one fresh prefix.

A mode fails unless the server reports 0 lost, 0 duplicated, 0 misrouted and
0 corrupt messages, nothing else went wrong ("STRESS-ERROR" lines, an exit
code, a killed client whose connection never reported its end), and its
wineserver then ended by itself, with status 0, without a crash, an assertion
or a leaked object.  First a self-test runs the program with one injected
fault of each kind and checks that it counts each.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import conftest  # noqa: E402  (the prefix helpers and the wineserver checks)

COUNTS = ("lost", "duplicated", "misrouted", "corrupt")
PROTOCOLS = ("lpc", "alpc")
WAYS = {"fast": {}, "nofast": {"WINE_LPC_FASTPATH": "0"}}
# what the self-test injects: a datagram never sent, one sent twice, one through
# another client's connection, one datagram and one reply with a byte changed
INJECTED = {"lost": 1, "duplicated": 1, "misrouted": 1, "corrupt": 2}


def log(text):
    print(text, flush=True)


def all_modes():
    return [f"{proto}-{way}{kill}" for kill in ("", "-kill") for proto in PROTOCOLS for way in WAYS]


def end_leftovers(prefix):
    """Kills, one by one, the processes still running in the prefix (say after
    their wineserver died); returns them in words."""
    tag = b"WINEPREFIX=" + os.fsencode(prefix)
    left = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            # a process whose main thread is gone shows its environment in its other threads only
            env = b""
            for where in [pid] + [f"{pid}/task/{tid}" for tid in os.listdir(f"/proc/{pid}/task")]:
                with open(f"/proc/{where}/environ", "rb") as f:
                    env = f.read()
                if env:
                    break
            if tag not in env.split(b"\0"):
                continue
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                name = f.read().split(b"\0")[0].decode("utf-8", "replace")
            threads = len(os.listdir(f"/proc/{pid}/task"))
            os.kill(int(pid), signal.SIGKILL)
        except (OSError, IndexError):
            continue
        left.append(f"{pid} {name} (state {state}, {threads} threads)")
    return left


def run_mode(wp, exe, mode, args, timeout, inject=False):
    """Runs one mode on a wineserver of its own; returns (STRESS line as a dict, wall seconds, problems)."""
    proto, way, *kill = mode.split("-")
    cmd = [conftest.WINE_LPC, exe, "server", proto, "--clients", str(args.clients), "--requests",
           str(args.requests), "--datagrams", str(args.datagrams), "--threads", str(args.threads),
           "--burst", str(args.burst), "--timeout", str(timeout)]
    if kill:
        cmd += ["--victims", str(args.victims), "--kill-every", str(args.kill_every)]
    if inject:
        cmd += ["--inject"]
    base_env = dict(wp.env)
    wp.env.update(WAYS[way])
    problems = []
    start = time.monotonic()
    try:
        wp.start_server(persist=0)
        # a file rather than a pipe: a process left behind cannot hold up the run
        with tempfile.TemporaryFile() as f:
            p = subprocess.Popen(cmd, env=wp.env, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                code = p.wait(timeout=timeout + 60)
            except subprocess.TimeoutExpired:
                code = None
                problems.append(f"timed out after {timeout + 60} s")
                wp.kill()
                p.kill()
                p.wait()
            end = wp.shut_down()
            if end is None:
                wp.kill()
                wp.server_proc.wait(timeout=60)
            problems += [f"wineserver: {p}" for p in conftest.server_end_problems(end)]
            left = end_leftovers(wp.path)
            if left:
                problems.append("processes left behind (killed now): " + ", ".join(left))
            f.seek(0)
            out = f.read().decode("utf-8", "replace")
    finally:
        wp.env = base_env
    seconds = time.monotonic() - start

    result = None
    for line in out.splitlines():
        if line.startswith("STRESS {"):
            result = json.loads(line[7:])
    errors = [line for line in out.splitlines() if line.startswith("STRESS-ERROR")]
    if result is None:
        problems.append("no STRESS result line")
    if way == "fast" and "no futex word for port waits" in out:
        problems.append("port waits fell back to select")
    if not inject:
        if code:
            problems.append(f"exit code {code:#x}")
        if result:
            problems += [f"{result[c]} {c}" for c in COUNTS if result[c]]
            if result["closed_unseen"]:
                problems.append(f"{result['closed_unseen']} connections never reported their end")
            if result["bad_exit"]:
                problems.append(f"{result['bad_exit']} clients exited non-zero")
            if kill and not result["kills"]:
                problems.append("no client was killed")
        if errors and not problems:
            problems.append(f"{len(errors)} STRESS-ERROR lines")
    else:
        if result:
            got = {c: result[c] for c in COUNTS}
            if got != INJECTED or result["closed_unseen"] or result["bad_exit"]:
                problems.append(f"the self-test counted {got}, expected {INJECTED}")
    if problems:
        problems.append("output (last 40 lines):\n" + "\n".join(out.splitlines()[-40:]))
    return result, seconds, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", required=True, help="stress.exe")
    ap.add_argument("--modes", default=",".join(all_modes()),
                    help="comma-separated, from " + ", ".join(all_modes()) + " (default: all)")
    ap.add_argument("--clients", type=int, default=16, help="client processes (default 16)")
    ap.add_argument("--requests", type=int, default=10000, help="synchronous requests per client (default 10000)")
    ap.add_argument("--datagrams", type=int, default=10000, help="datagrams per client (default 10000)")
    ap.add_argument("--threads", type=int, default=2, help="server threads receiving on the port (default 2)")
    ap.add_argument("--burst", type=int, default=8,
                    help="datagrams, then requests, a client sends in a row (default 8)")
    ap.add_argument("--victims", type=int, default=4,
                    help="*-kill modes: how many of the clients are killed and replaced (default 4)")
    ap.add_argument("--kill-every", type=int, default=300,
                    help="*-kill modes: messages between kills, at least (default 300)")
    ap.add_argument("--timeout", type=int, default=600, help="per mode, in seconds (default 600)")
    ap.add_argument("--no-self-test", action="store_true", help="skip the run with injected faults")
    args = ap.parse_args()

    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in all_modes()]
    if unknown:
        ap.error(f"unknown modes {unknown}; known: {all_modes()}")
    if not os.path.exists(args.exe):
        ap.error(f"{args.exe} is not built")

    start = time.monotonic()
    log(f"stress: {args.clients} clients x {args.requests} requests + {args.datagrams} datagrams, "
        f"{args.threads} server threads; modes {', '.join(modes)}")
    wp = conftest.create_prefix("stress", persist=0)
    failures, rows = [], []
    try:
        # wineboot's server ends too: each mode starts on a server of its own
        problems = conftest.server_end_problems(wp.shut_down())
        if problems:
            failures.append(("wineboot", problems))
        if not args.no_self_test:
            for proto in PROTOCOLS:
                small = argparse.Namespace(**dict(vars(args), clients=5, requests=100, datagrams=100))
                result, secs, problems = run_mode(wp, args.exe, f"{proto}-fast", small, 120, inject=True)
                log(f"stress: self-test {proto}: counted "
                    f"{ {c: result[c] for c in COUNTS} if result else None }, {secs:.1f} s"
                    + (" FAILED" if problems else ""))
                if problems:
                    failures.append((f"self-test {proto}", problems))
        for mode in modes:
            result, secs, problems = run_mode(wp, args.exe, mode, args, args.timeout)
            rows.append((mode, result, secs, problems))
            summary = " ".join(f"{c} {result[c]}" for c in COUNTS) if result else "no result"
            extra = ""
            if result and "kill" in mode:
                extra = (f"; {result['kills']} killed, {result['port_closed']} LPC_PORT_CLOSED, "
                         f"{result['client_died']} LPC_CLIENT_DIED, {result['canceled']} LPC_CANCELED")
            log(f"stress: {mode}: {result['received'] if result else '-'} messages received, {summary}{extra}, "
                f"{secs:.1f} s" + (" FAILED" if problems else ""))
            if problems:
                failures.append((mode, problems))
    finally:
        conftest.remove_prefix(wp)

    totals = {c: sum(r[1][c] for r in rows if r[1]) for c in COUNTS}
    log(f"stress: total over {len(rows)} modes: " + ", ".join(f"{v} {c}" for c, v in totals.items())
        + f"; wall time {time.monotonic() - start:.0f} s")
    if failures:
        for what, problems in failures:
            log(f"\nstress: FAILED {what}:\n  " + "\n  ".join(p.replace("\n", "\n    ") for p in problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
