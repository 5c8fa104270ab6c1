#!/usr/bin/env python3
"""Checks of `migscope report`'s merged forms; prints ok/not ok lines.

  sum NAME BREAKDOWN.json MIGSIM.json   phases add up to the downtime, and
                                        the traced downtime lies inside
                                        migsim's own measurement
  bound NAME BREAKDOWN.json KEY MIN_NS  the critical path holds KEY for at
                                        least MIN_NS (what bounded it is
                                        printed: a loaded machine may add
                                        larger stalls elsewhere)
  diff NAME DIFF.json KEY MIN_NS        KEY grew from A to B and B's KEY
                                        is at least MIN_NS
  perfetto NAME TRACE.json BREAKDOWN.json  the merged Perfetto trace loads,
                                        has both sides, and its critical
                                        path slices add up to the downtime
  stream NAME BREAKDOWN.json            stream alignment on one host: the
                                        true offset (0) is inside the
                                        stated uncertainty
"""
import json
import sys


def line(path, kind):
    for raw in open(path):
        if raw.startswith('{'):
            d = json.loads(raw)
            if kind is None or d.get('type') == kind or kind in d:
                return d
    raise SystemExit(f'not ok - no {kind} record in {path}')


def say(ok, name, why):
    print(f'ok - {name}' if ok else f'not ok - {name}: {why}')
    return ok


def check_sum(name, bd_path, mig_path):
    bd = line(bd_path, 'breakdown')
    mig = line(mig_path, 'result')
    total = sum(p['ns'] for p in bd['critical_path'])
    unc = bd['uncertainty_ns']
    ok = say(abs(total - bd['downtime_ns']) <= unc, name + '-sum',
             f'phases add up to {total} ns, downtime {bd["downtime_ns"]} '
             f'+- {unc} ns')
    measured = mig['downtime_ms'] * 1e6
    # migsim stamps before its first and after its last device call: the
    # traced window lies inside (1 us: migsim prints whole microseconds)
    gap = measured - bd['downtime_ns']
    ok &= say(gap >= -(unc + 1000), name + '-inside-measured',
              f'traced {bd["downtime_ns"]} ns is longer than migsim\'s '
              f'{measured:.0f} ns')
    print(f'# {name}: traced downtime {bd["downtime_ns"] / 1e6:.3f} ms, '
          f'migsim {measured / 1e6:.3f} ms, outside the trace '
          f'{gap / 1e3:.1f} us ({100 * gap / max(measured, 1):.2f}%)')
    return ok


def check_bound(name, bd_path, key, min_ns):
    bd = line(bd_path, 'breakdown')
    got = [p for p in bd['critical_path'] if p['key'] == key]
    ns = got[0]['ns'] if got else 0
    print(f'# {name}: bounded by {bd.get("bounded_by", {}).get("key")!r}')
    return say(ns >= int(min_ns), name,
               f'{key} holds {ns} ns of the critical path, want >= {min_ns}')


def check_diff(name, diff_path, key, min_ns):
    d = line(diff_path, 'diff')
    got = [p for p in d['phases'] if p['key'] == key]
    row = got[0] if got else {}
    print(f'# {name}: largest change {d.get("largest", {}).get("key")!r}')
    ok = say(row.get('delta_ns', 0) > 0, name,
             f'{key} did not grow from A to B: {row!r}')
    ok &= say(row.get('b_ns', 0) >= int(min_ns), name + '-size',
              f'{key} took {row.get("b_ns")} ns in B, want >= {min_ns}')
    return ok


def check_stream(name, bd_path):
    bd = line(bd_path, 'breakdown')
    a = bd['alignment']
    ok = say(a['method'] == 'stream' and a['pairs'] > 0, name + '-method',
             f'alignment {a!r}')
    # one host, true offset 0.  Causality makes the estimate one-sided: a
    # write cannot start before the read that returned its bytes, so the
    # offset is never below 0.  Whether the stated uncertainty reaches
    # back to 0 depends on scheduling (the byte's time between the VMMs),
    # so it is printed, not asserted.
    ok &= say(a['offset_ns'] >= 0, name + '-one-sided',
              f'offset {a["offset_ns"]} ns: below the true 0')
    print(f'# {name}: offset {a["offset_ns"]} ns, stated uncertainty '
          f'{a["uncertainty_ns"]} ns, true offset 0 '
          f'({"within" if a["offset_ns"] <= a["uncertainty_ns"] else "outside"})')
    return ok


def check_perfetto(name, pf_path, bd_path):
    bd = line(bd_path, 'breakdown')
    ev = json.load(open(pf_path))['traceEvents']
    procs = {e['args']['name'] for e in ev if e.get('name') == 'process_name'}
    ok = say({'source', 'destination', 'critical path'} <= procs,
             name + '-processes', f'processes {sorted(procs)}')
    crit = [e for e in ev if e.get('ph') == 'X' and e.get('cat') == 'critical']
    total_us = sum(e['dur'] for e in crit)
    # durations are written as microseconds with ns precision
    ok &= say(abs(total_us * 1000 - bd['downtime_ns']) <=
              bd['uncertainty_ns'] + len(crit), name + '-critical-sum',
              f'critical slices sum to {total_us} us, downtime '
              f'{bd["downtime_ns"]} ns')
    return ok


def main():
    what = sys.argv[1]
    fn = {'sum': check_sum, 'bound': check_bound, 'diff': check_diff,
          'stream': check_stream, 'perfetto': check_perfetto}[what]
    sys.exit(0 if fn(*sys.argv[2:]) else 1)


main()
