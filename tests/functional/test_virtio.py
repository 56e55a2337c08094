#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-mmio, virtio-blk and virtio-rng on /dev/kvm with a tiny guest that
drives the queues itself (tests/guests/virtio-blk.c): data integrity with
checksums, flush, several requests in flight, reset in the middle of I/O
(guest status 0 and system reset), a malformed chain that breaks only that
device, read-only drives, and the command-line errors for images. The I/O
tests run once per aio= backend (threads, io_uring). Interrupts through the
resample irqfd (the default) and KVM_IRQ_LINE (irqfd=off), with keel's
per-line counters (x-keel-virtio-mmio-irqs)."""

import fcntl
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402
from keeltest import Failure, check, check_eq, check_in, exit_status  # noqa: E402
from qmp_client import ProtocolError, QMPClient  # noqa: E402

SECTOR = 512
IMAGE_SIZE = 1 << 20


def pattern(seed, n=4096):
    return bytes((i * 7 + seed + (i >> 9)) & 0xff for i in range(n))


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def make_image(env, name='disk.img'):
    data = bytes((i * 13 + 5) & 0xff for i in range(IMAGE_SIZE))
    return env.tmpfile(name, data)


def read_sectors(path, sector, count=8):
    with open(path, 'rb') as f:
        f.seek(sector * SECTOR)
        return f.read(count * SECTOR)


def run_virtio(env, test, drive, extra=(), timeout=60):
    args = ['-drive', drive] + list(extra)
    r = env.run_guest('virtio-blk.elf', append='test=' + test, extra=args, timeout=timeout)
    if 'Keel was built without liburing' in r.stderr:
        raise keeltest.Skip('keel was built without liburing: no aio=io_uring')
    r.expect_status(exit_status(0))
    return r


def each_aio(fn):
    """Register fn(env, aio) as NAME (aio=threads) and NAME_io_uring."""
    for aio in ('threads', 'io_uring'):
        def run(env, aio=aio):
            return fn(env, aio)
        run.__name__ = fn.__name__ + ('' if aio == 'threads' else '_' + aio)
        run.__doc__ = fn.__doc__
        keeltest.test(run)
    return fn


def broken_lines(r):
    return [line for line in r.stderr.splitlines() if 'needs a reset' in line]


@each_aio
def blk_read_write_flush(env, aio):
    img = make_image(env)
    before = open(img, 'rb').read()
    r = run_virtio(env, 'rw', 'file=%s,format=raw,if=virtio,serial=KEELDISK,aio=%s' % (img, aio))
    r.expect_out('virtio: rw ok')
    check_eq(int(r.value('capacity')), IMAGE_SIZE // SECTOR, 'capacity')
    check_eq(int(r.value('host_fnv'), 16), fnv(before[:4096]), 'checksum of host data')
    check_eq(int(r.value('written_fnv'), 16), fnv(pattern(1)), 'checksum read back')
    check_eq(r.value('serial'), 'KEELDISK', 'GET_ID')
    check_eq(read_sectors(img, 8), pattern(1), 'sectors 8..15 on the image')
    check_eq(read_sectors(img, 16), bytes(4096), 'sectors 16..23 (write zeroes)')
    check_eq(read_sectors(img, 24, 2040 - 24), before[24 * SECTOR:2040 * SECTOR],
             'untouched sectors')
    check_eq(broken_lines(r), [], 'broken device lines')


@each_aio
def blk_none_and_device(env, aio):
    """-drive if=none + -device virtio-blk-device, cache=none (O_DIRECT)."""
    img = make_image(env)
    r = run_virtio(env, 'rw', 'file=%s,format=raw,if=none,id=d0,cache=none,aio=%s' % (img, aio),
                   extra=['-device', 'virtio-blk-device,drive=d0,id=disk0'])
    r.expect_out('virtio: rw ok')
    check_eq(read_sectors(img, 8), pattern(1), 'sectors 8..15 on the image')


@keeltest.test
def blk_without_ioeventfd(env):
    """QueueNotify as a plain MMIO exit (ioeventfd=off): same results."""
    img = make_image(env)
    dev = ['-device', 'virtio-blk-device,drive=d0,ioeventfd=off']
    r = run_virtio(env, 'rw', 'file=%s,if=none,id=d0' % img, extra=dev)
    r.expect_out('virtio: rw ok')
    r = run_virtio(env, 'reset', 'file=%s,if=none,id=d0' % img, extra=dev)
    r.expect_out('virtio: reset ok')
    r = run_virtio(env, 'bad', 'file=%s,if=none,id=d0' % img,
                   extra=dev + ['-device', 'virtio-rng-device,ioeventfd=off'])
    r.expect_out('virtio: bad ok')
    check_eq(len(broken_lines(r)), 1, 'log lines about the broken device')


@each_aio
def blk_readonly(env, aio):
    img = make_image(env)
    before = open(img, 'rb').read()
    r = run_virtio(env, 'rw', 'file=%s,if=virtio,readonly=on,aio=%s' % (img, aio))
    r.expect_out('virtio: ro ok')
    check_eq(r.value('readonly'), '1', 'VIRTIO_BLK_F_RO')
    check_eq(open(img, 'rb').read(), before, 'image after a refused write')


@each_aio
def blk_reset_mid_io(env, aio):
    """Guest writes status 0 with writes in flight: they complete first."""
    img = make_image(env)
    r = run_virtio(env, 'reset', 'file=%s,format=raw,if=virtio,aio=%s' % (img, aio))
    r.expect_out('virtio: reset ok')
    check_eq(read_sectors(img, 32), pattern(5), 'first in-flight write')
    check_eq(read_sectors(img, 40), pattern(6), 'second in-flight write')


@each_aio
def blk_system_reset_mid_io(env, aio):
    img = make_image(env)
    r = run_virtio(env, 'sysreset', 'file=%s,format=raw,if=virtio,aio=%s' % (img, aio))
    r.expect_out('boot=2')
    r.expect_out('virtio: sysreset ok')
    check_eq(read_sectors(img, 48), pattern(9), 'in-flight write across reset')
    check_eq(read_sectors(img, 56), pattern(10), 'in-flight write across reset')


def irq_counters(env, img, dev_extra=(), extra=(), aio='threads', if_virtio=False):
    """Run the irq guest until it holds, then read keel's line counters.
    if_virtio: the disk is -drive if=virtio (the virtio-blk alias), no -device."""
    path = os.path.join(env.tmpdir, 'qmp.sock')
    if if_virtio:
        disk = ['-drive', 'file=%s,format=raw,if=virtio,aio=%s' % (img, aio)]
    else:
        disk = ['-drive', 'file=%s,format=raw,if=none,id=d0,aio=%s' % (img, aio),
                '-device', ','.join(['virtio-blk-device,drive=d0'] + list(dev_extra))]
    args = env.guest_args('virtio-blk.elf', append='test=irq hold=1', extra=disk + [
        '-qmp', 'unix:%s,server=on,wait=off' % path] + list(extra))
    with env.start(args) as vm:
        out = vm.read_until('virtio: holding', timeout=60)
        try:
            q = QMPClient.unix_retry(path, proc=vm.proc)
            q.negotiate()
            lines = q.command('x-keel-virtio-mmio-irqs')
            q.command('quit')
            q.close()
        except (ProtocolError, OSError, EOFError) as e:
            raise Failure('QMP: %s\n%s' % (e, vm.result(False).describe()))
        r = vm.wait(timeout=30)
    r.expect_status(0)
    check_in('irqs=4', out, 'guest interrupt count')
    check_eq(len(lines), 1, 'virtio-mmio lines')
    return lines[0]


@each_aio
def blk_interrupts(env, aio):
    """Completions interrupt through IOAPIC GSI 16 (what the DSDT says), by
    default through an irqfd whose resample eventfd lowers the line at the
    guest's EOI. The guest: 3 completions, a completion while GSI 16 is
    masked and then a device reset (the line must not survive it), one more
    completion, and one with NO_INTERRUPT."""
    img = make_image(env)
    r = run_virtio(env, 'irq', 'file=%s,format=raw,if=virtio,aio=%s' % (img, aio))
    r.expect_out('virtio: irq ok')
    check_eq(r.value('irqs'), '4', 'queue interrupts')
    st = irq_counters(env, img, aio=aio)
    print('  irqfd: %s' % st, flush=True)
    check_eq((st['device'], st['line'], st['path']), ("virtio-blk 'd0'", 16, 'irqfd'), 'line')
    check_eq(st['asserts'], 5, 'raised by completions')
    check_eq(st['reset-drops'], 1, 'resets that lowered a raised line')
    # Every delivered interrupt's EOI resamples; nested hosts add a few.
    check(st['resamples'] >= 4, 'resamples: %d' % st['resamples'])
    # reasserts: a completion the main loop handled before the EOI's resample
    # signal rides on that resample; how often is a race, not checked.
    check_eq(st['isr'], 0, 'InterruptStatus at the end')


@keeltest.test
def blk_interrupts_irq_line(env):
    """irqfd=off: the same guest through KVM_IRQ_LINE, lowered by the ack;
    -global virtio-blk-device.irqfd=off does the same, also for the device
    -drive if=virtio makes (QEMU's virtio-blk alias, resolved at creation)."""
    img = make_image(env)
    for how in (dict(dev_extra=['irqfd=off']),
                dict(extra=['-global', 'virtio-blk-device.irqfd=off']),
                dict(if_virtio=True, extra=['-global', 'virtio-blk-device.irqfd=off'])):
        st = irq_counters(env, img, **how)
        print('  line: %s' % st, flush=True)
        check_eq((st['line'], st['path']), (16, 'line'), 'line (%s)' % how)
        check_eq((st['asserts'], st['deasserts']), (5, 5), 'raised and lowered')
        check_eq((st['resamples'], st['reset-drops']), (0, 0), 'no irqfd activity')


@keeltest.test
def blk_interrupts_across_system_reset(env):
    """A line left raised (GSI 16 masked) by boot 1 is lowered by the system
    reset: boot 2 gets every interrupt, with irqfd on and off."""
    img = make_image(env)
    for irqfd in ('on', 'off'):
        r = run_virtio(env, 'irqreset', 'file=%s,if=none,id=d0' % img, timeout=30,
                       extra=['-device', 'virtio-blk-device,drive=d0,irqfd=%s' % irqfd])
        r.expect_out('boot=2')
        r.expect_out('virtio: irq ok')
        check_eq(r.value('irqs'), '4', 'queue interrupts after the reset (irqfd=%s)' % irqfd)


@keeltest.test
def blk_without_irqfd(env):
    """irqfd=off: data, resets and breakage the same."""
    img = make_image(env)
    dev = ['-device', 'virtio-blk-device,drive=d0,irqfd=off']
    r = run_virtio(env, 'rw', 'file=%s,if=none,id=d0' % img, extra=dev)
    r.expect_out('virtio: rw ok')
    r = run_virtio(env, 'reset', 'file=%s,if=none,id=d0' % img, extra=dev)
    r.expect_out('virtio: reset ok')
    r = run_virtio(env, 'sysreset', 'file=%s,if=none,id=d0' % img, extra=dev)
    r.expect_out('virtio: sysreset ok')
    r = env.run(env.guest_args('virtio-blk.elf') +
                ['-device', 'virtio-rng-device,irqfd=maybe'])
    r.expect_status(1)
    r.expect_err('irqfd')


@keeltest.test
def malformed_chain_breaks_only_that_device(env):
    img = make_image(env)
    r = run_virtio(env, 'bad', 'file=%s,format=raw,if=virtio' % img,
                   extra=['-device', 'virtio-rng-device'])
    r.expect_out('virtio: bad ok')
    check_eq(int(r.value('bad_status'), 16) & 0x40, 0x40, 'NEEDS_RESET')
    check_eq(r.value('rng_len'), '64', 'virtio-rng bytes')
    lines = broken_lines(r)
    check_eq(len(lines), 1, 'log lines about the broken device')
    check_in("virtio-blk 'virtio0'", lines[0], 'log line')
    check_in('loops', lines[0], 'log line')


@keeltest.test
def image_errors(env):
    img = make_image(env)
    base = env.guest_args('virtio-blk.elf')
    r = env.run(base + ['-drive', 'file=%s/missing.img,if=virtio' % env.tmpdir])
    r.expect_status(1)
    r.expect_err("Could not open '%s/missing.img': No such file or directory" % env.tmpdir)
    # Two writers of one image (in one process: OFD locks are per open file).
    r = env.run(base + ['-drive', 'file=%s,if=none,id=a' % img,
                        '-drive', 'file=%s,if=none,id=b' % img,
                        '-device', 'virtio-blk-device,drive=a',
                        '-device', 'virtio-blk-device,drive=b'])
    r.expect_status(1)
    r.expect_err('Failed to get "write" lock')
    # Readers share.
    r = run_virtio(env, 'rw', 'file=%s,if=none,id=a,readonly=on' % img,
                   extra=['-drive', 'file=%s,if=none,id=b,readonly=on' % img,
                          '-device', 'virtio-blk-device,drive=a',
                          '-device', 'virtio-blk-device,drive=b'])
    r.expect_out('virtio: ro ok')
    for bad, msg in [('format=qcow2', "format 'qcow2' is not supported"),
                     ('if=ide', 'if=ide is not supported'),
                     ('aio=native', 'aio=native is not supported (use aio=threads or '
                                    'aio=io_uring)'),
                     ('cache=bogus', "invalid cache option 'bogus'"),
                     ('bogus=1', "Parameter 'bogus' is unexpected")]:
        r = env.run(base + ['-drive', 'file=%s,%s' % (img, bad)])
        r.expect_status(1)
        r.expect_err(msg)
    r = env.run(base + ['-device', 'virtio-blk-device,drive=nope'])
    r.expect_status(1)
    r.expect_err("drive 'nope' not found")
    r = env.run(base + ['-drive', 'file=%s,if=none,id=a' % img,
                        '-device', 'virtio-blk-device,drive=a',
                        '-device', 'virtio-blk-device,drive=a'])
    r.expect_status(1)
    r.expect_err("drive 'a' is already in use")


@keeltest.test
def image_locked_by_another_process(env):
    if not hasattr(fcntl, 'F_OFD_SETLK'):
        raise keeltest.Skip('python has no F_OFD_SETLK')
    img = make_image(env)
    fd = os.open(img, os.O_RDWR)
    try:
        # struct flock on x86_64: type, whence, start, len, pid (+ padding).
        fl = struct.pack('hhqqi4x', fcntl.F_WRLCK, os.SEEK_SET, 100, 1, 0)
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, fl)
        r = env.run(env.guest_args('virtio-blk.elf') + ['-drive', 'file=%s,if=virtio' % img])
        r.expect_status(1)
        r.expect_err('Is another process using the image?')
    finally:
        os.close(fd)
    check(True)


if __name__ == '__main__':
    keeltest.main()
