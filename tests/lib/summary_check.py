#!/usr/bin/env python3
"""The summary envelope every command shares (lib/summary.h).

Usage: summary_check.py NAME COMMAND FILE [KEY]
FILE holds JSON lines with exactly one "type":"summary" record, or, with
KEY, one JSON document whose KEY is the summary.  The record must start
with type, command, abi and drops, in that order: "summary", COMMAND,
MS_ABI_VERSION as include/migscope_abi.h defines it, a count.  Prints one
ok/not ok line; exits 1 on failure.
"""
import json
import os
import re
import sys

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "include", "migscope_abi.h")


def header_abi():
    with open(HEADER) as f:
        m = re.search(r"^#define\s+MS_ABI_VERSION\s+(\d+)", f.read(), re.M)
    return int(m.group(1))


def find_summary(path, key):
    with open(path) as f:
        if key:
            return [json.load(f)[key]]
        recs = [json.loads(ln) for ln in f if ln.lstrip().startswith("{")]
    return [r for r in recs if r.get("type") == "summary"]


def problems(s, command, abi):
    keys = list(s)[:4]
    if keys != ["type", "command", "abi", "drops"]:
        return f"starts with {keys}, not type, command, abi, drops"
    if s["type"] != "summary":
        return f"type {s['type']!r}"
    if s["command"] != command:
        return f"command {s['command']!r}, want {command!r}"
    if s["abi"] != abi:
        return f"abi {s['abi']!r}, include/migscope_abi.h says {abi}"
    if not isinstance(s["drops"], int) or s["drops"] < 0:
        return f"drops {s['drops']!r} is not a count"
    return None


def main():
    name, command, path = sys.argv[1:4]
    key = sys.argv[4] if len(sys.argv) > 4 else None
    try:
        sums = find_summary(path, key)
    except (OSError, ValueError, KeyError, TypeError) as e:
        sums, why = [], f"cannot read {path}: {e}"
    else:
        why = f"{len(sums)} summary records in {path}"
    if len(sums) == 1 and isinstance(sums[0], dict):
        why = problems(sums[0], command, header_abi())
    elif len(sums) == 1:
        why = f"the summary is {sums[0]!r}, not an object"
    if why:
        print(f"not ok - {name}: {why}")
        return 1
    print(f"ok - {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
