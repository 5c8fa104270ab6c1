#!/usr/bin/env python3
"""Host-side checks of the twin tier (tests/vm/test_vm_twin.sh).

The guest prints each JSON document of tests/vm/twin/test_trace.sh as
"TWINJSON <name> <line>"; this reads them from the console log and checks,
with the model tier's own checks (tests/trace/trace_check.py) where they
apply: the kernel trace of a migration through the twin accounts for
exactly what migsim counted; per GT the state walk holds upstream's
milestones in order and ends where migsim says; the user-space model and
the twin give the same summary.  The fentry tracer is `migscope record`: `migscope
report` of its file here gives the live summary again, and the events.  Usage:
twin_check.py CONSOLE-LOG MIGSCOPE.  Prints ok/not ok lines; exits 1 on
any failure.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "trace"))
import trace_check as tc  # noqa: E402

PREFIX = "TWINJSON "
B64 = "TWINB64 "


def read_blobs(console):
    """Files the guest printed in base64, by name."""
    parts = {}
    with open(console, errors="replace") as f:
        for ln in f:
            i = ln.find(B64)
            if i >= 0:
                name, _, data = ln[i + len(B64):].strip().partition(" ")
                parts.setdefault(name, []).append(data)
    return {n: base64.b64decode("".join(p)) for n, p in parts.items()}


def record_report(console, migscope, docs):
    """`record` in the guest, `report --events` here: the live summary
    again, and the fentry rung's events (the live run printed only its
    summary).  They become docs["fentry.trace"]."""
    rec = read_blobs(console).get("fentry.rec")
    live = [d for d in docs.get("fentry.trace", []) if d.get("type") == "summary"]
    if not rec or not live:
        tc.nok("record-report", "no record file or no live summary from the guest")
        return
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ("rec", "live", "report")]
        open(paths[0], "wb").write(rec)
        open(paths[1], "w").write(json.dumps(live[0]) + "\n")
        with open(paths[2], "w") as out:
            r = subprocess.run([migscope, "report", paths[0], "--json",
                                "--events"], stdout=out,
                               stderr=subprocess.PIPE, text=True)
        if r.returncode:
            tc.nok("record-report", f"migscope report exited {r.returncode}: "
                   f"{r.stderr.strip()[-200:]}")
            return
        tc.same_summary("record-report", paths[1], paths[2])
        docs["fentry.trace"] = tc.lines(paths[2])


def read_docs(console):
    docs = {}
    with open(console, errors="replace") as f:
        for ln in f:
            i = ln.find(PREFIX)
            if i < 0:
                continue
            name, _, doc = ln[i + len(PREFIX):].rstrip("\n").partition(" ")
            try:
                docs.setdefault(name, []).append(json.loads(doc))
            except ValueError:
                tc.nok("console-" + name, f"a line is not JSON: {doc[:80]}")
    return docs


def summary(docs, name):
    s = [d for d in docs.get(name + ".trace", []) if d.get("type") == "summary"]
    if len(s) != 1:
        tc.nok(name + "-summary", f"{len(s)} summary records in the trace")
        return None
    return s[0]


def migsim(docs, name):
    m = docs.get(name + ".migsim")
    if not m or m[-1].get("result") != "ok":
        tc.nok(name + "-migsim", f"migsim did not succeed: {m[-1] if m else 'no report'}")
        return None
    return m[-1]


def add(a, b):
    """Two migsim reports' counts, as one tracer saw them."""
    if isinstance(a, dict):
        return {k: add(a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)}
    return a + b


def calls(d):
    """The counts a tracer sees too: an interrupted call was an error."""
    return tc.traced_calls(d)


def accounting(mig, save, restore):
    """What migsim counted in the three runs of one tracer: a migration,
    then a save, then a restore of that stream."""
    return {
        "packets": add(mig["packets"], save["packets"]),
        "stream_bytes": mig["stream_bytes"] + save["stream_bytes"],
        "vram_bytes": 2 * mig["vram_bytes"],
        "data_read": add(calls(mig["data_read"]), calls(save["data_read"])),
        "data_write": add(calls(mig["data_write"]),
                          calls(restore["data_write"])),
    }


