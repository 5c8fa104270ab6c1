#!/usr/bin/env python3
# Checks for tests/trace/test_trace.sh.  Prints ok/not ok lines; exits 1 if
# any check failed.  Expected values come from migsim's own --json output
# of the same run and from the upstream state walk (docs/upstream-xe.md §3).
import json
import sys

FAILED = 0


def ok(name):
    print(f"ok - {name}")


def nok(name, why):
    global FAILED
    FAILED += 1
    print(f"not ok - {name}: {why}")


def expect(name, cond, why):
    if cond:
        ok(name)
    else:
        nok(name, why)


def lines(path):
    out = []
    with open(path) as f:
        for ln in f:
            ln = ln.strip()
            if ln.startswith("{"):
                out.append(json.loads(ln))
    return out


def summary_of(events, name):
    s = [e for e in events if e.get("type") == "summary"]
    if len(s) != 1:
        nok(name + "-summary", f"{len(s)} summary records")
        return None
    return s[0]


def merge_summaries(sums):
    """Several tracers (one per pid) add up to one migration."""
    if len(sums) == 1:
        return sums[0]
    tot = {"packets": {}, "data_read": {}, "data_write": {}, "drops": 0,
           "stream_bytes": 0, "restore_stream_bytes": 0}
    for s in sums:
        tot["drops"] += s["drops"]
        tot["stream_bytes"] += s["stream_bytes"]
        tot["restore_stream_bytes"] += s["restore_stream_bytes"]
        for t, v in s["packets"].items():
            d = tot["packets"].setdefault(t, {})
            for k, n in v.items():
                d[k] = d.get(k, 0) + n
        for k in ("data_read", "data_write"):
            for f, n in s[k].items():
                tot[k][f] = tot[k].get(f, 0) + n
    return tot


# enter (+) / exit (-) milestones of one GT, in upstream order
SAVE_WALK = ["+PAUSE_WIP", "+PAUSED", "-PAUSE_WIP", "+SAVE_WIP",
             "+SAVE_PROCESS_DATA", "+SAVE_DATA_DONE", "-SAVE_DATA_DONE",
             "+SAVED", "-SAVE_WIP"]
RESTORE_WALK = ["+PAUSE_WIP", "+PAUSED", "-PAUSE_WIP", "+RESTORE_WIP",
                "+RESTORE_PROCESS_DATA", "+RESTORE_DATA_DONE",
                "-RESTORE_DATA_DONE", "+RESTORED", "-RESTORE_WIP",
                "+RESUME_WIP", "+RESUMED"]


def is_subsequence(want, seq):
    it = iter(seq)
    return all(any(x == w for x in it) for w in want)


def check_walks(name, events, m):
    states = sorted((e for e in events if e["type"] == "state"),
                    key=lambda e: e["ts_ns"])
    by = {}
    for e in states:
        by.setdefault((e["pid"], e["gt"]), []).append(e)
    saving = {p for (p, g), ev in by.items()
              if any(e["state"] == "SAVE_WIP" for e in ev)}
    restoring = {p for (p, g), ev in by.items()
                 if any(e["state"] == "RESTORE_WIP" for e in ev)}
    if len(saving) != 1 or len(restoring) != 1 or saving == restoring:
        nok(name + "-walk", f"expected one source and one destination pid, "
            f"saw saving {saving} restoring {restoring}")
        return
    ngt = len(m["src_states"])
    pkts = [e for e in events if e["type"] == "packet" and
            e["op"] == "init" and e.get("gt") is not None]
    for (pid, gt), ev in sorted(by.items()):
        role = "src" if pid in saving else "dst"
        walk = SAVE_WALK if role == "src" else RESTORE_WALK
        seq = [("+" if e["entered"] else "-") + e["state"] for e in ev]
        # the traced order without repeats, to keep the message short
        brief = [x for i, x in enumerate(seq) if not i or seq[i - 1] != x]
        expect(f"{name}-walk-{role}-gt{gt}", is_subsequence(walk, seq),
               f"upstream walk {walk} is not in the traced order "
               f"{brief[:40]}{'...' if len(brief) > 40 else ''}")
        # every save step is one packet: the worker steps at least once
        # per packet of this GT
        if role == "src":
            steps = seq.count("+SAVE_PROCESS_DATA")
            npk = sum(1 for p in pkts if p["pid"] == pid and p["gt"] == gt
                      and p["ptype"] not in ("DESCRIPTOR", "TRAILER"))
            expect(f"{name}-walk-src-gt{gt}-steps", steps >= npk + 1,
                   f"{steps} SAVE_PROCESS_DATA entries for {npk} packets")
        final = set(n for n in m[role + "_states"].get(f"gt{gt}", "")
                    .split("|") if n)
        bits = int(ev[-1]["bitmap"], 16)
        names = {e["bit"]: e["state"] for e in ev}
        traced = {names.get(b, str(b)) for b in range(64) if bits >> b & 1}
        expect(f"{name}-final-{role}-gt{gt}", traced == final,
               f"traced final states {sorted(traced)}, migsim says "
               f"{sorted(final)}")
    expect(f"{name}-walk-gts", len(by) == 2 * ngt,
           f"state events for {len(by)} (pid, GT) pairs, expected {2 * ngt}")


