#!/usr/bin/env python3
"""Cuts a failing fuzz_ports.exe run down to the few operations that fail it.

One process, one thread, a fixed seed: each operation of fuzz_ports draws
from a generator of its own (seeded by the thread's and its number), so a
subset of them, chosen with FUZZ_KEEP, runs exactly as it did in the whole
run. This runs the whole sequence once on a wineserver of its own, then
removes operations (ddmin) for as long as the run still fails, and prints
the operations left (FUZZ_TRACE) and what wineserver said.

A run fails when wineserver crashes, exits non-zero or leaks objects, or,
with --pattern, when what it printed at its end matches that regular
expression. Workers stuck in a call without a timeout are not ended
(FUZZ_STUCK_MS=0); the process ends after --time seconds with them waiting.

    conformance/fuzz/reduce.py --exe conformance/bin/fuzz_ports.exe --seed 7 --mask 0x4101

--mask leaves out kinds of operation (bit n: the n-th of fuzz_ports.c's ops[]),
which makes the whole run, and so the search, shorter."""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import conftest  # noqa: E402


def run(args, wp, keep):
    env = dict(wp.env, WINEDEBUG="-all", FUZZ_STUCK_MS="0", FUZZ_TRACE="1",
               FUZZ_WATCHDOG_MS=str(int(args.time * 1000)))
    if keep is not None:
        env["FUZZ_KEEP"] = ",".join(map(str, keep)) if keep else "999999999"
    wp.start_server(1)
    p = subprocess.run([wp.launcher, args.exe, str(args.seed), "0", "1", str(args.calls), "1", "0", args.mask],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    end = wp.shut_down()
    said = end.output if end else ""
    if args.pattern:
        bad = end is None or bool(re.search(args.pattern, said, re.M))
    else:
        bad = bool(conftest.server_end_problems(end))
    return bad, p.stdout.decode("utf-8", "replace"), said


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exe", required=True, help="fuzz_ports.exe")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--mask", default="0xffffffff", help="the kinds of operation to run")
    ap.add_argument("--calls", type=int, default=2000, help="calls of the whole run")
    ap.add_argument("--time", type=float, default=2, help="seconds before the process ends")
    ap.add_argument("--pattern", help="what counts as failing, in wineserver's last words")
    args = ap.parse_args()

    wp = conftest.create_prefix("reduce", persist=1)
    try:
        wp.shut_down()
        bad, out, said = run(args, wp, None)
        ops = [int(n) for n in re.findall(r"^op (\d+):", out, re.M)]
        print(f"whole run: {len(ops)} operations, {'fails' if bad else 'passes'}", flush=True)
        if not bad:
            return 1
        cur, n = ops, 2
        while len(cur) >= 2:
            size = max(1, len(cur) // n)
            for start in range(0, len(cur), size):
                rest = cur[:start] + cur[start + size:]
                if run(args, wp, rest)[0]:
                    cur, n = rest, max(n - 1, 2)
                    print(f"{len(cur)} operations still fail: {cur}", flush=True)
                    break
            else:
                if n >= len(cur):
                    break
                n = min(len(cur), 2 * n)
        bad, out, said = run(args, wp, cur)
        print(f"FUZZ_KEEP={','.join(map(str, cur))} ({'fails' if bad else 'passes: flaky'})")
        print(out)
        print("wineserver said:\n" + said)
        return 0
    finally:
        conftest.remove_prefix(wp)


if __name__ == "__main__":
    sys.exit(main())
