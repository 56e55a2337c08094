#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The PCI host bridge of -M pc and virtio-pci on /dev/kvm, with a tiny guest
(tests/guests/virtio-pci.c) that enumerates bus 0 through 0xCF8/0xCFC, sizes
and programs the BARs, walks the capabilities, sets up a virtio-blk queue and
reads sector 0 with completion interrupts by MSI-X (irqfd; a masked vector
waits in the PBA until unmasked) or by INTx through the IOAPIC (ioeventfd on
and off). Also the -device errors and that pc and microvm still boot."""

import keeltest
from keeltest import check_eq, check_in, exit_status

IMAGE_SIZE = 1 << 20


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def make_image(env):
    return env.tmpfile('disk.img', bytes((i * 13 + 5) & 0xff for i in range(IMAGE_SIZE)))


def run_pci(env, test, slot=3, extra=(), device_opts=''):
    img = make_image(env)
    args = ['-M', 'pc', '-drive', 'file=%s,format=raw,if=none,id=d0' % img]
    args += list(extra)
    args += ['-device', 'virtio-blk-pci,drive=d0,bus=pci.0,addr=%#x%s' % (slot, device_opts)]
    r = env.run_guest('virtio-pci.elf', append='test=%s slot=%d' % (test, slot), extra=args,
                      timeout=60)
    r.expect_status(exit_status(0))
    check_eq(int(r.value('sector_fnv'), 16), fnv(open(img, 'rb').read(512)), 'sector 0')
    return r


def check_layout(r, slot):
    check_in('pci=0:0x12378086', r.lines(), 'i440FX at 00.0')
    check_in('pci=%d:0x10421af4' % slot, r.lines(), 'virtio-blk-pci (1af4:1042)')
    check_eq(r.value('bar0_size'), '0x00004000', 'BAR 0 size')
    check_eq(r.value('bar1_size'), '0x00001000', 'BAR 1 (MSI-X) size')
    check_eq(r.value('caps'), '6', 'MSI-X + 5 virtio capabilities')
    check_eq(r.value('notify_mult'), '4', 'notify_off_multiplier')


@keeltest.test
def msix_interrupts(env):
    r = run_pci(env, 'msix')
    r.expect_out('virtio-pci: msix ok')
    check_layout(r, 3)
    check_eq(r.value('functions'), '2', 'functions on bus 0')
    check_eq(r.value('msix_vectors'), '2', 'one queue + config')
    check_eq(r.value('pba'), '0x00000001', 'masked vector pending')
    check_eq(r.value('pba_after'), '0x00000000', 'delivered at unmask')
    check_eq(r.value('isr'), '0', 'no ISR bit with MSI-X')
    check_eq(r.value('irqs'), '2', 'interrupts')


@keeltest.test
def msix_without_irqfd(env):
    """irqfd=off: every vector is a KVM_SIGNAL_MSI, same interrupts."""
    r = run_pci(env, 'msix', device_opts=',irqfd=off')
    r.expect_out('virtio-pci: msix ok')
    check_eq(r.value('pba_after'), '0x00000000', 'delivered at unmask')
    check_eq(r.value('irqs'), '2', 'interrupts')


@keeltest.test
def msix_without_ioeventfd(env):
    r = run_pci(env, 'msix', slot=0x1f, device_opts=',ioeventfd=off')
    r.expect_out('virtio-pci: msix ok')
    check_layout(r, 31)


@keeltest.test
def intx_interrupts(env):
    # INTA of slot s is on GSI [10, 11, 5, 7][s % 4], as the DSDT's _PRT says.
    for slot, gsi in ((3, 7), (4, 10), (9, 11)):
        r = run_pci(env, 'intx', slot=slot)
        r.expect_out('virtio-pci: intx ok')
        check_eq(r.value('intx_line'), str(gsi), 'interrupt line of slot %d' % slot)
        check_eq(r.value('isr'), '1', 'queue interrupt in the ISR')
        check_eq(r.value('irqs'), '1', 'one interrupt, the ISR read lowered the line')
    r = run_pci(env, 'intx', slot=5, device_opts=',ioeventfd=off')
    r.expect_out('virtio-pci: intx ok')


@keeltest.test
def system_reset(env):
    """0xCF9 with MSI-X on and the queue live: the function comes back cold."""
    r = run_pci(env, 'reset')
    r.expect_out('virtio-pci: cold after reset')
    r.expect_out('virtio-pci: reset ok')
    check_in('boot=2', r.lines(), 'second boot')


@keeltest.test
def several_devices(env):
    """Other virtio devices take the first free slots, with their own IDs."""
    r = run_pci(env, 'msix', extra=['-device', 'virtio-rng-pci',
                                    '-device', 'virtio-serial-pci,id=ser0'])
    check_eq(r.value('functions'), '4', 'functions on bus 0')
    check_in('pci=1:0x10441af4', r.lines(), 'virtio-rng-pci at 01.0')
    check_in('pci=2:0x10431af4', r.lines(), 'virtio-serial-pci at 02.0')
    r.expect_out('virtio-pci: msix ok')


@keeltest.test
def device_errors(env):
    img = make_image(env)
    drive = ['-drive', 'file=%s,format=raw,if=none,id=d0' % img]
    cases = [
        (['-M', 'microvm', '-device', 'virtio-rng-pci'],
         "No 'PCI' bus found for device 'virtio-rng-pci'"),
        (['-M', 'pc', '-device', 'virtio-rng-pci,addr=0'],
         'slot 0 function 0 not available'),
        (['-M', 'pc', '-device', 'virtio-rng-pci,addr=2', '-device', 'virtio-rng-pci,addr=2'],
         'slot 2 function 0 not available'),
        (['-M', 'pc', '-device', 'virtio-rng-pci,addr=0x20'], "Property 'addr'"),
        (['-M', 'pc', '-device', 'virtio-rng-pci,bus=pcie.0'], "Bus 'pcie.0' not found"),
        (['-M', 'pc'] + drive + ['-device', 'virtio-blk-pci'],
         "Property 'drive' is missing"),
        (['-M', 'pc', '-device', 'virtio-net-pci,netdev=nope'], 'nope'),
    ]
    for args, msg in cases:
        r = env.run(args + ['-kernel', env.guest('hello.elf')])
        r.expect_status(1)
        r.expect_err(msg)


@keeltest.test
def machines_still_boot(env):
    for machine in ('pc', 'pc-i440fx-7.2', 'microvm'):
        r = env.run_guest('hello.elf', extra=['-M', machine])
        r.expect_status(exit_status(0))


if __name__ == '__main__':
    keeltest.main()
