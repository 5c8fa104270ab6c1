#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""migscope benchmarks: every figure a ratio of medians over
alternating runs (A B A B ...) taken in this one invocation.

Called by bench/run, which builds the helpers, snapshots the binaries and
restores kernel.bpf_stats_enabled on any exit.  Environment knobs are read
in Config (bench_common.py); BENCH_QUICK=1 is a ~2 minute smoke run.  The
items live in bench_migration.py (1, 2, 5, 6) and bench_lapic.py (3, 4).
"""
import json
import os
import signal
import sys
import tempfile
import time

from bench_common import (
    Config, MIGSIM, OUT, cleanup, machine, quiet_check, usdt_sites)
from bench_lapic import LapicStartupItems
from bench_migration import MigrationItems


class Bench(MigrationItems, LapicStartupItems):
    def __init__(self, cfg):
        self.cfg = cfg
        self.tmp = tempfile.mkdtemp(prefix="migscope-bench-")
        self.results = {"machine": machine(), "config": vars(cfg).copy(),
                        "load": [], "items": {}, "rows": []}
        self.results["config"]["only"] = sorted(cfg.only) if cfg.only else None
        self.sites = usdt_sites(MIGSIM)

    # -- bookkeeping
    def log(self, msg):
        print("bench: " + msg, file=sys.stderr, flush=True)

    def load_check(self, phase):
        q = quiet_check()
        q["phase"] = phase
        self.results["load"].append(q)
        if q["busy_pct"] > self.cfg.busy_pct:
            self.log("WARNING: machine busy before %s: %.0f%% CPU used by others, load %s"
                     % (phase, q["busy_pct"], q["loadavg"]))
        return q

    def row(self, item, name, value, goal, unit="", met=None, note=""):
        """One line of the table; goal is (op, threshold) or None."""
        if met is None and goal and value is not None:
            op, thr = goal
            met = value >= thr if op == ">=" else value <= thr
        self.results["rows"].append({"item": item, "figure": name, "value": value,
                                     "unit": unit, "goal": goal, "met": met,
                                     "note": note})

    def section(self, item, data):
        self.results["items"][str(item)] = data
        self.write()

    def write(self):
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1)

    # -- migsim
    def migsim_json(self, out):
        text = out.decode(errors="replace") if isinstance(out, bytes) else out
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError("migsim printed no JSON: %s" % text[-300:])

    # ======================================================================
    def table(self):
        lines = []
        m = self.results["machine"]
        lines.append("migscope bench — %s, %d CPUs, kernel %s" % (m["cpu_model"], m["nproc"],
                                                                    m["kernel"]))
        ld = self.results["load"]
        if ld:
            busy = [l for l in ld if l["busy_pct"] > self.cfg.busy_pct]
            lines.append("load: start %s, end %s; idle-CPU checks before each phase: max %.0f%% busy%s"
                         % (ld[0]["loadavg"], self.results.get("load_end", {}).get("loadavg"),
                            max(l["busy_pct"] for l in ld),
                            "  *** WARNING: machine was busy (%s) ***" %
                            ", ".join(l["phase"] for l in busy) if busy else ""))
        lines.append("")
        lines.append("%-2s %-78s %12s %10s %s" % ("#", "figure", "measured", "goal", "met"))
        for r in self.results["rows"]:
            v = r["value"]
            if v is None:
                vs = "n/a"
            elif r["unit"] == "x":
                vs = "%.3f" % v
            elif r["unit"].startswith("/"):
                vs = "%d%s" % (v, r["unit"])
            else:
                vs = "%.1f %s" % (v, r["unit"]) if v < 1e4 else "%.3g %s" % (v, r["unit"])
            g = "%s %g" % tuple(r["goal"]) if r["goal"] else "-"
            met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
            lines.append("%-2s %-78s %12s %10s %s%s" % (r["item"], r["figure"][:78], vs, g, met,
                                                       "  (%s)" % r["note"] if r["note"] else ""))
        return "\n".join(lines)


def main():
    cfg = Config()
    b = Bench(cfg)
    b.load_check("start")
    t0 = time.time()
    try:
        for item in range(1, 7):
            if cfg.want(item):
                try:
                    getattr(b, "item%d" % item)()
                except Exception as e:
                    if isinstance(e, KeyboardInterrupt):
                        raise
                    b.log("item %d failed: %s" % (item, e))
                    b.results["items"][str(item)] = {"error": str(e)}
                    b.row(item, "item %d did not complete" % item, None, None,
                          met=False, note=str(e)[:60])
    finally:
        cleanup()
        b.results["elapsed_s"] = time.time() - t0
        with open("/proc/loadavg") as f:
            b.results["load_end"] = {"loadavg": [float(x) for x in f.read().split()[:3]]}
        b.write()
    text = b.table()
    b.results["table"] = text
    b.write()
    print(text)
    print("\nraw samples: %s (%.0f s)" % (os.path.relpath(os.path.join(OUT, "results.json"),
                                                          os.getcwd()), b.results["elapsed_s"]))


def on_signal(sig, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        main()
    except KeyboardInterrupt:
        print("bench: interrupted; children ended, partial results in %s"
              % os.path.join(OUT, "results.json"), file=sys.stderr)
        sys.exit(130)