def check_counts(name, s, m):
    want_pk = {k: v for k, v in m["packets"].items() if v}
    got_prod = {k: v["produced"] for k, v in s["packets"].items()
                if v["produced"]}
    got_cons = {k: v["consumed"] for k, v in s["packets"].items()
                if v["consumed"]}
    expect(name + "-packets-produced", got_prod == want_pk,
           f"traced {got_prod}, migsim {want_pk}")
    expect(name + "-packets-consumed", got_cons == want_pk,
           f"traced {got_cons}, migsim {want_pk}")
    expect(name + "-stream-bytes",
           s["stream_bytes"] == m["stream_bytes"] ==
           s["restore_stream_bytes"],
           f"traced save {s['stream_bytes']} restore "
           f"{s['restore_stream_bytes']}, migsim {m['stream_bytes']}")
    if "VRAM" in s["packets"] or m.get("vram_bytes"):
        vb = s["packets"].get("VRAM", {}).get("bytes", 0)
        expect(name + "-vram-bytes", vb == m["vram_bytes"],
               f"traced {vb}, migsim {m['vram_bytes']}")
    for k in ("data_read", "data_write"):
        got = {f: s[k][f] for f in ("calls", "bytes", "errors")}
        want = traced_calls(m[k])
        expect(f"{name}-{k}", got == want, f"traced {got}, migsim {m[k]}")
    expect(name + "-drops", s["drops"] == 0, f"{s['drops']} events dropped")


def traced_calls(d):
    """migsim's data_read/data_write counts as a tracer sees them: a call
    a signal interrupted (issued again by migsim) returned an error."""
    return {"calls": d["calls"], "bytes": d["bytes"],
            "errors": d["errors"] + d.get("interrupted", 0)}


def check_time_order(name, events):
    """The source's and the destination's threads write to their CPUs'
    rings; the tracer merges them, so the lines come out in time order.
    Each tracer's output ends with its summary (several may follow)."""
    ts, back = [], 0
    for e in events:
        if e.get("type") == "summary":
            back += sum(1 for a, b in zip(ts, ts[1:]) if b < a)
            ts = []
        elif "ts_ns" in e:
            ts.append(e["ts_ns"])
    n = sum(1 for e in events if "ts_ns" in e)
    expect(name + "-time-order", n and not ts and not back,
           f"{back} of {n} events printed after a later one"
           if back or not n else "events after the last summary")


def migrate(name, mpath, tpath, gbps):
    m = json.load(open(mpath))
    if m.get("result") != "ok":
        nok(name, f"migsim failed: {m.get('error')}")
        return
    events = lines(tpath)
    sums = [e for e in events if e.get("type") == "summary"]
    if not sums:
        nok(name + "-summary", "no summary record")
        return
    s = merge_summaries(sums)
    check_counts(name, s, m)
    check_walks(name, events, m)
    check_time_order(name, events)
    if gbps == "yes":
        got = sums[0]["vram"]["save"]["gbps"]
        want = m["vram_save_copy_gbps"]
        why = f"traced {got:.3f} Gbit/s, model {want:.3f} Gbit/s"
        # The probes bracket the model's own clock reads, so the traced
        # time can only be longer: that much holds on any machine.  How
        # much longer depends on what else lands between a probe and the
        # model's clock read (preemption, interrupts, the probe's own
        # cost): timing, which make bench may report but a test must not
        # depend on.
        expect(name + "-vram-within", want and got <= want * 1.001, why)


def same_summary(name, a, b):
    sa, sb = summary_of(lines(a), name), summary_of(lines(b), name)
    if sa is None or sb is None:
        return
    diff = [k for k in set(sa) | set(sb) if sa.get(k) != sb.get(k)]
    expect(name, not diff and sa["events"] > 0,
           f"fields differ: {diff}" if diff else "no events")


