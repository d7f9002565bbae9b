#!/usr/bin/env python3
"""Runs wine-lpc's benchmarks and their baselines, prints a table and writes
results.json.

Every figure comes from this run: the native baselines, the Wine baselines
and the port scenarios run one after the other on this machine, the Windows
programs under the same ./wine-lpc in one fresh prefix, served by one
persistent wineserver that is shut down at the end.  The programs print
"BENCH {json}" lines (see bench.h); this script only collects them, adds the
ratios to the baselines and formats.  Nothing here judges a speed: the exit
status says only whether every program ran and reported.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

BASELINES = [  # (key, id of the row)
    ("socketpair", "native_socketpair"),
    ("futex", "native_futex"),
    ("pipe", "wine_pipe"),
    ("event", "wine_event"),
]

# (what, how, program, arguments); baselines first, so that they are at hand for every later row.
# how: "native" runs it directly, "wine" under ./wine-lpc in the prefix, "stock" under Debian's
# Debian's stock Wine (--stock-wine) in a second prefix of its own, made when the first such run starts;
# "nofast" under ./wine-lpc with WINE_LPC_FASTPATH=0 (port waits sleep in select), its rows' ids
# ending in _nofast.
RUNS = [
    ("socketpair", "native", "bench_native", ["socketpair"]),
    ("futex", "native", "bench_native", ["futex"]),
    ("event", "wine", "bench_baseline.exe", ["event"]),
    ("pipe", "wine", "bench_baseline.exe", ["pipe"]),
    ("pipe-connect", "wine", "bench_baseline.exe", ["pipe-connect"]),
    ("lpc", "wine", "bench_lpc.exe", []),
    ("alpc", "wine", "bench_alpc.exe", []),
    ("lpc-nofast", "nofast", "bench_lpc.exe", []),
    ("alpc-nofast", "nofast", "bench_alpc.exe", []),
    ("many-1", "wine", "bench_many.exe", ["1"]),
    ("many-4", "wine", "bench_many.exe", ["4"]),
    ("ncalrpc", "wine", "bench_rpc.exe", ["ncalrpc"]),
    ("stock-ncalrpc", "stock", "bench_rpc.exe", ["stock_ncalrpc"]),
]

# The rows each run must print: a program that ends without one of them fails the
# run, rather than leave a hole in the table.
EXPECTED = {
    "socketpair": ["native_socketpair"],
    "futex": ["native_futex"],
    "event": ["wine_event"],
    "pipe": ["wine_pipe"],
    "pipe-connect": ["wine_pipe_connect"],
    "lpc": ["lpc_rt_64", "lpc_rt_max"],
    "alpc": ["alpc_rt_64", "alpc_rt_max", "alpc_dgram", "alpc_1mib_copy", "alpc_1mib_view", "alpc_connect_cycle",
             "alpc_rt_queued_other_port", "alpc_rt_queued_same_port"],
    "lpc-nofast": ["lpc_rt_64", "lpc_rt_max"],
    "alpc-nofast": ["alpc_rt_64", "alpc_rt_max", "alpc_dgram", "alpc_1mib_copy", "alpc_1mib_view",
                    "alpc_connect_cycle", "alpc_rt_queued_other_port", "alpc_rt_queued_same_port"],
    "many-1": ["alpc_16_clients_1_thread"],
    "many-4": ["alpc_16_clients_4_threads"],
    "ncalrpc": ["ncalrpc_null", "ncalrpc_1mib", "ncalrpc_connect"],
    "stock-ncalrpc": ["stock_ncalrpc_null", "stock_ncalrpc_1mib", "stock_ncalrpc_connect"],
}


def expected_rows(name, env):
    """The ids the run `name` must print (before the _nofast suffix)."""
    rows = EXPECTED[name]
    # BENCH_RT_ONLY=1 (or any other value) stops bench_alpc after alpc_rt_64, =max after alpc_rt_max
    only = env.get("BENCH_RT_ONLY")
    if only and name.startswith("alpc"):
        rows = rows[:2] if only == "max" else rows[:1]
    return rows


def missing_rows(name, got, env):
    """Words for the rows of `expected_rows` that the program did not print, or None."""
    ids = {row.get("id") for row in got}
    missing = [rid for rid in expected_rows(name, env) if rid not in ids]
    if not missing:
        return None
    if not got:
        return "printed no result line (no BENCH {json} line)"
    return f"printed {len(got)} result line(s), missing " + ", ".join(missing)


# our ncalrpc rows and the same program's rows under stock Wine
STOCK_PAIRS = [("ncalrpc_null", "stock_ncalrpc_null"), ("ncalrpc_1mib", "stock_ncalrpc_1mib"),
               ("ncalrpc_connect", "stock_ncalrpc_connect")]

# the order of the table
ORDER = [
    "lpc_rt_64", "lpc_rt_max", "alpc_rt_64", "alpc_rt_max", "alpc_connect_cycle",
    "alpc_rt_queued_other_port", "alpc_rt_queued_same_port",
    "alpc_dgram", "alpc_1mib_copy", "alpc_1mib_view",
    "alpc_16_clients_1_thread", "alpc_16_clients_4_threads",
    "ncalrpc_null", "ncalrpc_1mib", "ncalrpc_connect",
    "native_socketpair", "native_futex", "wine_event", "wine_pipe", "wine_pipe_connect",
    "stock_ncalrpc_null", "stock_ncalrpc_1mib", "stock_ncalrpc_connect",
]


def log(text):
    print(text, file=sys.stderr, flush=True)


class Prefix:
    def __init__(self, wine_lpc, wineserver, path):
        self.wine_lpc = wine_lpc
        self.wineserver = wineserver
        self.path = path
        self.env = dict(os.environ, WINEPREFIX=path, WINEDEBUG="-all")
        self.env.pop("WINESERVER", None)

    def server(self, *args, timeout=60):
        return subprocess.run([self.wineserver, *args], env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=timeout).returncode

    def create(self):
        """A fresh prefix, then one persistent wineserver for every program."""
        if os.path.isdir(self.path):
            self.server("-k")
            shutil.rmtree(self.path)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        boot = subprocess.run([self.wine_lpc, "wineboot.exe", "--init"], env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300)
        if boot.returncode or not os.path.isdir(os.path.join(self.path, "drive_c")):
            raise RuntimeError("creating the prefix failed:\n" + boot.stdout.decode("utf-8", "replace"))
        self.start_server()

    def start_server(self):
        self.server("-k")
        if self.server("-p"):
            raise RuntimeError("could not start a persistent wineserver")
        # The first program of a wineserver session starts wineboot and the
        # services, which live on with the persistent server: let them start
        # now, outside every measurement and without our output files.
        warm = subprocess.run([self.wine_lpc, "wineboot.exe"], env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=120)
        if warm.returncode:
            raise RuntimeError(f"wineboot.exe under the persistent wineserver: exit code {warm.returncode:#x}")

    def shutdown(self):
        self.server("-k")
        self.server("-w")


def run_program(cmd, env, timeout):
    """Runs one program; returns (rows, errors, seconds)."""
    start = time.monotonic()
    rows, errors = [], []
    # a file rather than a pipe: a process that inherits it and lives on
    # cannot hold up the end of the run
    with tempfile.TemporaryFile() as f:
        p = subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            code = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            code = None
            errors.append(f"timed out after {timeout} s")
        f.seek(0)
        out = f.read().decode("utf-8", "replace")
    for line in out.splitlines():
        if line.startswith("BENCH {"):
            try:
                rows.append(json.loads(line[6:]))
            except ValueError as e:
                errors.append(f"unreadable result line ({e}): {line}")
        elif line.startswith("BENCH-ERROR"):
            errors.append(line[12:])
    if code:
        errors.append(f"exit code {code:#x}")
    if errors:
        tail = "\n".join(out.splitlines()[-20:])
        errors = [f"{' '.join(os.path.basename(c) for c in cmd[:2])} {' '.join(cmd[2:])}: {e}" for e in errors]
        if tail:
            errors.append("last output:\n" + tail)
    return rows, errors, time.monotonic() - start


def add_ratios(rows):
    base = {key: rows[rid]["median"] for key, rid in BASELINES if rid in rows}
    for row in rows.values():
        # a ratio compares times: rows in other units (throughput) have none
        if row["unit"] == "us":
            row["ratio"] = {key: round(row["median"] / base[key], 3) if key in base else None for key, _ in BASELINES}
        else:
            row["ratio"] = {key: None for key, _ in BASELINES}
    # the connect target is a named-pipe connect and close
    for rid in ("alpc_connect_cycle", "alpc_connect_cycle_nofast"):
        if rid in rows and "wine_pipe_connect" in rows:
            rows[rid]["extra"]["pipe_connect"] = round(rows[rid]["median"] / rows["wine_pipe_connect"]["median"], 3)
    # the 16-client rows against one client's sequential rate
    single = rows.get("alpc_rt_64")
    for rid in ("alpc_16_clients_1_thread", "alpc_16_clients_4_threads"):
        if rid in rows and single:
            extra = rows[rid]["extra"]
            extra["vs_one_client"] = round(extra["total_calls_per_s"] * single["median"] / 1e6, 3)
    # ncalrpc against the same program under Debian's stock Wine: vs_stock is ours / stock (a time
    # or a rate, as the unit says); speedup_vs_stock is > 1 when ours is faster
    for rid, stock_rid in STOCK_PAIRS:
        if rid in rows and stock_rid in rows and rows[stock_rid]["median"] and rows[rid]["median"]:
            ours, stock = rows[rid]["median"], rows[stock_rid]["median"]
            extra = rows[rid]["extra"]
            extra["vs_stock"] = round(ours / stock, 3)
            extra["speedup_vs_stock"] = round(stock / ours if rows[rid]["unit"] == "us" else ours / stock, 3)


def fmt_value(value, unit):
    if value is None:
        return "-"
    if unit in ("msg/s", "calls/s"):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def note(row):
    e = row.get("extra", {})
    rid = row["id"]
    if "ratio_vs_idle" in e:
        return f"x{e['ratio_vs_idle']:.2f} of idle ({e['idle_median']:.1f} us)"
    if rid.startswith("alpc_1mib_view"):
        return f"x{e['speedup_vs_copy']:.2f} of the copy"
    if rid.startswith("alpc_connect_cycle") and "pipe_connect" in e:
        return f"x{e['pipe_connect']:.2f} of a named-pipe connect + close"
    if rid.startswith("alpc_1mib_copy"):
        return f"{e['chunks']} messages"
    if rid.startswith("alpc_dgram"):
        return f"batches of {e['batch']}"
    if "vs_stock" in e:
        what = "time" if row["unit"] == "us" else "rate"
        return f"x{e['vs_stock']:.2f} of stock Wine's {what} (speedup x{e['speedup_vs_stock']:.2f})"
    if "fairness_min_max" in e:
        s = f"{e['total_calls_per_s']:,.0f}/s in all; per client min/max {e['per_client_min']}/{e['per_client_max']}"
        if "vs_one_client" in e:
            s += f"; x{e['vs_one_client']:.2f} of 1 client"
        return s
    return ""


def table(rows):
    head = ["scenario", "median", "p99", "unit", "iter", "/sockpair", "/futex", "/pipe", "/event", "note"]
    lines = []
    order = [x for r in ORDER for x in (r, r + "_nofast")]
    for rid in order + [r for r in rows if r not in order]:
        if rid not in rows:
            continue
        row = rows[rid]
        ratios = [f"{row['ratio'][k]:.2f}" if row["ratio"].get(k) is not None else "-" for k, _ in BASELINES]
        lines.append([row["scenario"], fmt_value(row["median"], row["unit"]), fmt_value(row["p99"], row["unit"]),
                      row["unit"], str(row["iterations"]), *ratios, note(row)])
    widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]
    out = []
    for n, cells in enumerate([head] + lines):
        out.append("  ".join(c.ljust(widths[i]) if i in (0, 3, 9) else c.rjust(widths[i])
                             for i, c in enumerate(cells)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine():
    info = {"hostname": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as f:
            info["loadavg_at_start"] = f.read().split()[:3]
    except OSError:
        pass
    return info


def source_version(srcdir):
    try:
        rev = subprocess.run(["git", "-C", srcdir, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10).stdout.decode().strip()
        dirty = subprocess.run(["git", "-C", srcdir, "status", "--porcelain", "--untracked-files=no"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10).stdout.strip()
        return {"commit": rev or None, "modified_files": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wine-lpc", required=True)
    ap.add_argument("--wineserver", required=True)
    ap.add_argument("--bin", required=True, help="where the bench programs are")
    ap.add_argument("--prefix", required=True, help="the WINEPREFIX to make afresh")
    ap.add_argument("--output", required=True, help="results.json")
    ap.add_argument("--stock-wine", default="/usr/lib/wine/wine64",
                    help="Debian's stock Wine's loader, for the stock_ rows (default /usr/lib/wine/wine64)")
    ap.add_argument("--stock-wineserver", default="/usr/lib/wine/wineserver64",
                    help="its wineserver (default /usr/lib/wine/wineserver64)")
    ap.add_argument("--stock-prefix", help="the stock Wine's WINEPREFIX to make afresh (default: --prefix + -stock)")
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--budget-ms", type=int, default=int(os.environ.get("BENCH_BUDGET_MS", "2000")),
                    help="measured time per scenario (default 2000)")
    ap.add_argument("--timeout", type=int, default=120, help="per program, in seconds")
    ap.add_argument("--only", help="comma-separated names of RUNS entries")
    args = ap.parse_args()

    start = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    runs = [r for r in RUNS if not args.only or r[0] in args.only.split(",")]
    assert all(r[0] in EXPECTED for r in RUNS), "a run without its EXPECTED rows"
    rows, errors, timings = {}, [], {}
    prefix = Prefix(args.wine_lpc, args.wineserver, args.prefix)
    stock = Prefix(args.stock_wine, args.stock_wineserver, args.stock_prefix or args.prefix.rstrip("/") + "-stock")
    stock_made = False
    info = machine()

    log(f"bench: a fresh prefix in {args.prefix}")
    try:
        t = time.monotonic()
        prefix.create()
        timings["prefix"] = round(time.monotonic() - t, 1)
        env = dict(prefix.env, BENCH_BUDGET_MS=str(args.budget_ms))
        for name, how, program, pargs in runs:
            exe = os.path.join(args.bin, program)
            run_env, run_prefix = env, prefix
            if how == "stock":
                if not stock_made:
                    for f in (args.stock_wine, args.stock_wineserver):
                        if not os.access(f, os.X_OK):
                            raise RuntimeError(f"stock Wine: {f} is not there (--stock-wine, --stock-wineserver)")
                    log(f"bench: a fresh prefix for stock Wine in {stock.path}")
                    t = time.monotonic()
                    stock_made = True
                    stock.create()
                    timings["stock_prefix"] = round(time.monotonic() - t, 1)
                run_env, run_prefix = dict(stock.env, BENCH_BUDGET_MS=str(args.budget_ms)), stock
            cmd = [exe, *pargs] if how == "native" else [run_prefix.wine_lpc, exe, *pargs]
            log(f"bench: {name} ...")
            if how == "nofast":
                run_env = dict(env, WINE_LPC_FASTPATH="0")
            got, errs, secs = run_program(cmd, run_env, args.timeout)
            missing = missing_rows(name, got, run_env)
            if missing:
                errs.insert(0, f"{name} ({' '.join([program, *pargs])}): {missing}")
            if how == "nofast":
                for row in got:
                    row["id"] += "_nofast"
                    row["scenario"] += " [FASTPATH=0]"
            timings[name] = round(secs, 1)
            if how != "native" and any("timed out" in e for e in errs):
                log("bench: ending that program's processes (a new wineserver)")
                run_prefix.start_server()
            for row in got:
                rows[row["id"]] = row
            errors += errs
            for e in errs:
                log(f"bench: FAILED {e}")
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        errors.append(str(e))
        log(f"bench: FAILED {e}")
    finally:
        prefix.shutdown()
        if stock_made:
            stock.shutdown()

    add_ratios(rows)
    wall = round(time.monotonic() - start, 1)
    order = [x for r in ORDER for x in (r, r + "_nofast")]
    ordered = [rows[r] for r in order if r in rows] + [rows[r] for r in rows if r not in order]
    result = {
        "generated": started.isoformat(timespec="seconds"),
        "machine": info,
        "source": source_version(args.srcdir),
        "wine_lpc": os.path.abspath(args.wine_lpc),
        "prefix": os.path.abspath(args.prefix),
        "stock_wine": os.path.abspath(args.stock_wine) if stock_made else None,
        "stock_prefix": os.path.abspath(stock.path) if stock_made else None,
        "budget_ms": args.budget_ms,
        "wall_time_s": wall,
        "program_times_s": timings,
        "baselines": {key: rows[rid]["median"] if rid in rows else None for key, rid in BASELINES},
        "units": {"us": "microseconds per iteration (a round trip, a cycle)",
                  "MB/s": "10^6 bytes per second; p99 is the rate of the 99th-percentile (slow) iteration",
                  "msg/s": "messages per second; p99 is the rate of the 99th-percentile (slow) batch",
                  "calls/s": "answered calls per second over slices of the window; p99 is the slow tail slice"},
        "rows": [{"id": r["id"], "scenario": r["scenario"], "unit": r["unit"], "median": r["median"],
                  "p99": r["p99"], "iterations": r["iterations"], "ratio": r["ratio"], "extra": r["extra"]}
                 for r in ordered],
        "errors": errors,
    }
    with open(args.output + ".tmp", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.replace(args.output + ".tmp", args.output)

    print()
    print(table(rows))
    print()
    print("Ratios are median / baseline median (lower is faster); they are given for times only.")
    print(f"Wall time {wall} s (prefix {timings.get('prefix', '-')} s, stock Wine's prefix "
          f"{timings.get('stock_prefix', '-')} s); results in {args.output}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e.replace("\n", "\n    "))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
