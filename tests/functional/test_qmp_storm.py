#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Storms over QMP: 1000 system_reset commands at random intervals, and
1000 stop/cont rounds, against 4 vCPUs running the reset firmware guest
(tests/guests/rom/resetguest.bin with keel-testdev).

Checked: every command answered in order; exactly one RESET event
(host-qmp-system-reset) per system_reset, sent before its reply as QEMU
does; the reset audit after every reset clean (x-keel-reset-stats);
query-status consistent after every stop and cont.

keel-testdev's mode=work: the guest's 4 vCPUs do sequence-numbered MMIO
writes and MMIO/PIO reads, the device drives nothing itself and prints its
verdict (lost/duplicated writes, entry checks, audits) when the process exits.
"""
import os
import random
import re
import select
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keeltest  # noqa: E402
from keeltest import Failure, check, check_eq  # noqa: E402
from qmp_client import ProtocolError, QMPClient  # noqa: E402

COUNT = int(os.environ.get('KEEL_QMP_STORM_COUNT', '1000'))


def start(env):
    rom = os.path.join(env.guests, 'rom', 'resetguest.bin')
    if not os.path.exists(rom):
        raise Failure('reset firmware guest not built: %s' % rom)
    path = os.path.join(env.tmpdir, 'qmp.sock')
    for mode in ('work',):
        vm = env.start(['-nodefaults', '-display', 'none', '-smp', '4', '-m', '64',
                        '-bios', rom, '-device', 'keel-testdev,mode=%s,seed=7' % mode,
                        '-qmp', 'unix:%s,server=on,wait=off' % path])
        try:
            q = QMPClient.unix_retry(path, proc=vm.proc)
        except (ProtocolError, OSError, EOFError):
            r = vm.wait(timeout=30)
            raise Failure('keel did not start\n' + r.describe())
        try:
            q.negotiate()
        except (ProtocolError, OSError, EOFError):
            q.close()
            r = vm.wait(timeout=30)
            raise Failure('keel did not start\n' + r.describe())
        print('  keel-testdev mode=%s, %d rounds' % (mode, COUNT), flush=True)
        return vm, q
    raise Failure('unreachable')


def check_verdict(r):
    """The device's own account: load happened, nothing lost, entry state right."""
    r.expect_status(0)
    m = re.search(r'keel-testdev: exit .* seq_errors=(\d+) writes=(\d+) .* verdict=(\w+)',
                  r.stderr)
    if not m:
        raise Failure('no keel-testdev verdict\n' + r.describe())
    if m.group(3) != 'clean' or int(m.group(1)) != 0 or int(m.group(2)) == 0:
        raise Failure('keel-testdev: ' + m.group(0))


def pause(rng, q):
    """Random gap before the next command: none, or up to 3 ms (wakes early on input)."""
    if rng.random() < 0.3:
        return
    select.select([q.sock], [], [], rng.uniform(0.00005, 0.003))


@keeltest.test
def reset_storm(env):
    vm, q = start(env)
    try:
        rng = random.Random(7)
        before = q.command('x-keel-reset-stats')
        for i in range(COUNT):
            q.request('system_reset', id=i)
            resets = 0
            while True:
                m = q.read_message()
                if 'event' in m:
                    if m['event'] == 'RESET':
                        check_eq(m['data'], {'guest': False, 'reason': 'host-qmp-system-reset'},
                                 'RESET data')
                        resets += 1
                    elif m['event'] in ('SHUTDOWN', 'STOP'):
                        raise Failure('round %d: unexpected %r' % (i, m))
                    continue
                check_eq(m, {'return': {}, 'id': i}, 'reply %d' % i)
                break
            if resets != 1:
                raise Failure('round %d: %d RESET events before the reply' % (i, resets))
            pause(rng, q)
        st = q.command('x-keel-reset-stats')
        check_eq(st['resets'] - before['resets'], COUNT, 'resets done')
        check_eq(st['audits'] - before['audits'], COUNT, 'one audit per reset')
        check_eq(st['audit-mismatches'], 0, 'audit mismatches')
        check_eq(q.command('query-status')['status'], 'running', 'still running')
        q.command('quit')
        check_verdict(vm.wait(timeout=60))
    finally:
        q.close()
        vm.close()


@keeltest.test
def stop_cont_storm(env):
    vm, q = start(env)
    try:
        rng = random.Random(11)
        for i in range(COUNT):
            q.request('stop', id='s%d' % i)
            check_eq(q.read_message().get('event'), 'STOP', 'round %d: STOP first' % i)
            check_eq(q.read_message(), {'return': {}, 'id': 's%d' % i}, 'stop reply')
            st = q.command('query-status')
            if st != {'status': 'paused', 'singlestep': False, 'running': False}:
                raise Failure('round %d: after stop %r' % (i, st))
            pause(rng, q)
            q.request('cont', id='c%d' % i)
            check_eq(q.read_message().get('event'), 'RESUME', 'round %d: RESUME first' % i)
            check_eq(q.read_message(), {'return': {}, 'id': 'c%d' % i}, 'cont reply')
            st = q.command('query-status')
            if st != {'status': 'running', 'singlestep': False, 'running': True}:
                raise Failure('round %d: after cont %r' % (i, st))
            pause(rng, q)
        check_eq(q.take_events(), [], 'no stray events')
        check_eq(q.command('x-keel-reset-stats')['audit-mismatches'], 0, 'audits')
        q.command('quit')
        check_verdict(vm.wait(timeout=60))
    finally:
        q.close()
        vm.close()


if __name__ == '__main__':
    keeltest.main()
