#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""SMP bring-up through the in-kernel LAPIC: INIT/SIPI from the guest."""

import re

import keeltest
from keeltest import check_eq, exit_status


def cpus_reported(r):
    return sorted(int(m.group(1)) for m in re.finditer(r'^cpu (\d+) up$', r.stdout, re.M))


@keeltest.test
def smp4(env):
    r = env.run_guest('smp.elf', append='cpus=4', extra=['-smp', '4'], timeout=120)
    r.expect_status(exit_status(0))
    r.expect_out('smp: 4 of 4 cpus up')
    check_eq(cpus_reported(r), [0, 1, 2, 3], 'APIC ids reported')


@keeltest.test
def smp_count_from_fwcfg(env):
    r = env.run_guest('smp.elf', extra=['-smp', '2'], timeout=120)
    r.expect_status(exit_status(0))
    r.expect_out('smp: 2 of 2 cpus up')


@keeltest.test
def smp1(env):
    r = env.run_guest('smp.elf', append='cpus=1', timeout=60)
    r.expect_status(exit_status(0))
    check_eq(cpus_reported(r), [0], 'APIC ids reported')


if __name__ == '__main__':
    keeltest.main()
