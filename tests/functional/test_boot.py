#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loaders and the basic exit path: serial output, isa-debug-exit status,
Multiboot entry state, PVH, the Linux boot protocol, -bios, and -kernel errors."""

import keeltest
from keeltest import check, check_eq, check_not_in, exit_status


@keeltest.test
def serial_hello(env):
    r = env.run_guest('hello.elf')
    r.expect_status(exit_status(0))
    r.expect_out('Hello from keel guest (multiboot)\n')


@keeltest.test
def debug_exit_status(env):
    for v in (5, 0x7f):
        r = env.run_guest('hello.elf', append='exit=%d' % v)
        r.expect_status(exit_status(v))


@keeltest.test
def multiboot_entry(env):
    payload = 'MODULE-PAYLOAD-1234\n' + 'x' * 5000
    initrd = env.tmpfile('module.bin', payload)
    r = env.run_guest('mbinfo.elf', append='foo=bar  baz', initrd=initrd,
                      extra=['-m', '64'])
    r.expect_status(exit_status(0))
    check_eq(r.value('eax'), '0x2badb002', 'EAX at entry')
    check(int(r.value('ebx'), 16) != 0, 'EBX points to the info block')
    flags = int(r.value('flags'), 16)
    for bit, what in ((0, 'mem'), (2, 'cmdline'), (3, 'mods'), (6, 'mmap')):
        check(flags & (1 << bit), 'info flag %s (bit %d) set' % (what, bit))
    # QEMU convention: the kernel path, then -append.
    check_eq(r.value('cmdline'), env.guest('mbinfo.elf') + ' foo=bar  baz', 'cmdline')
    check(0 < int(r.value('mem_lower')) <= 640, 'mem_lower in KiB below 640')
    upper = int(r.value('mem_upper'))
    check(60 * 1024 <= upper <= 63 * 1024, 'mem_upper %d KiB for -m 64' % upper)
    check_eq(r.value('mods_count'), '1', 'module count')
    check_eq(r.value('mod0.string'), initrd, 'module string')
    start, end = int(r.value('mod0.start'), 16), int(r.value('mod0.end'), 16)
    check_eq(end - start, len(payload), 'module size')
    check_eq(start % 4096, 0, 'module page aligned')
    check(r.value('mod0.data').startswith('MODULE-PAYLOAD-1234.'), 'module content')
    mmap = [l.split() for l in r.lines() if l.startswith('mmap ')]
    check(any(int(m[1], 16) <= 0x100000 < int(m[1], 16) + int(m[2], 16) and m[3] == '1'
              for m in mmap), 'mmap has RAM at 1 MiB: %r' % mmap)
    check_eq(r.value('loader'), 'keel', 'boot loader name')


@keeltest.test
def multiboot_no_initrd(env):
    r = env.run_guest('mbinfo.elf')
    r.expect_status(exit_status(0))
    check_eq(r.value('mods_count'), '0', 'module count')
    check_eq(r.value('cmdline'), env.guest('mbinfo.elf'), 'cmdline without -append')


@keeltest.test
def pvh_boot(env):
    initrd = env.tmpfile('initrd.img', b'\0' * 12345)
    r = env.run_guest('pvh-hello.elf', append='exit=3 via=pvh', initrd=initrd)
    r.expect_status(exit_status(3))
    r.expect_out('Hello from keel guest (pvh)\n')
    check_eq(r.value('cmdline'), 'exit=3 via=pvh', 'PVH command line')
    check_eq(r.value('pvh.version'), '1', 'start_info version')
    check_eq(r.value('pvh.nr_modules'), '1', 'modules')
    check_eq(r.value('pvh.module0.size'), '12345', 'module size')
    check(int(r.value('pvh.memmap_entries')) > 0, 'memory map present')


@keeltest.test
def bios_reset_vector(env):
    # Starts at the reset vector; after an i8042 reset the firmware and the
    # entry state are there again (boot 2), then it exits through 0xf4.
    r = env.run(keeltest.BASE_ARGS + ['-bios', env.guest('bios.bin')])
    r.expect_status(exit_status(0x12))
    r.expect_out('Hello from keel bios (boot 1)\nHello from keel bios (boot 2)\n')


@keeltest.test
def bios_no_reboot(env):
    r = env.run(keeltest.BASE_ARGS + ['-bios', env.guest('bios.bin'), '-no-reboot'])
    r.expect_status(0)
    r.expect_out('Hello from keel bios (boot 1)\n')
    check_not_in('(boot 2)', r.stdout, 'serial output')


@keeltest.test
def linux_boot_protocol_64(env):
    # A fake bzImage with a real setup header: 64-bit entry through the
    # loader's identity page tables, rsi = zero page.
    initrd = env.tmpfile('initrd.img', 'INITRD-CONTENTS-' + 'y' * 100000)
    r = env.run_guest('linux64.bin', append='exit=4 console=ttyS0', initrd=initrd,
                      extra=['-m', '256'])
    r.expect_status(exit_status(4))
    r.expect_out('linux: 64-bit entry\n')
    check_eq(r.value('header'), '0x53726448', 'setup header copied')
    check_eq(r.value('type_of_loader'), '0x000000ff', 'type_of_loader')
    check_eq(r.value('cmdline'), 'exit=4 console=ttyS0', 'cmdline')
    check(int(r.value('cr4'), 16) & 0x20, 'PAE on')
    check(int(r.value('cr0'), 16) & 0x80000001 == 0x80000001, 'PE and PG on')
    rd = int(r.value('ramdisk_image'), 16)
    check_eq(int(r.value('ramdisk_size')), 100016, 'ramdisk size')
    check_eq(rd % 4096, 0, 'ramdisk page aligned')
    check(rd + 100016 <= min(256 << 20, 0x38000000), 'ramdisk below RAM top')
    check(rd >= 0x100000 + 0x40000, 'ramdisk above the kernel')
    check_eq(r.value('ramdisk_data'), 'INITRD-CONTENTS-', 'ramdisk content')
    n = int(r.value('e820_entries'))
    e820 = [l.split() for l in r.lines() if l.startswith('e820 ')]
    check_eq(len(e820), n, 'e820 entries')
    check(any(int(e[1], 16) <= 0x100000 and e[3] == '1' and
              int(e[1], 16) + int(e[2], 16) >= 256 << 20 for e in e820),
          'e820 RAM from 1 MiB to the top: %r' % e820)


@keeltest.test
def linux_boot_protocol_32(env):
    # Without XLF_KERNEL_64 the loader uses the 32-bit entry at code32_start.
    r = env.run_guest('linux32.bin')
    r.expect_status(exit_status(0x32))
    r.expect_out('linux: 32-bit entry\n')


@keeltest.test(needs_kvm=False)
def linux_cmdline_too_long(env):
    r = env.run(env.guest_args('linux64.bin', append='x' * 3000), timeout=30)
    r.expect_status(1)
    r.expect_err('could not load kernel')
    r.expect_err('command line too long')


@keeltest.test(needs_kvm=False)
def kernel_missing(env):
    r = env.run(keeltest.BASE_ARGS + ['-kernel', '/nonexistent'], timeout=30)
    r.expect_status(1)
    r.expect_err('could not load kernel')


@keeltest.test(needs_kvm=False)
def kernel_not_an_image(env):
    junk = env.tmpfile('junk.bin', b'this is not a kernel\n' * 100)
    r = env.run(keeltest.BASE_ARGS + ['-kernel', junk], timeout=30)
    r.expect_status(1)
    r.expect_err('could not load kernel')


@keeltest.test(needs_kvm=False)
def kernel_is_directory(env):
    r = env.run(keeltest.BASE_ARGS + ['-kernel', env.tmpdir], timeout=30)
    r.expect_status(1)
    r.expect_err('could not load kernel')


@keeltest.test(needs_kvm=False)
def initrd_missing(env):
    r = env.run(keeltest.BASE_ARGS + ['-kernel', env.guest('hello.elf'),
                                      '-initrd', '/nonexistent'], timeout=30)
    r.expect_status(1)
    r.expect_err('could not load initrd')


@keeltest.test(needs_kvm=False)
def bios_missing(env):
    r = env.run(keeltest.BASE_ARGS + ['-bios', '/nonexistent'], timeout=30)
    r.expect_status(1)
    r.expect_err('could not load bios')


if __name__ == '__main__':
    keeltest.main()
