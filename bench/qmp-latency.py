#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QMP latency, Keel vs qemu-system-x86_64, in the same run.

Measures, for each emulator, the round trip of query-status and the reply
latency of system_reset (request sent -> reply read, the RESET event
included), with the VM paused (-S) and running. Prints a Markdown table
(median and 99th percentile in microseconds). Figures only, never pass/fail.

    bench/qmp-latency.py --keel build/keel --guests build/tests/guests [-n 2000]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'functional'))
from qmp_client import QMPClient  # noqa: E402


def start(argv, sock):
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    q = QMPClient.unix_retry(sock, timeout=60, proc=proc)
    q.negotiate()
    return proc, q


def measure(q, cmd, n):
    lat = []
    for i in range(n):
        t = time.perf_counter()
        q.request(cmd, id=i)
        r = q.read_reply()
        lat.append((time.perf_counter() - t) * 1e6)
        if r.get('id') != i or 'return' not in r:
            raise RuntimeError('bad reply %r' % r)
        q.events.clear()
    lat.sort()
    return statistics.median(lat), lat[int(len(lat) * 0.99) - 1]


def run(name, argv, sock, n, results):
    proc, q = start(argv, sock)
    try:
        for state in ('paused', 'running'):
            if state == 'running':
                q.command('cont')
            for cmd in ('query-status', 'system_reset'):
                med, p99 = measure(q, cmd, n)
                results.append((cmd, state, name, med, p99))
        q.command('quit')
        proc.wait(timeout=30)
    finally:
        q.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--keel', default='build/keel')
    ap.add_argument('--guests', default='build/tests/guests')
    ap.add_argument('--qemu', default=shutil.which('qemu-system-x86_64'))
    ap.add_argument('-n', type=int, default=2000)
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, 'keel.sock')
        run('keel', [a.keel, '-nodefaults', '-display', 'none', '-m', '64', '-S',
                     '-serial', 'null', '-kernel', os.path.join(a.guests, 'echo.elf'),
                     '-qmp', 'unix:%s,server=on,wait=off' % sock], sock, a.n, results)
        if a.qemu:
            sock = os.path.join(tmp, 'qemu.sock')
            # SeaBIOS with no boot device: it ends up idle, like echo.elf.
            run('qemu', [a.qemu, '-nodefaults', '-display', 'none', '-m', '64', '-S',
                         '-machine', 'pc,accel=kvm', '-serial', 'null',
                         '-qmp', 'unix:%s,server=on,wait=off' % sock], sock, a.n, results)
    print('| command | VM | emulator | median (us) | p99 (us) |')
    print('| --- | --- | --- | ---: | ---: |')
    for cmd, state, name, med, p99 in sorted(results, key=lambda r: (r[0], r[1], r[2])):
        print('| %s | %s | %s | %.0f | %.0f |' % (cmd, state, name, med, p99))
    by = {(c, s, n): m for c, s, n, m, _ in results}
    for cmd in ('query-status', 'system_reset'):
        for state in ('paused', 'running'):
            if (cmd, state, 'qemu') in by:
                print('%s (%s): keel is %.1fx faster (median)' %
                      (cmd, state, by[(cmd, state, 'qemu')] / by[(cmd, state, 'keel')]))


if __name__ == '__main__':
    main()