def counts_of(s):
    """Every figure of a summary that counts (times aside): two tracers
    of one migration time it each with its own clock reads."""
    c = {k: s[k] for k in ("events", "drops", "stream_bytes",
                           "restore_stream_bytes", "packets", "data_read",
                           "data_write", "injected", "errors") if k in s}
    c["vram"] = {d: {k: v for k, v in s["vram"][d].items()
                     if k in ("chunks", "bytes", "errors")}
                 for d in ("save", "restore")}
    c["states"] = {k: v["entered"] for k, v in s["states"].items()}
    c["hist"] = {k: v["count"] for k, v in s["hist"].items()}
    return c


def unit_key(u):
    return (u["pid"], u["vf"], u["gt"]) if not u.get("other") else "other"


def same_counts(name, a, b):
    """a: totals counted in BPF (-q), b: the same migrations' events."""
    sa, sb = summary_of(lines(a), name), summary_of(lines(b), name)
    if sa is None or sb is None:
        return
    ca, cb = counts_of(sa), counts_of(sb)
    diff = {k: (ca[k], cb[k]) for k in ca if ca[k] != cb[k]}
    expect(name, not diff and ca["events"] > 0 and
           ca["vram"]["save"]["chunks"] > 0,
           f"in BPF vs from events: {diff}" if diff else "nothing traced")
    ua = {unit_key(u): counts_of(u) for u in sa.get("units", [])}
    ub = {unit_key(u): counts_of(u) for u in sb.get("units", [])}
    bad = sorted(str(k) for k in set(ua) | set(ub) if ua.get(k) != ub.get(k))
    expect(name + "-units", ua and not bad,
           f"units differ: {bad[:4]}" if bad else "no units")
    # the same units have a time span both ways: packet events outside a
    # ring do not move one, so a unit of those alone has none
    spans = {unit_key(u): u["duration_ns"] > 0 for u in sa.get("units", [])}
    spans_b = {unit_key(u): u["duration_ns"] > 0 for u in sb.get("units", [])}
    unbound = [v for k, v in spans.items()
               if k != "other" and k[1] is None and k[2] is None]
    expect(name + "-spans", spans == spans_b and any(spans.values()) and
           unbound and not any(unbound),
           f"units with a span, in BPF: {spans}; from events: {spans_b} "
           "(units of unbound packets alone must have none)")
    # every state held for some time was timed on both sides
    held = {k for k, v in sa["states"].items() if v["total_ns"]}
    held_b = {k for k, v in sb["states"].items() if v["total_ns"]}
    expect(name + "-held", held == held_b and held,
           f"timed states differ: {sorted(held ^ held_b)}")


def add_up(units):
    """The counts of several units together, as counts_of shows them."""
    tot = {}

    def add(d, k, v):
        if isinstance(v, dict):
            sub = d.setdefault(k, {})
            for k2, v2 in v.items():
                add(sub, k2, v2)
        else:
            d[k] = d.get(k, 0) + v
    for u in units:
        for k, v in counts_of(u).items():
            add(tot, k, v)
    return tot


def units(name, spath, *mpaths):
    """Units split the totals: they add up to them, and the units of each
    VF add up to that VF's migsim (its own accounting)."""
    s = summary_of(lines(spath), name)
    if s is None:
        return
    us = s.get("units", [])
    got, want = add_up(us), counts_of(s)
    want.pop("drops")
    diff = sorted(k for k in want if got.get(k) != want[k])
    expect(name + "-add-up", us and not diff,
           f"units do not add up to the totals in {diff}" if us else
           "no units in the summary")
    for mp in mpaths:
        m = json.loads(open(mp).read().strip().splitlines()[-1])
        vf = m.get("vf")
        pids = {u["pid"] for u in us if u.get("vf") == vf}
        expect(f"{name}-vf{vf}-pids", len(pids) == 2,
               f"VF{vf} units from pids {sorted(pids)}, expected source "
               "and destination")
        # the VF's processes' units, their unbound packets' ones included
        mine = [dict(u, drops=0) for u in us if u.get("pid") in pids]
        if mine:
            check_counts(f"{name}-vf{vf}", merge_summaries(mine), m)


