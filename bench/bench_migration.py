# SPDX-License-Identifier: GPL-2.0
"""Bench items on the migration path: 1 (throughput traced vs untraced),
2 (BPF cost per event against bpftrace), 5 (drain rate and exact drop
counts) and 6 (the model's VRAM copy against memcpy).
"""
import json
import os
import time

from bench_common import (
    BT_PROBES, MEMCPY, MIGSCOPE, MIGSIM, NO_EVENT_PROGS, bpf_fds,
    bt_trace_script, end_group, med, prog_names, ratio, run, spawn,
    start_bpftrace, strip_noise, summary_of, wait_links)


def pair_ratios(samples, mode):
    """each repetition's mode ÷ its own untraced run: robust to a drift
    that a ratio of medians over the whole run mixes in"""
    return [ratio(t, u) for t, u in zip(samples[mode], samples["untraced"])]


def pairs_text(rs):
    rs = [x for x in rs if x is not None]
    if not rs:
        return "no pairs"
    return "pairs %.2f-%.2f, median %.2f" % (min(rs), max(rs), med(rs))


# item 1's ways to run a migration, alternated within each repetition
ITEM1_MODES = ("untraced", "traced", "quiet", "floor")


class MigrationItems:
    """Items 1, 2, 5 and 6: tracing a migration of the model, and the
    model's own copy speed.  Mixed into Bench (bench.py)."""

    # ======================================================================
    # 1. tracing overhead on a migration
    def item1(self):
        c = self.cfg
        data = {}
        for label, chunk, pairs, goal in (("default", None, c.mig_pairs, 0.97),
                                          ("64K", "64K", c.mig64_pairs, 0.90)):
            self.load_check("1/%s" % label)
            mig = [MIGSIM, "migrate", "--vram", c.mig_vram, "--json"]
            if chunk:
                mig[4:4] = ["--chunk", chunk]
            samples = {m: [] for m in ITEM1_MODES}
            raw = []
            for i in range(pairs):
                for mode in ITEM1_MODES:
                    out, trace = self.item1_run(mode, mig)
                    m = self.migsim_json(out)
                    if m.get("result") != "ok":
                        raise RuntimeError("migsim failed: %s" % m)
                    samples[mode].append(m["throughput_gbps"])
                    raw.append({"mode": mode, "rep": i, "throughput_gbps": m["throughput_gbps"],
                                "total_ms": m["total_ms"],
                                "trace_events": trace and trace.get("events"),
                                "trace_drops": trace and trace.get("drops")})
                    self.log("1 %-7s %-8s %.3f Gbit/s" % (label, mode, m["throughput_gbps"]))
            r = ratio(med(samples["traced"]), med(samples["untraced"]))
            rq = ratio(med(samples["quiet"]), med(samples["untraced"]))
            data[label] = {"samples": raw, "median_untraced_gbps": med(samples["untraced"]),
                           "median_traced_gbps": med(samples["traced"]), "ratio": r,
                           "median_quiet_gbps": med(samples["quiet"]), "ratio_quiet": rq}
            pr, pq = pair_ratios(samples, "traced"), pair_ratios(samples, "quiet")
            data[label]["pair_ratios"] = pr
            data[label]["pair_ratios_quiet"] = pq
            self.row(1, "migration traced/untraced, %s chunks (%s VRAM), per-event view"
                     % (label, c.mig_vram), r, (">=", goal), "x",
                     note="%.2f vs %.2f Gbit/s; untraced range %.2f-%.2f; %s" % (
                         med(samples["traced"]), med(samples["untraced"]),
                         min(samples["untraced"]), max(samples["untraced"]),
                         pairs_text(pr)))
            self.row(1, "  same, summary view: trace -q counts in BPF, nothing per event in the ring",
                     rq, None, "x", note="info: the in-BPF aggregation's cost alone; %s"
                     % pairs_text(pq))
            pf = pair_ratios(samples, "floor")
            data[label]["pair_ratios_floor"] = pf
            data[label]["median_floor_gbps"] = med(samples["floor"])
            self.row(1, "  same, floor: empty bpftrace programs on the same probe sites",
                     ratio(med(samples["floor"]), med(samples["untraced"])), None, "x",
                     note="info: what any tracer of these sites costs; %s" % pairs_text(pf))
        data["tracer"] = ("traced (per-event view): migscope trace --json --hist -o FILE -- migsim "
                          "... (every event through the ring buffer and rendered as a JSON line); "
                          "quiet (summary view): migscope trace -q --json -o FILE (counted in BPF "
                          "maps, read at exit; nothing per event in the ring); floor: bpftrace "
                          "with empty programs on the same USDT probes; runs alternate "
                          + ", ".join(ITEM1_MODES))
        self.section(1, data)

    def item1_run(self, mode, mig):
        """One migration traced the mode's way: migsim's output and the
        tracer's summary (None when migscope does not trace)"""
        tf = os.path.join(self.tmp, "trace1.json")
        if mode == "untraced":
            return run(mig)[1], None
        if mode == "floor":
            bt = start_bpftrace(os.path.join(self.tmp, "floor.bt"),
                                bt_trace_script(MIGSIM, self.sites, empty=True))
            try:
                return run(mig)[1], None
            finally:
                end_group(bt)
        view = ["--json", "--hist"] if mode == "traced" else ["-q", "--json"]
        out = run([MIGSCOPE, "trace"] + view + ["-o", tf, "--"] + mig)[1]
        return out, summary_of(tf)

    # ======================================================================
    # 2. per-event BPF cost, migscope vs bpftrace, same probes, same workload
    def tracer_stats(self, kind):
        c = self.cfg
        if kind == "migscope":
            sf = os.path.join(self.tmp, "trace2.json")
            p = spawn([MIGSCOPE, "trace", "-q", "--json", "-o", sf, "--binary", MIGSIM])
            n = sum(v for k, v in self.sites.items() if k in BT_PROBES)
            wait_links(p, n)
        else:
            p = start_bpftrace(os.path.join(self.tmp, "trace.bt"),
                               bt_trace_script(MIGSIM, self.sites,
                                               empty=kind == "floor"))
        before, _, _ = bpf_fds(p.pid)
        rc, out, err = run([MIGSIM, "migrate", "--vram", c.evt_vram, "--chunk", "64K",
                            "--buf", "64K", "--json"])
        m = self.migsim_json(out)
        time.sleep(0.3)
        after, _, _ = bpf_fds(p.pid)
        names = prog_names(set(after))
        end_group(p)
        progs = {}
        for pid_, (ns, cnt) in after.items():
            ns0, cnt0 = before.get(pid_, (0, 0))
            name = names.get(pid_, str(pid_))
            if cnt - cnt0 <= 0 or name in ("BEGIN", "END"):
                continue
            progs[name + "#%d" % pid_] = {"run_time_ns": ns - ns0, "run_cnt": cnt - cnt0}
        tot_ns = sum(v["run_time_ns"] for v in progs.values())
        tot_cnt = sum(v["run_cnt"] for v in progs.values())
        return {"ns_per_event": tot_ns / tot_cnt if tot_cnt else None,
                "run_cnt": tot_cnt, "run_time_ns": tot_ns, "programs": progs,
                "migsim_ok": m.get("result") == "ok"}

    def item2(self):
        self.load_check("2")
        raw = {"migscope": [], "bpftrace": [], "floor": []}
        for i in range(self.cfg.evt_pairs):
            for kind in raw:
                s = self.tracer_stats(kind)
                raw[kind].append(s)
                self.log("2 %-8s %.1f ns/event over %d runs" % (kind, s["ns_per_event"] or -1,
                                                                  s["run_cnt"]))
        ms, bt, fl = (med([s["ns_per_event"] for s in raw[k]])
                      for k in ("migscope", "bpftrace", "floor"))
        r = ratio(ms, bt)
        self.section(2, {"samples": raw, "median_ns_migscope": ms, "median_ns_bpftrace": bt,
                         "median_ns_floor": fl, "ratio": r,
                         "workload": "migsim migrate --vram %s --chunk 64K --buf 64K"
                         % self.cfg.evt_vram,
                         "bpftrace_script": bt_trace_script(MIGSIM, self.sites)})
        self.row(2, "BPF ns/event migscope (%.0f) / bpftrace (%.0f)" % (ms or 0, bt or 0),
                 r, ("<=", 0.5), "x")
        self.row(2, "  floor: empty bpftrace programs on the same probe sites", fl, None, "ns",
                 note="info: migscope %.0f and bpftrace %.0f ns above it"
                 % ((ms or 0) - (fl or 0), (bt or 0) - (fl or 0)))

    # ======================================================================
    # 5. event pipeline
    def item5(self):
        c = self.cfg
        self.load_check("5")
        steps = []
        for step in c.pipe_steps:
            chunk, buf = step.split(":")
            tf = os.path.join(self.tmp, "trace5.json")
            rc, out, err = run([MIGSCOPE, "trace", "--json", "-o", tf, "--", MIGSIM, "migrate",
                                "--vram", c.pipe_vram, "--chunk", chunk, "--buf", buf,
                                "--json"])
            try:
                m = self.migsim_json(out)
                s = summary_of(tf)
            except Exception as e:
                self.log("5 chunk %s buf %s failed: %s %s" % (chunk, buf, e, strip_noise(err)[-200:]))
                steps.append({"chunk": chunk, "buf": buf, "error": str(e)})
                continue
            rate = s["events"] / (m["total_ms"] / 1000.0)
            steps.append({"chunk": chunk, "buf": buf, "events": s["events"],
                          "drops": s["drops"], "total_ms": m["total_ms"],
                          "events_per_s": rate, "result": m["result"]})
            self.log("5 chunk %-5s buf %-5s %8d events %6d drops %9.0f events/s"
                     % (chunk, buf, s["events"], s["drops"], rate))
        steps_ok = [s for s in steps if "error" not in s]
        ok = [s["events_per_s"] for s in steps_ok if s["drops"] == 0]
        best = max(ok) if ok else None
        dropped = [s["events_per_s"] for s in steps_ok if s["drops"]]
        self.row(5, "highest drained rate with 0 drops (--json to a file; chunk:buf %s)"
                 % ",".join(c.pipe_steps), best, None, "ev/s",
                 note="first drops at %.0f ev/s" % min(dropped) if dropped else
                 "no step dropped: the model is the limit, not the pipeline")
        data = {"rate_steps": steps, "highest_zero_drop_events_per_s": best}
        data["drop_check"] = self.drop_check()
        self.section(5, data)

    def drop_check(self):
        """received + drops == events the programs tried to emit (their own
        run counts), with the real 4 MiB ring and a 16 KiB one.  Per-event
        output (--json lines to a file): with -q BPF keeps totals and the
        ring carries nothing."""
        c = self.cfg
        res = []
        bins = [("4MiB", "4M"), ("16KiB", "16K")]
        for i in range(c.drop_reps):
            for ring, size in bins:
                sf = os.path.join(self.tmp, "trace5d.json")
                p = spawn([MIGSCOPE, "trace", "--json", "--ring-size", size,
                           "-o", sf, "--binary", MIGSIM])
                wait_links(p, sum(v for k, v in self.sites.items() if k in BT_PROBES))
                rc, out, _ = run([MIGSIM, "migrate", "--vram", c.pipe_vram, "--chunk", "4K",
                                  "--buf", "4K", "--json"])
                time.sleep(0.3)
                progs, _, _ = bpf_fds(p.pid)
                names = prog_names(set(progs))
                end_group(p)
                s = summary_of(sf)
                tried = sum(cnt for k, (ns, cnt) in progs.items()
                            if names.get(k, "").startswith("u_")
                            and names.get(k) not in NO_EVENT_PROGS)
                exact = s["events"] + s["drops"] == tried
                res.append({"ring": ring, "tried": tried, "received": s["events"],
                            "drops": s["drops"], "exact": exact})
                self.log("5 drops ring %-5s tried %d received %d drops %d exact %s"
                         % (ring, tried, s["events"], s["drops"], exact))
        for ring, _ in bins:
            rs = [r for r in res if r["ring"] == ring]
            self.row(5, "drops counted exactly, %s ring: received+drops == emitted "
                     "(drops %s)" % (ring, ",".join(str(r["drops"]) for r in rs)),
                     sum(r["exact"] for r in rs), None, "/%d" % len(rs),
                     met=all(r["exact"] for r in rs) and (ring == "4MiB" or
                                                         any(r["drops"] for r in rs)))
        return res

    # ======================================================================
    # 6. the model's VRAM save path vs memcpy
    def item6(self):
        c = self.cfg
        self.load_check("6")
        data = {}
        for chunk in c.copy_chunks:
            raw = []
            for i in range(c.copy_pairs):
                rc, out, _ = run([MIGSIM, "save", "--out", "/dev/null", "--vram", c.copy_vram,
                                  "--chunk", chunk, "--json"])
                m = self.migsim_json(out)
                raw.append({"kind": "model", "vram_save_copy_gbps": m["vram_save_copy_gbps"],
                            "save_throughput_gbps": m["throughput_gbps"]})
                rc, out, _ = run([MEMCPY, c.copy_vram, chunk])
                mc = json.loads(out)
                raw.append(dict(mc, kind="memcpy"))
                self.log("6 chunk %-5s model %.1f Gbit/s (save stream %.1f), memcpy fresh %.1f warm %.1f"
                         % (chunk, m["vram_save_copy_gbps"], m["throughput_gbps"],
                            mc["fresh_gbps"], mc["warm_gbps"]))
            model = med([r["vram_save_copy_gbps"] for r in raw if r["kind"] == "model"])
            stream = med([r["save_throughput_gbps"] for r in raw if r["kind"] == "model"])
            fresh = med([r["fresh_gbps"] for r in raw if r["kind"] == "memcpy"])
            warm = med([r["warm_gbps"] for r in raw if r["kind"] == "memcpy"])
            limit = max(fresh, warm)
            data[chunk] = {"samples": raw, "model_copy_gbps": model, "model_save_stream_gbps": stream,
                           "memcpy_fresh_gbps": fresh, "memcpy_warm_gbps": warm,
                           "ratio": ratio(model, limit), "stream_ratio": ratio(stream, limit)}
            self.row(6, "model VRAM save copy / memcpy, chunk %s (%.1f / %.1f Gbit/s)"
                     % (chunk, model, limit), ratio(model, limit), (">=", 0.8), "x")
            self.row(6, "whole save path (stream to /dev/null) / memcpy, chunk %s" % chunk,
                     ratio(stream, limit), None, "x", note="info: packets, headers, write()")
        data["how"] = ("model: migsim save --out /dev/null, its vram_save_copy_gbps (bytes / time "
                       "inside the chunk copies, the time the tracer's vram events measure); "
                       "memcpy: bench/memcpy_bench, same total and chunk size, source written "
                       "beforehand, destination MAP_POPULATE fresh per chunk or one warm buffer; "
                       "the better of the two is the limit")
        self.section(6, data)
