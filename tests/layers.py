#!/usr/bin/env python3
"""Check that the layers point one way.

include/ (ABIs) <- lib/ (shared user-space helpers) <- src/<command>/ and
tools/; bpf/ sees include/ and bpf/lib/ only.  Every quoted #include must
resolve inside the including file's own directory or the directories its
layer may see; the build fragments of tools/ must not name src/, and those
of src/ must not name tools/ or bpf/ sources.  Prints one test line each.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else '.'
LAYERS = {
    'include': ['include'],
    'lib': ['include', 'lib'],
    'bpf': ['include', 'bpf', 'bpf/lib'],
    'tools': ['include', 'lib'],
    'src': ['include', 'lib', 'src', 'src/ladder'],
}
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    top = path.split('/')[0]
    return top if top in LAYERS else None


def allowed_dirs(path):
    """Own directory first, as the compiler looks, then the layer's."""
    dirs = [os.path.dirname(path)] + LAYERS[layer_of(path)]
    if path.startswith('tools/'):       # tools may use each other
        dirs += sorted('tools/' + d for d in os.listdir(
            os.path.join(ROOT, 'tools')))
    return dirs


def check_file(path, bad):
    dirs = allowed_dirs(path)
    with open(os.path.join(ROOT, path), errors='replace') as f:
        for n, line in enumerate(f, 1):
            m = INC.match(line)
            if not m:
                continue
            name = m.group(1)
            if path.startswith('src/') and name.endswith('.skel.h'):
                continue        # generated from bpf/: the BPF interface
            # a name is fine if it is found directly in an allowed dir;
            # "../x.h" or "dir/x.h" reaching elsewhere is not
            if any(os.path.dirname(os.path.normpath(os.path.join(d, name)))
                   == d and os.path.isfile(os.path.join(ROOT, d, name))
                   for d in dirs):
                continue
            bad.append(f'{path}:{n}: "{name}" is outside what '
                       f'{layer_of(path)}/ may include')


def check_makefiles(bad):
    rules = {'tools': re.compile(r'\bsrc/'),
             'src': re.compile(r'\b(tools|bpf)/')}
    for top, rx in rules.items():
        for dp, _, files in os.walk(os.path.join(ROOT, top)):
            for fn in files:
                if not fn.endswith('.mk'):
                    continue
                p = os.path.relpath(os.path.join(dp, fn), ROOT)
                with open(os.path.join(ROOT, p)) as f:
                    for n, line in enumerate(f, 1):
                        if not line.lstrip().startswith('#') and rx.search(line):
                            bad.append(f'{p}:{n}: names another layer: '
                                       f'{line.strip()}')


def main():
    bad, seen = [], 0
    for top in LAYERS:
        for dp, _, files in os.walk(os.path.join(ROOT, top)):
            for fn in files:
                if fn.endswith(('.c', '.h')) and fn != 'vmlinux.h':
                    check_file(os.path.relpath(os.path.join(dp, fn), ROOT),
                               bad)
                    seen += 1
    check_makefiles(bad)
    for b in bad:
        print('#', b)
    if seen == 0:
        print('not ok - layers: no source files found under', ROOT)
    elif bad:
        print(f'not ok - layers: {len(bad)} include(s) or build line(s) '
              'reach around the layers')
    else:
        print(f'ok - layers: {seen} files include only their own layer '
              'and the layers below it')
    return 1 if bad or seen == 0 else 0


sys.exit(main())
