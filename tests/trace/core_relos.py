#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the byte length of the CO-RE relocation records in a BPF object
(.BTF.ext's core_relo_len; 0: libbpf needs no kernel BTF to relocate it)."""
import struct
import sys


def core_relo_len(path):
    d = open(path, "rb").read()
    if d[:4] != b"\x7fELF" or d[4] != 2:
        raise SystemExit("%s: not a 64-bit ELF file" % path)
    shoff = struct.unpack_from("<Q", d, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3a)
    secs = [struct.unpack_from("<IIQQQQ", d, shoff + i * shentsize)
            for i in range(shnum)]
    names = secs[shstrndx][4]
    for name_off, _, _, _, off, _ in secs:
        end = d.index(b"\0", names + name_off)
        if d[names + name_off:end] != b".BTF.ext":
            continue
        # btf_ext_header: magic, version, flags, hdr_len, then offset and
        # length of func_info, line_info and (hdr_len >= 32) core_relo
        hdr_len = struct.unpack_from("<I", d, off + 4)[0]
        if hdr_len < 32:
            return 0
        return struct.unpack_from("<I", d, off + 28)[0]
    return 0


print(core_relo_len(sys.argv[1]))
