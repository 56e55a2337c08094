#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""x86 machine devices seen from the command line and a guest: serial input
bursts larger than the 16550A FIFO (stdio and the mux), -serial none, and
device option errors."""

import keeltest
from keeltest import check_in, exit_status

BURST = b'0123456789abcdefghijklmnop-rstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789 q'


def burst(env, serial, append=None):
    args = ['-nodefaults', '-display', 'none', '-serial', serial,
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4',
            '-kernel', env.guest('echo.elf')]
    if append:
        args += ['-append', append]
    with env.start(args) as vm:
        vm.read_until('echo: ready', timeout=60)
        # All at once: more than the FIFO holds, so the backend must wait.
        vm.write(BURST)
        r = vm.wait(timeout=60)
    r.expect_status(exit_status(0))
    check_in(BURST.decode(), r.stdout.split('echo: ready', 1)[1], 'echoed output')


@keeltest.test
def serial_burst_stdio(env):
    burst(env, 'stdio')


@keeltest.test
def serial_burst_mux(env):
    burst(env, 'mon:stdio')


@keeltest.test
def serial_burst_poll(env):
    burst(env, 'stdio', 'mode=poll')


@keeltest.test
def serial_none(env):
    # No UART at all: the guest's output goes nowhere, its exit status still counts.
    r = env.run(['-nodefaults', '-display', 'none', '-serial', 'none',
                 '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4',
                 '-kernel', env.guest('hello.elf')], timeout=60)
    r.expect_status(exit_status(0))


@keeltest.test
def second_uart(env):
    r = env.run_guest('hello.elf', extra=['-chardev', 'null,id=c1', '-device',
                                          'isa-serial,chardev=c1,index=1'], timeout=60)
    r.expect_status(exit_status(0))
    r.expect_out('Hello from keel guest')


@keeltest.test(needs_kvm=False)
def device_errors(env):
    for dev, msg in [('isa-serial,chardev=nosuch', "can't find value 'nosuch'"),
                     ('isa-serial,index=7', 'index 7'),
                     ('isa-serial,bogus=1', 'bogus'),
                     ('isa-debug-exit,iobase=0x3f8', 'in use'),
                     ('isa-debug-exit,iosize=0', 'isa-debug-exit'),
                     ('pc-testdev,x=1', "'x'")]:
        r = env.run(['-nodefaults', '-display', 'none', '-serial', 'stdio',
                     '-device', dev, '-kernel', env.guest('hello.elf')], timeout=30)
        r.expect_status(1)
        r.expect_err(msg)


@keeltest.test(needs_kvm=False)
def machine_property(env):
    r = env.run(['-M', 'microvm,acpi=maybe', '-nodefaults', '-display', 'none',
                 '-kernel', env.guest('hello.elf')], timeout=30)
    r.expect_status(1)
    r.expect_err('acpi')


if __name__ == '__main__':
    keeltest.main()
