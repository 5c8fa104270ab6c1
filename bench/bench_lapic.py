# SPDX-License-Identifier: GPL-2.0
"""Bench items 3 (LAPIC BPF cost per expiry against bpftrace) and 4
(start-up to attached, trace and lapic, against bpftrace).
"""
import json
import os
import re
import signal
import subprocess
import time

from bench_common import (
    BT_PROBES, LAPIC_LINKS, LAPIC_LOAD, MIGSCOPE, MIGSIM, SPIN, STAMPS,
    apic_timer_fn, bpf_fds, bt_lapic_script, bt_trace_script, end_group,
    loc_irqs, med, ratio, run, spawn, start_bpftrace, wait_line, wait_links)


class LapicStartupItems:
    """Items 3 and 4: the LAPIC monitor's cost per expiry, and start-up
    to attached for trace and lapic.  Mixed into Bench (bench.py)."""

    def spawn_bt_lapic(self, fn):
        """bpftrace keeping the LAPIC lag histogram, returned once attached"""
        return start_bpftrace(os.path.join(self.tmp, "lapic.bt"), bt_lapic_script(fn))

    # ======================================================================
    # 3. LAPIC monitor
    def lapic_window(self, kind, vms, fn):
        w = self.cfg.lapic_window
        p = None
        if kind == "migscope":
            errf = open(os.path.join(self.tmp, "lapic.err"), "w+")
            p = spawn([MIGSCOPE, "lapic", "--json", "-v", "--interval", "1000"],
                      stdout=subprocess.DEVNULL, stderr=errf)
            wait_links(p, LAPIC_LINKS)
        elif kind == "bpftrace":
            p = self.spawn_bt_lapic(fn)
        time.sleep(0.2)
        before = bpf_fds(p.pid)[0] if p else {}
        irq0, t0 = loc_irqs(1), time.monotonic()
        rc, out, _ = run(["taskset", "-c", "1", SPIN, str(w)], timeout=w + 30)
        irq1, t1 = loc_irqs(1), time.monotonic()
        spin = json.loads(out)
        after = bpf_fds(p.pid)[0] if p else {}
        own = None
        if p:
            end_group(p)
            if kind == "migscope":
                errf.seek(0)
                m = re.search(r"bpf cost: ([\d.]+) ns per LAPIC expiry", errf.read())
                errf.close()
                own = float(m.group(1)) if m else None
        ns = sum(after[k][0] - before.get(k, (0, 0))[0] for k in after)
        runs = sum(after[k][1] - before.get(k, (0, 0))[1] for k in after)
        # lapic-load: N x 5000/s, unless a loaded host lets expiries fall a
        # period behind (the fixed kernel then clamps, and some are never
        # run): runs per expiry below ~1 (every hrtimer runs the program)
        # says the figure is too low, and its own count shows by how much
        expiries = vms * 5000 * (t1 - t0)
        return {"kind": kind, "blocks_per_s": spin["blocks_per_s"],
                "irq_per_s": (irq1 - irq0) / (t1 - t0), "window_s": t1 - t0,
                "bpf_ns": ns if p else None,
                "ns_per_expiry": ns / expiries if p else None,
                "runs_per_expiry": runs / expiries if p else None,
                "migscope_own_ns_per_expiry": own}

    def item3(self):
        c = self.cfg
        fn = apic_timer_fn()
        data = {"rates": {}}
        base = None
        for vms in c.lapic_vms:
            self.load_check("3/%d" % vms)
            if base is None:
                rc, out, _ = run(["taskset", "-c", "1", SPIN, str(c.lapic_window)])
                base = json.loads(out)["blocks_per_s"]
                data["baseline_no_vms_blocks_per_s"] = base
            dur = int(c.lapic_rounds * (3 * c.lapic_window + 12) + 30)
            load = spawn([LAPIC_LOAD, "--vms", str(vms), "--period-us", "200",
                          "--duration", str(dur), "--timer-cpu", "1", "--hold-cpu", "0"])
            wait_line(load, r"^armed", timeout=120, stream="stdout")
            time.sleep(1.0)
            wins = []
            try:
                for i in range(c.lapic_rounds):
                    for kind in ("none", "migscope", "bpftrace"):
                        wv = self.lapic_window(kind, vms, fn)
                        wv["round"] = i
                        wins.append(wv)
                        self.log("3 %3d VMs %-8s %8.0f blocks/s %7.0f irq/s %s ns/expiry %s runs/expiry%s"
                                 % (vms, kind, wv["blocks_per_s"], wv["irq_per_s"],
                                    "%.1f" % wv["ns_per_expiry"] if wv["ns_per_expiry"] else "-",
                                    "%.2f" % wv["runs_per_expiry"] if wv["runs_per_expiry"] else "-",
                                    " (own count: %.1f ns/expiry)" % wv["migscope_own_ns_per_expiry"]
                                    if wv["migscope_own_ns_per_expiry"] else ""))
            finally:
                end_group(load, signal.SIGTERM)
            by = lambda k, f: med([w[f] for w in wins if w["kind"] == k])
            rate = vms * 5000
            d = {"vms": vms, "expiries_per_s": rate, "windows": wins,
                 "median_ns_migscope": by("migscope", "ns_per_expiry"),
                 "median_ns_bpftrace": by("bpftrace", "ns_per_expiry"),
                 "median_blocks": {k: by(k, "blocks_per_s") for k in ("none", "migscope", "bpftrace")},
                 "median_irq": {k: by(k, "irq_per_s") for k in ("none", "migscope", "bpftrace")}}
            data["rates"][str(rate)] = d
            ms, bt = d["median_ns_migscope"], d["median_ns_bpftrace"]
            self.row(3, "LAPIC BPF ns/expiry @%dk/s (tp_btf)" % (rate // 1000), ms,
                     ("<=", 120), "ns")
            self.row(3, "LAPIC ns/expiry migscope/bpftrace @%dk/s (%.0f)" % (rate // 1000, bt or 0),
                     ratio(ms, bt), ("<=", 0.5), "x")
            cpu = ratio(d["median_blocks"]["migscope"], d["median_blocks"]["none"])
            self.row(3, "CPU1 left, monitor/none @%dk/s (irq/s %.0f vs %.0f)"
                     % (rate // 1000, d["median_irq"]["migscope"] or 0, d["median_irq"]["none"] or 0),
                     cpu, None, "x", note="no goal; compare only at similar irq/s")
            self.section(3, data)

    # ======================================================================
    # 4. start-up: launch to attached-and-ready
    def start_trace(self, kind):
        rc, _, _ = 0, None, None
        sim = spawn([MIGSIM, "save", "--out", "/dev/null", "--vram", "16M", "--stop", "-v"])
        line = wait_line(sim, r"pid \d+", timeout=30)
        pid = int(re.findall(r"pid (\d+)", "\n".join(line))[-1])
        # wait until it has stopped itself
        for _ in range(500):
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "T":
                    break
            time.sleep(0.01)
        t0 = time.monotonic()
        del STAMPS[:]
        if kind == "migscope":
            # MIGSCOPE_PHASES: one stderr line per start-up phase, its time
            p = spawn([MIGSCOPE, "trace", "-q", "-p", str(pid)], stdout=subprocess.DEVNULL,
                      env=dict(os.environ, MIGSCOPE_PHASES="1"))
            wait_line(p, r"was stopped, continuing it")
            for _, l in STAMPS:
                m = re.search(r"phase (\w+) +\+ *([\d.]+) ms", l)
                if m:
                    self.phases.setdefault(m.group(1), []).append(float(m.group(2)))
        else:
            p = start_bpftrace(os.path.join(self.tmp, "trace.bt"),
                               bt_trace_script(MIGSIM, self.sites), pid)
        dt = time.monotonic() - t0
        os.kill(pid, signal.SIGCONT)
        sim.communicate(timeout=60)
        end_group(sim)
        end_group(p)
        return dt

    def start_lapic(self, kind, fn):
        t0 = time.monotonic()
        if kind == "migscope":
            p = spawn([MIGSCOPE, "lapic", "--interval", "1000"], stdout=subprocess.DEVNULL)
            # ready = all its links exist (it prints nothing after attaching)
            while True:
                if p.poll() is not None:
                    raise RuntimeError("migscope lapic exited")
                if bpf_fds(p.pid)[1] >= LAPIC_LINKS:
                    break
                time.sleep(0.001)
        else:
            p = self.spawn_bt_lapic(fn)
        dt = time.monotonic() - t0
        end_group(p)
        return dt

    def item4(self):
        self.load_check("4")
        self.phases = {}
        fn = apic_timer_fn()
        data = {}
        for what in ("trace", "lapic"):
            s = {"migscope": [], "bpftrace": []}
            for i in range(self.cfg.start_pairs):
                for kind in ("migscope", "bpftrace"):
                    dt = self.start_trace(kind) if what == "trace" else self.start_lapic(kind, fn)
                    s[kind].append(dt)
                    self.log("4 %-5s %-8s %.3f s" % (what, kind, dt))
            r = ratio(med(s["migscope"]), med(s["bpftrace"]))
            if what == "trace":
                data["trace_migscope_phases_ms"] = self.phases
            data[what] = {"samples_s": s, "median_migscope_s": med(s["migscope"]),
                          "median_bpftrace_s": med(s["bpftrace"]), "ratio": r}
            note = ""
            if what == "trace" and self.phases:
                note = "migscope phases, ms: " + ", ".join(
                    "%s %.1f" % (k, med(v)) for k, v in self.phases.items())
            self.row(4, "start-up %s: migscope %.3f s / bpftrace %.3f s"
                     % (what, med(s["migscope"]), med(s["bpftrace"])), r, ("<=", 0.25), "x",
                     note=note)
        data["how"] = ("from fork to: migscope trace -p PID on a migsim stopped by --stop: its "
                       "'pid N was stopped, continuing it' line (printed after the last USDT attach); "
                       "migscope lapic: its last (%d) bpf_link fd seen in /proc/PID/fd, polled every 1 ms "
                       "(it prints nothing once attached); bpftrace: the "
                       "__BPFTRACE_NOTIFY_PROBES_ATTACHED line it prints after attaching every probe "
                       "(same probes: %d USDT names / the two hrtimer tracepoints)" % (
                           LAPIC_LINKS, len([k for k in BT_PROBES if k in self.sites])))
        self.section(4, data)
