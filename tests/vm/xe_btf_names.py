#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the xe state bit and packet type enums straight from raw BTF.

An independent check of migscope's own BTF reader (lib/xe_btf.c, libbpf):
this parses the BTF format itself, from the kernel's documented layout,
and prints what it finds in the same "state N NAME" / "type N NAME" lines
as `migscope doctor --xe`.

Usage: xe_btf_names.py VMLINUX_BTF MODULE_BTF
       xe_btf_names.py --rename OLD NEW IN OUT   (same-length string swap in
                                                 a BTF file's string table)
"""
import struct
import sys

BTF_MAGIC = 0xEB9F
# bytes of kind-specific data after struct btf_type, per kind: (fixed, per vlen)
KIND_EXTRA = {
    1: (4, 0),    # INT
    2: (0, 0),    # PTR
    3: (12, 0),   # ARRAY
    4: (0, 12),   # STRUCT
    5: (0, 12),   # UNION
    6: (0, 8),    # ENUM
    7: (0, 0),    # FWD
    8: (0, 0),    # TYPEDEF
    9: (0, 0),    # VOLATILE
    10: (0, 0),   # CONST
    11: (0, 0),   # RESTRICT
    12: (0, 0),   # FUNC
    13: (0, 8),   # FUNC_PROTO
    14: (4, 0),   # VAR
    15: (0, 12),  # DATASEC
    16: (0, 0),   # FLOAT
    17: (4, 0),   # DECL_TAG
    18: (0, 0),   # TYPE_TAG
    19: (0, 12),  # ENUM64
}


def header(data):
    magic, _ver, _flags, hdr_len, type_off, type_len, str_off, str_len = \
        struct.unpack_from("<HBBIIIII", data, 0)
    if magic != BTF_MAGIC:
        sys.exit("not raw BTF (bad magic)")
    return hdr_len, type_off, type_len, str_off, str_len


class Btf:
    def __init__(self, path, base=None):
        self.data = open(path, "rb").read()
        hdr_len, type_off, type_len, str_off, str_len = header(self.data)
        self.types = self.data[hdr_len + type_off:hdr_len + type_off + type_len]
        self.strs = self.data[hdr_len + str_off:hdr_len + str_off + str_len]
        self.base = base
        self.base_str_len = base.str_len() if base else 0

    def str_len(self):
        return self.base_str_len + len(self.strs)

    def name(self, off):
        if off < self.base_str_len:
            return self.base.name(off)
        off -= self.base_str_len
        return self.strs[off:self.strs.index(b"\0", off)].decode()

    def enums(self):
        """(name, [(enumerator, value)]) for every ENUM/ENUM64 of this BTF"""
        pos = 0
        while pos < len(self.types):
            name_off, info, _size = struct.unpack_from("<III", self.types, pos)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            pos += 12
            fixed, per = KIND_EXTRA[kind]
            if kind in (6, 19):
                vals = []
                for i in range(vlen):
                    p = pos + i * per
                    if kind == 6:
                        n, v = struct.unpack_from("<Ii", self.types, p)
                    else:
                        n, lo, hi = struct.unpack_from("<III", self.types, p)
                        v = lo | hi << 32
                    vals.append((self.name(n), v))
                yield self.name(name_off), vals
            pos += fixed + per * vlen


def table(vmlinux, module):
    btf = Btf(module, Btf(vmlinux))
    found = {}
    for name, vals in btf.enums():
        found.setdefault(name, vals)
    out = []
    for kind, enum, prefix in (("state", "xe_gt_sriov_control_bits",
                                "XE_GT_SRIOV_STATE_"),
                               ("type", "xe_sriov_packet_type",
                                "XE_SRIOV_PACKET_TYPE_")):
        for n, v in sorted(found.get(enum, []), key=lambda e: e[1]):
            if n.startswith(prefix):
                out.append("%s %d %s" % (kind, v, n[len(prefix):]))
    return out


def rename(old, new, src, dst):
    """swap one string of a BTF string table for another of the same length"""
    if len(old) != len(new):
        sys.exit("--rename needs two names of the same length")
    data = bytearray(open(src, "rb").read())
    hdr_len, _to, _tl, str_off, str_len = header(data)
    start = hdr_len + str_off
    strs = bytes(data[start:start + str_len])
    at = strs.find(b"\0" + old.encode() + b"\0")
    if at < 0:
        sys.exit("%s is not in the string table of %s" % (old, src))
    data[start + at + 1:start + at + 1 + len(old)] = new.encode()
    open(dst, "wb").write(data)


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--rename":
        rename(*sys.argv[2:])
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for line in table(sys.argv[1], sys.argv[2]):
        print(line)


if __name__ == "__main__":
    main()
