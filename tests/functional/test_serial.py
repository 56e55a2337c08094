#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Serial input: bytes written to -serial stdio reach the guest (interrupt
driven through the IOAPIC, and polled) and come back."""

import keeltest
from keeltest import check_in, exit_status


def echo(env, append):
    with env.start(env.guest_args('echo.elf', append=append)) as vm:
        vm.read_until('echo: ready', timeout=60)
        vm.write(b'hello-keel q')
        r = vm.wait(timeout=60)
    r.expect_status(exit_status(0))
    after = r.stdout.split('echo: ready', 1)[1]
    check_in('hello-keel q', after, 'echoed output')
    return r


@keeltest.test
def serial_echo_irq(env):
    r = echo(env, None)
    r.expect_out('echo: bye (12 bytes)')


@keeltest.test
def serial_echo_poll(env):
    echo(env, 'mode=poll')


if __name__ == '__main__':
    keeltest.main()
