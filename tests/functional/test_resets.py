#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest-triggered reset (i8042 0xFE, port 0xCF9): the image is reloaded and
the entry state set again on every reset; -no-reboot exits instead."""

import re

import keeltest
from keeltest import check_eq, check_not_in, exit_status


def boots(r):
    return [int(m.group(1)) for m in re.finditer(r'^boot (\d+)$', r.stdout, re.M)]


def reset_loop(env, method):
    r = env.run_guest('reset.elf', append='method=%s boots=3' % method, timeout=120)
    r.expect_status(exit_status(0x2a))
    check_eq(boots(r), [1, 2, 3], 'boots')
    r.expect_out('reset: done')


def no_reboot(env, method):
    r = env.run_guest('reset.elf', append='method=%s boots=3' % method,
                      extra=['-no-reboot'], timeout=60)
    r.expect_status(0)
    check_eq(boots(r), [1], 'boots')
    check_not_in('reset: done', r.stdout, 'serial output')


@keeltest.test
def reset_i8042(env):
    reset_loop(env, 'kbd')


@keeltest.test
def reset_cf9(env):
    reset_loop(env, 'cf9')


@keeltest.test
def reset_many(env):
    # Each reset reloads the image (its .data/.bss start fresh) and the entry
    # registers; the counter outside the image keeps counting.
    r = env.run_guest('reset.elf', append='method=kbd boots=10', extra=['-smp', '2'],
                      timeout=180)
    r.expect_status(exit_status(0x2a))
    check_eq(boots(r), list(range(1, 11)), 'boots')


@keeltest.test
def no_reboot_i8042(env):
    no_reboot(env, 'kbd')


@keeltest.test
def no_reboot_cf9(env):
    no_reboot(env, 'cf9')


if __name__ == '__main__':
    keeltest.main()
