#!/usr/bin/env python3
"""Compare scraped metrics with the trace's own summary; ok/not ok lines.

  prom NAME SUMMARY.json PROM_URL   query a Prometheus server's HTTP API
  file NAME SUMMARY.json FILE       read a node_exporter textfile
"""
import json
import re
import sys
import urllib.parse
import urllib.request

SAMPLE = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')


def summary(path):
    for line in open(path):
        if '"type":"summary"' in line:
            return json.loads(line)
    raise SystemExit(f'not ok - no summary in {path}')


def expected(s):
    """(metric, labels) -> the value the summary says."""
    want = {
        ('migscope_events_total', ()): s['events'],
        ('migscope_events_dropped_total', ()): s['drops'],
        ('migscope_stream_bytes_total', (('side', 'source'),)): s['stream_bytes'],
        ('migscope_stream_bytes_total', (('side', 'destination'),)):
            s['restore_stream_bytes'],
    }
    for side, key in (('source', 'data_read'), ('destination', 'data_write')):
        for f in ('calls', 'bytes', 'errors'):
            want[(f'migscope_data_{f}_total', (('side', side),))] = s[key][f]
    for side, key in (('source', 'save'), ('destination', 'restore')):
        want[('migscope_vram_bytes_total', (('side', side),))] = \
            s['vram'][key]['bytes']
        want[('migscope_vram_chunks_total', (('side', side),))] = \
            s['vram'][key]['chunks']
    for t, p in s['packets'].items():
        want[('migscope_packets_total',
              (('side', 'source'), ('type', t)))] = p['produced']
        want[('migscope_packets_total',
              (('side', 'destination'), ('type', t)))] = p['consumed']
    return want


def from_prometheus(url, metric, labels):
    sel = ','.join(f'{k}="{v}"' for k, v in labels)
    q = f'last_over_time({metric}{{{sel}}}[10m])'
    with urllib.request.urlopen(f'{url}/api/v1/query?' +
                                urllib.parse.urlencode({'query': q})) as r:
        res = json.load(r)['data']['result']
    return float(res[0]['value'][1]) if len(res) == 1 else None


def from_file(path):
    got = {}
    for line in open(path):
        m = SAMPLE.match(line.strip())
        if not m:
            continue
        labels = tuple(sorted(tuple(kv.split('=', 1)) for kv in
                              m.group(2).split(','))) if m.group(2) else ()
        labels = tuple((k, v.strip('"')) for k, v in labels)
        got[(m.group(1), labels)] = float(m.group(3))
    return got


def main():
    how, name, spath, where = sys.argv[1:5]
    want = expected(summary(spath))
    table = from_file(where) if how == 'file' else None
    bad = []
    for (metric, labels), value in sorted(want.items()):
        key = (metric, tuple(sorted(labels)))
        got = table.get(key) if table is not None else \
            from_prometheus(where, metric, labels)
        if got is None or got != value:
            bad.append(f'{metric}{dict(labels)}: scraped {got}, summary {value}')
    if bad:
        print(f'not ok - {name}: ' + '; '.join(bad[:5]))
        sys.exit(1)
    print(f'ok - {name}')
    print(f'# {name}: {len(want)} totals equal the summary')


main()
