#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpus of fuzz-virtqueue (hex text) into corpus/virtqueue/.

Deterministic: well-formed and malformed rings plus seeded random mutations.
Run from anywhere; rewrites the directory's seed-* files.
"""
import os
import random
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'virtqueue')
NEXT, WRITE, INDIRECT = 1, 2, 4
DESC, AVAIL, USED = 0, 0x400, 0x800


def image(qlog, feat, push, descs, heads, avail_idx=None, used_event=0, extra=()):
    ram = bytearray(0x1000)
    for i, (addr, ln, fl, nx) in descs:
        struct.pack_into('<QIHH', ram, DESC + 16 * i, addr, ln, fl, nx)
    n = 1 << qlog
    for k, h in enumerate(heads):
        struct.pack_into('<H', ram, AVAIL + 4 + 2 * (k % n), h)
    struct.pack_into('<H', ram, AVAIL + 2, len(heads) if avail_idx is None else avail_idx)
    struct.pack_into('<H', ram, AVAIL + 4 + 2 * n, used_event)
    for off, blob in extra:
        ram[off:off + len(blob)] = blob
    return bytes([qlog | feat << 4, push]) + bytes(ram)


def table(entries):
    b = bytearray()
    for addr, ln, fl, nx in entries:
        b += struct.pack('<QIHH', addr, ln, fl, nx)
    return bytes(b)


def seeds():
    s = {}
    s['simple'] = image(3, 0, 1, [(0, (0x2000, 16, NEXT, 1)), (1, (0x2100, 1, WRITE, 0))], [0])
    s['three'] = image(3, 2, 4, [(0, (0x2000, 16, 0, 0)), (1, (0x2000, 8, WRITE, 0)),
                                 (2, (0x3000, 64, NEXT, 1))], [0, 1, 2], used_event=1)
    s['indirect'] = image(2, 1, 8, [(0, (0x1000, 48, INDIRECT, 0))], [0], extra=[
        (0x1000, table([(0x2000, 16, NEXT, 1), (0x2400, 512, NEXT | WRITE, 2),
                        (0x2800, 1, WRITE, 0)]))])
    s['loop'] = image(3, 0, 0, [(0, (0x2000, 16, NEXT, 1)), (1, (0x2000, 16, NEXT, 0))], [0])
    s['selfloop'] = image(3, 0, 0, [(5, (0x2000, 16, NEXT, 5))], [5])
    s['range'] = image(3, 0, 0, [(0, (0x2000, 16, NEXT, 9))], [0])
    s['outside'] = image(3, 0, 0, [(0, (0xfff0, 32, 0, 0))], [0])
    s['direction'] = image(3, 0, 0, [(0, (0x2000, 16, WRITE | NEXT, 1)),
                                     (1, (0x2000, 16, 0, 0))], [0])
    s['ahead'] = image(3, 0, 0, [], [], avail_idx=40)
    s['badsize'] = image(5, 0, 0, [], [])
    s['nested'] = image(2, 1, 0, [(0, (0x1000, 16, INDIRECT, 0))], [0],
                        extra=[(0x1000, table([(0x1000, 16, INDIRECT, 0)]))])
    s['indirect-nofeat'] = image(2, 0, 0, [(0, (0x1000, 16, INDIRECT, 0))], [0],
                                 extra=[(0x1000, table([(0x2000, 16, 0, 0)]))])
    s['indirect-loop'] = image(2, 1, 0, [(0, (0x1000, 32, INDIRECT, 0))], [0], extra=[
        (0x1000, table([(0x2000, 16, NEXT, 1), (0x2000, 16, NEXT, 0)]))])
    s['oversize'] = image(2, 1, 0, [(0, (0x1000, 16 * 20, INDIRECT, 0))], [0], extra=[
        (0x1000, table([(0x2000, 0xff000000, NEXT, i + 1) for i in range(20)]))])
    rnd = random.Random(1234)
    base = list(s.values())
    for k in range(24):
        b = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 12)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        s['mut%02d' % k] = bytes(b)
    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.startswith('seed-'):
            os.unlink(os.path.join(OUT, name))
    for name, data in seeds().items():
        # Trailing zero pages carry nothing: trim them to keep the files small.
        data = data.rstrip(b'\0')
        with open(os.path.join(OUT, 'seed-' + name), 'w') as f:
            f.write('#hex\n')
            for i in range(0, len(data), 32):
                f.write(data[i:i + 32].hex() + '\n')


if __name__ == '__main__':
    main()