def top_moved(name, path):
    """top's last table: the source VF read and the destination VF wrote
    the whole stream, as migsim (its JSON line, in the same output)
    counted it, with nothing dropped."""
    text = open(path).read().splitlines()
    m = [json.loads(ln) for ln in text if ln.startswith("{")]
    heads = [i for i, ln in enumerate(text) if ln.startswith("PID ")]
    if len(m) != 1 or not heads:
        nok(name, f"{len(m)} migsim results, {len(heads)} tables")
        return
    rows = [ln.split() for ln in text[heads[-1] + 1:]
            if ln[:1].isdigit()]
    moved = sorted(int(r[3]) for r in rows if r[1] == "1")
    want = [m[0]["stream_bytes"]] * 2
    expect(name, moved == want,
           f"VF1 rows moved {moved}, migsim streamed {want}")
    dropped = [ln for ln in text if "dropped" in ln]
    expect(name + "-drops", not dropped, dropped[:1])


def summary_vs_migsim(name, mpath, spath):
    m = json.loads(open(mpath).read().strip().splitlines()[-1])
    s = summary_of(lines(spath), name)
    if s:
        check_counts(name, s, m)


def perfetto(name, path, vram):
    try:
        d = json.load(open(path))
    except ValueError as e:
        nok(name, f"not valid JSON: {e}")
        return
    ev = d["traceEvents"]
    procs = {e["pid"]: e["args"]["name"] for e in ev
             if e["ph"] == "M" and e["name"] == "process_name"}
    threads = {e["args"]["name"] for e in ev
               if e["ph"] == "M" and e["name"] == "thread_name"}
    counters = {e["name"] for e in ev if e["ph"] == "C"}
    slices = {e["name"] for e in ev if e["ph"] == "X"}
    expect(name + "-processes",
           len([p for p in procs.values() if p.startswith("VF1 ")]) == 2,
           f"expected a VF1 process for source and destination: {procs}")
    want_t = {"GT0 states", "GT1 states", "GT0 packets", "data_read",
              "data_write"}
    expect(name + "-tracks", want_t <= threads,
           f"missing tracks {sorted(want_t - threads)}")
    want_c = {"GT0 ring occupancy", "GT1 ring occupancy"}
    want_s = {"SAVE_WIP", "RESTORE_WIP", "PAUSED", "GUC", "MMIO",
              "data_read", "data_write"}
    if vram == "vram":
        want_c.add("VRAM Gbit/s")
        want_s.add("VRAM")
    expect(name + "-counters", want_c <= counters,
           f"missing counters {sorted(want_c - counters)}")
    expect(name + "-slices", want_s <= slices,
           f"missing slices {sorted(want_s - slices)}")
    # slices on one track must not overlap (Perfetto needs strict nesting)
    by = {}
    for e in ev:
        if e["ph"] == "X":
            by.setdefault((e["pid"], e["tid"]), []).append(
                (e["ts"], e["ts"] + e["dur"]))
    bad = []
    for k, sl in by.items():
        sl.sort()
        for (s0, e0), (s1, e1) in zip(sl, sl[1:]):
            if s1 < e0 - 1e-3 and e1 > e0 + 1e-3:
                bad.append((k, (s0, e0), (s1, e1)))
    expect(name + "-nesting", not bad, f"overlapping slices: {bad[:3]}")


def filt(name, path, field, value):
    events = [e for e in lines(path) if e.get("type") != "summary"]
    if field == "ptype":
        rel = [e for e in events if e["type"] == "packet"
               and e["ptype"] != "-"]
    else:
        rel = [e for e in events if e.get(field) is not None]
    wrong = [e for e in rel if str(e[field]) != value]
    expect(name, not wrong and (rel or field == "vf"),
           f"{len(wrong)} of {len(rel)} events with {field} != {value}"
           if wrong else f"no event with {field} at all")
    if field == "vf":
        data = [e for e in events if e["type"] in ("data", "state")]
        expect(name + "-none", not data,
               f"{len(data)} data/state events of another VF got through")


def main():
    mode, name = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    if mode == "migrate":
        migrate(name, *args)
    elif mode == "same-summary":
        same_summary(name, *args)
    elif mode == "top-moved":
        top_moved(name, *args)
    elif mode == "same-counts":
        same_counts(name, *args)
    elif mode == "units":
        units(name, *args)
    elif mode == "summary-vs-migsim":
        summary_vs_migsim(name, *args)
    elif mode == "perfetto":
        perfetto(name, *args)
    elif mode == "filter":
        filt(name, *args)
    else:
        nok(name, f"unknown check {mode}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