def window(docs, name, events):
    w = docs.get(name + ".window", [{}])[-1]
    return [e for e in events
            if w.get("from", 0) <= e.get("ts_ns", -1) <= w.get("to", -1)]


# The milestones a GT enters, in upstream's order, as the kernel programs
# can see them: they read the state bitmap around the control functions
# and worker steps (upstream inlines the state changes), so changes within
# one call arrive together, unordered, and a state entered and left inside
# one call is never seen: RESUME_WIP lives within resume_vf.
SAVE_ENTERS = [x for x in tc.SAVE_WALK if x[0] == "+"]
RESTORE_ENTERS = [x for x in tc.RESTORE_WALK
                  if x[0] == "+" and x != "+RESUME_WIP"]


def walks(name, events, m, role):
    """Per GT: upstream's milestones in order, and migsim's final states."""
    walk = SAVE_ENTERS if role == "src" else RESTORE_ENTERS
    states = sorted((e for e in events if e["type"] == "state"),
                    key=lambda e: e["ts_ns"])
    for gt, final in sorted(m[role + "_states"].items()):
        ev = [e for e in states if f"gt{e['gt']}" == gt]
        seq = [("+" if e["entered"] else "-") + e["state"] for e in ev]
        tc.expect(f"{name}-walk-{gt}", tc.is_subsequence(walk, seq),
                  f"upstream milestones {walk} are not in the traced order {seq[:40]}")
        bits = int(ev[-1]["bitmap"], 16) if ev else 0
        names = {e["bit"]: e["state"] for e in ev}
        traced = {names.get(b, str(b)) for b in range(64) if bits >> b & 1}
        want = set(n for n in final.split("|") if n)
        tc.expect(f"{name}-final-{gt}", traced == want,
                  f"traced final states {sorted(traced)}, migsim says {sorted(want)}")


def comparable(s):
    """What two traces of the same runs must agree on: not times, nor the
    number of stream writes (socket chunking), nor wait-state counts."""
    return {
        "packets": {t: {k: v[k] for k in ("produced", "consumed", "bytes",
                                          "consumed_bytes")}
                    for t, v in s["packets"].items()},
        "stream_bytes": s["stream_bytes"],
        "restore_stream_bytes": s["restore_stream_bytes"],
        "data_read": {k: s["data_read"][k] for k in ("calls", "bytes", "errors")},
        "data_write": {k: s["data_write"][k] for k in ("bytes", "errors")},
        "vram": {k: s["vram"][k] for k in ("chunks", "bytes", "errors")},
        "drops": s["drops"],
    }


def check_hook(docs, hook, model):
    s = summary(docs, hook)
    runs = [migsim(docs, f"{r}-{hook}") for r in ("migrate", "save", "restore")]
    if not s or None in runs:
        return
    mig, save, restore = runs
    tc.check_counts(hook, s, accounting(mig, save, restore))
    want = 4 * mig["packets"]["VRAM"]
    tc.expect(hook + "-vram-chunks", s["vram"]["chunks"] == want and
              s["vram"]["bytes"] == 4 * mig["vram_bytes"] and
              not s["vram"]["errors"],
              f"traced {s['vram']} , migsim {mig['packets']['VRAM']} VRAM "
              f"packets of {mig['vram_bytes']} bytes per direction and run")
    events = docs[hook + ".trace"]
    walks(f"save-{hook}", window(docs, f"save-{hook}", events), save, "src")
    walks(f"restore-{hook}", window(docs, f"restore-{hook}", events),
          restore, "dst")
    if model:
        a, b = comparable(model), comparable(s)
        diff = sorted(k for k in a if a[k] != b[k])
        tc.expect(hook + "-same-as-model", not diff,
                  f"user-space model and twin differ in {diff}: "
                  f"{[(a[k], b[k]) for k in diff][:2]}")


def main():
    docs = read_docs(sys.argv[1])
    record_report(sys.argv[1], sys.argv[2], docs)
    model = summary(docs, "model")
    for hook in ("fentry", "kprobe"):
        check_hook(docs, hook, model)
    sys.exit(1 if tc.FAILED else 0)


if __name__ == "__main__":
    main()
