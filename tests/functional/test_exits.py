#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest-triggered exits: ACPI S5, triple fault, an instruction KVM cannot
emulate; with and without -no-reboot / -no-shutdown, watched over QMP.
(i8042 and 0xCF9 resets are in test_resets.py.)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402
from keeltest import Failure, Skip, check_eq, check_in  # noqa: E402
from qmp_client import QMPClient, QMPError  # noqa: E402


def start(env, what, extra=()):
    path = os.path.join(env.tmpdir, 'qmp.sock')
    vm = env.start(env.guest_args('exits.elf', 'do=' + what,
                                  ['-S', '-device', 'pc-testdev',
                                   '-qmp', 'unix:%s,server=on,wait=off' % path] +
                                  list(extra)))
    q = QMPClient.unix_retry(path, proc=vm.proc)
    q.negotiate()
    q.command('cont')  # started with -S so no event is missed
    return vm, q


def pvm_host():
    """kvm_pvm (this project's dev hosts) reports a triple fault as an emulation failure."""
    return os.path.exists('/sys/module/kvm_pvm')


@keeltest.test
def acpi_s5_exits_zero(env):
    vm, q = start(env, 's5')
    try:
        ev = q.wait_event('SHUTDOWN', timeout=30)
        check_eq(ev['data'], {'guest': True, 'reason': 'guest-shutdown'}, 'SHUTDOWN data')
        vm.wait(timeout=30).expect_status(0)
    finally:
        q.close()
        vm.close()


@keeltest.test
def acpi_s5_no_shutdown_stays_and_resets(env):
    vm, q = start(env, 's5', ['-no-shutdown'])
    try:
        q.wait_event('SHUTDOWN', timeout=30)
        q.wait_event('STOP', timeout=30)
        check_eq(q.command('query-status')['status'], 'shutdown', 'run state')
        check(vm.proc.poll() is None, 'process stays up with -no-shutdown')
        q.command('system_reset')
        check_eq(q.command('query-status')['status'], 'prelaunch', 'after reset')
        q.command('cont')
        vm.read_until('exits: boot 2', timeout=30)
        # Shut down again; this time cont alone resets the guest first.
        q.wait_event('SHUTDOWN', timeout=30)
        q.wait_event('STOP', timeout=30)
        check_eq(q.command('query-status')['status'], 'shutdown', 'run state')
        q.command('cont')
        ev = q.wait_event('RESET', timeout=30)
        check_eq(ev['data']['guest'], False, 'RESET from cont')
        vm.read_until('exits: boot 3', timeout=30)
        q.command('quit')
        vm.wait(timeout=30).expect_status(0)
    finally:
        q.close()
        vm.close()


def check(cond, msg):
    if not cond:
        raise Failure(msg)


@keeltest.test
def bad_instruction_internal_error_keeps_process(env):
    vm, q = start(env, 'badinsn')
    try:
        vm.read_until('exits: boot 1', timeout=30)
        q.wait_event('STOP', timeout=30)
        check_eq(q.command('query-status')['status'], 'internal-error', 'run state')
        try:
            q.command('cont')
            raise Failure('cont accepted in internal-error')
        except QMPError:
            pass
        check(vm.proc.poll() is None, 'process stays up after an internal error')
        q.command('quit')
        r = vm.wait(timeout=30)
        r.expect_status(0)
        check_in('KVM internal error', r.stderr, 'stderr')
        check_in('RIP=', r.stderr, 'register dump')
    finally:
        q.close()
        vm.close()


@keeltest.test
def triple_fault_resets(env):
    if pvm_host():
        raise Skip('kvm_pvm reports a triple fault as an emulation failure, not '
                   'KVM_EXIT_SHUTDOWN; tests/nested/run-x86 checks it on a real KVM')
    vm, q = start(env, 'triple')
    try:
        ev = q.wait_event('RESET', timeout=30)
        check_eq(ev['data'], {'guest': True, 'reason': 'guest-reset'}, 'RESET data')
        vm.read_until('exits: boot 2', timeout=30)
        q.command('quit')
        vm.wait(timeout=30).expect_status(0)
    finally:
        q.close()
        vm.close()


@keeltest.test
def triple_fault_no_reboot_shuts_down(env):
    if pvm_host():
        raise Skip('kvm_pvm reports a triple fault as an emulation failure; '
                   'tests/nested/run-x86 checks it on a real KVM')
    vm, q = start(env, 'triple', ['-no-reboot'])
    try:
        ev = q.wait_event('SHUTDOWN', timeout=30)
        check_eq(ev['data'], {'guest': True, 'reason': 'guest-reset'}, 'SHUTDOWN data')
        vm.wait(timeout=30).expect_status(0)
    finally:
        q.close()
        vm.close()


if __name__ == '__main__':
    keeltest.main()
