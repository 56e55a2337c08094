#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: every error path gives one clear line naming the option
and exits 1 (never a crash); -version, -h and the help listings exit 0; the
chardev backends (file, pty, mon:stdio with its Ctrl-A keys) work end to end
and the terminal comes back as it was."""

import fcntl
import os
import pty
import resource
import select
import signal
import subprocess
import termios
import time

import keeltest
from keeltest import Failure, check, check_eq, check_in, check_not_in
from qmp_client import QMPClient

# (arguments, text the one error line must contain)
BAD = [
    (['-frobnicate'], '-frobnicate: invalid option'),
    (['--frobnicate'], '--frobnicate: invalid option'),
    (['disk.img'], "'disk.img'"),
    (['-m'], '-m: requires an argument'),
    (['-m', '0'], '-m 0:'),
    (['-m', 'lots'], '-m lots:'),
    (['-m', '64M,maxmem=1G'], 'hotplug'),
    (['-smp', '0'], '-smp 0:'),
    (['-smp', 'many'], '-smp many:'),
    (['-smp', '4,sockets=3'], 'Invalid CPU topology'),
    (['-smp', '4,maxcpus=2'], 'maxcpus'),
    (['-machine', 'nosuch'], 'nosuch'),
    (['-machine', 'pc,accel=tcg'], 'kvm'),
    (['-machine', 'pc,usb=on'], 'usb=on'),
    (['-machine', 'pc,frob=1'], "'frob'"),
    (['-M', 'pc,memory-backend=ram0'], 'memory-backend=ram0'),
    (['-M', 'none,mmu=hash'], "'mmu'"),
    (['-M', 'none,acpi=off'], "'acpi'"),
    (['-M', 'pc,ic-mode=xive'], "'ic-mode'"),
    (['-accel', 'tcg'], '-accel tcg:'),
    (['-accel', 'kvm,thread=multi'], "'thread'"),
    (['-cpu', ''], '-cpu :'),
    (['-device', 'nosuch-device'], "'nosuch-device' is not a valid device model name"),
    (['-device', '{"driver": "isa-serial", "chardev": {"x": 1}}'], "'chardev'"),
    (['-device', '{broken'], 'JSON'),
    (['-device', 'isa-debug-exit,iobase=0xf4,bogus=1', '-nodefaults'], "'bogus'"),
    (['-serial', 'vc'], '-serial vc:'),
    (['-serial', 'bogus'], '-serial bogus:'),
    (['-serial', 'chardev:nope'], "'nope'"),
    (['-serial', 'file:/nonexistent-dir/x'], '/nonexistent-dir/x'),
    (['-chardev', 'pty'], "'id'"),
    (['-chardev', 'spice,id=s'], "'spice'"),
    (['-chardev', 'null,id=a', '-chardev', 'null,id=a'], 'Duplicate'),
    (['-chardev', 'null,id=a,bogus=on', '-nodefaults'], "'bogus'"),
    (['-chardev', 'stdio,id=a,signal=maybe', '-nodefaults'], "chardev 'a': Parameter 'signal'"),
    (['-chardev', 'null,id=a,mux=maybe', '-nodefaults'], "chardev 'a': Parameter 'mux'"),
    (['-chardev', 'file,id=f', '-nodefaults'], "chardev 'f'"),
    (['-serial', 'mon:stdio', '-serial', 'mon:stdio'], 'already used'),
    (['-mon', 'chardev=nope,mode=control'], "'nope'"),
    (['-chardev', 'null,id=h', '-mon', 'chardev=h'], 'mode=control'),
    (['-monitor', 'stdio'], '-qmp'),
    (['-qmp', 'bogus'], '-qmp bogus:'),
    (['-display', 'gtk'], '-display gtk:'),
    (['-vga', 'std'], '-vga std:'),
    (['-netdev', 'tap'], "-netdev: Parameter 'id' is missing"),
    (['-object', 'iothread,id=io'], "'iothread'"),
    (['-audiodev', 'pa,id=a'], "'pa'"),
    (['-sandbox', 'on'], 'seccomp'),
    (['-overcommit', 'mem-lock=on'], 'mem-lock=on'),
    (['-rtc', 'base=localtime'], 'base=localtime'),
    (['-uuid', 'not-a-uuid'], '-uuid not-a-uuid:'),
    (['-name', 'x,debug-threads=maybe'], "'debug-threads'"),
    (['-initrd', '/x'], '-initrd'),
    (['-daemonize', '-nographic'], '-nographic cannot be used with -daemonize'),
    (['-daemonize', '-serial', 'stdio'], 'stdio'),
    (['-nodefaults', '-kernel', '/nonexistent/kernel'], 'could not load kernel'),
]


def one_error_line(r, needle):
    if r.timed_out:
        raise Failure('timed out\n' + r.describe())
    check_eq(r.returncode, 1, 'exit status of %s' % ' '.join(r.args[1:]))
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    check_eq(len(lines), 1, 'number of stderr lines for %s (%r)' % (' '.join(r.args[1:]),
                                                                      r.stderr))
    check_in(needle, lines[0], 'error line')
    check(lines[0].startswith('keel: '), 'error line prefix: %r' % lines[0])
    check_eq(r.stdout, '', 'stdout')


@keeltest.test(needs_kvm=False)
def bad_options(env):
    bad = []
    for args, needle in BAD:
        r = env.run(args, timeout=30)
        try:
            one_error_line(r, needle)
        except Failure as e:
            bad.append(str(e))
    if bad:
        raise Failure('\n'.join(bad))


@keeltest.test(needs_kvm=False)
def version(env):
    for opt in ('-version', '--version'):
        r = env.run([opt], timeout=30)
        r.expect_status(0)
        check(r.stdout.startswith('QEMU emulator version '), r.stdout)
        check_in('keel', r.stdout)
        check_eq(r.stderr, '', 'stderr')


@keeltest.test(needs_kvm=False)
def help(env):
    for opt in ('-h', '-help', '--help'):
        r = env.run([opt], timeout=30)
        r.expect_status(0)
        for o in ('-machine', '-serial', '-chardev', '-device', '-qmp', '-nographic'):
            check_in(o, r.stdout)


@keeltest.test(needs_kvm=False)
def help_listings(env):
    r = env.run(['-device', 'help'], timeout=30)
    r.expect_status(0)
    for d in ('isa-serial', 'isa-debug-exit'):
        check_in('name "%s"' % d, r.stdout)
    r = env.run(['-machine', 'help'], timeout=30)
    r.expect_status(0)
    check_in('microvm', r.stdout)
    check_in('(default)', r.stdout)
    for args, needle in ((['-cpu', 'help'], 'host'), (['-accel', 'help'], 'kvm'),
                         (['-chardev', 'help'], 'pty'), (['-display', 'help'], 'none'),
                         (['-device', 'isa-serial,help'], 'isa-serial')):
        r = env.run(args, timeout=30)
        r.expect_status(0)
        check_in(needle, r.stdout)


@keeltest.test
def harmless_options_accepted(env):
    """What libvirt passes and QEMU accepts without effect here runs the guest."""
    extra = ['-no-user-config', '-msg', 'timestamp=on', '-rtc', 'base=utc',
             '-boot', 'strict=on', '-overcommit', 'mem-lock=off', '-sandbox', 'off',
             '-audiodev', '{"id":"audio1","driver":"none"}', '-name',
             'guest=t,debug-threads=on', '-uuid', '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
             '-global', 'kvm-pit.lost_tick_policy=delay', '-accel', 'kvm',
             '-machine', 'pc,usb=off,dump-guest-core=off', '-cpu', 'host,migratable=on',
             '-object', 'secret,id=masterKey0,format=raw,file=/nonexistent']
    r = env.run_guest('hello.elf', extra=extra, timeout=60)
    r.expect_status(keeltest.exit_status(0))
    r.expect_out('Hello')


@keeltest.test
def serial_file(env):
    path = os.path.join(env.tmpdir, 'serial.log')
    with open(path, 'w') as f:
        f.write('stale\n')
    args = ['-nodefaults', '-display', 'none', '-serial', 'file:' + path,
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4',
            '-kernel', env.guest('hello.elf')]
    r = env.run(args, timeout=60)
    r.expect_status(keeltest.exit_status(0))
    with open(path) as f:
        data = f.read()
    check_in('Hello', data, 'serial file')
    check_not_in('stale', data, 'serial file (truncated)')


@keeltest.test
def chardev_pty(env):
    """-chardev pty + -device isa-serial, as libvirt does: the pty line, and the output."""
    with env.start(['-nodefaults', '-S', '-chardev', 'pty,id=charserial0', '-device',
                    '{"driver":"isa-serial","chardev":"charserial0","id":"serial0",'
                    '"index":0}', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4',
                    '-qmp', 'stdio', '-kernel', env.guest('hello.elf')]) as vm:
        deadline = time.monotonic() + 30
        while b'(label charserial0)' not in vm.err:
            if not vm._pump(deadline):
                raise Failure('no pty line: %r' % vm.err)
        line = [l for l in vm.err.decode().splitlines() if 'label charserial0' in l][0]
        check(line.startswith('char device redirected to /dev/pts/'), line)
        ptsname = line.split()[4]
        fd = os.open(ptsname, os.O_RDWR | os.O_NOCTTY)
        try:
            vm.read_until('"QMP"', timeout=30)
            vm.write('{"execute":"qmp_capabilities"}\n{"execute":"query-chardev"}\n'
                     '{"execute":"cont"}\n')
            vm.read_until('pty:' + ptsname, timeout=30)
            got = b''
            deadline = time.monotonic() + 60
            while b'Hello' not in got and time.monotonic() < deadline:
                ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
                if ready:
                    got += os.read(fd, 4096)
            check_in(b'Hello', got, 'pty output')
            r = vm.wait(timeout=60)
        finally:
            os.close(fd)
    r.expect_status(keeltest.exit_status(0))


class Tty:
    """keel on a pseudo-terminal, as a user at a shell runs it."""

    def __init__(self, env, args, ctty=False):
        self.master, self.slave = pty.openpty()
        self.before = termios.tcgetattr(self.slave)

        def child_setup():
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # crash tests
            if ctty:
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([env.keel] + args, stdin=self.slave,
                                     stdout=self.slave, stderr=self.slave,
                                     start_new_session=True, preexec_fn=child_setup)
        self.out = b''

    def read_until(self, needle, timeout=30):
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure('%r not seen; got %r' % (needle, self.out))
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    raise Failure('pty closed; got %r' % self.out)
        return self.out

    def write(self, data):
        os.write(self.master, data)

    def wait(self, timeout=30):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise Failure('keel did not exit; output %r' % self.out)

    def restored(self):
        return termios.tcgetattr(self.slave) == self.before

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)


@keeltest.test
def mon_stdio_escapes(env):
    """-nographic: Ctrl-A h helps, Ctrl-A c reaches QMP and back, Ctrl-A x exits 0,
    and the terminal settings are restored."""
    t = Tty(env, ['-S', '-nographic', '-kernel', env.guest('hello.elf')])
    try:
        # Keys typed before Keel switches the terminal to raw mode wait in the
        # line discipline and are delivered once it has.
        t.write(b'\x01h')
        t.read_until(b'Ctrl-A x')
        t.write(b'\x01c')
        t.read_until(b'"QMP"')
        t.write(b'{"execute":"qmp_capabilities"}\r')
        t.read_until(b'"return"')
        t.write(b'\x01c\x01x')
        check_eq(t.wait(), 0, 'exit status after Ctrl-A x')
        check(t.restored(), 'terminal settings not restored')
    finally:
        t.close()


def raw(fd):
    return not termios.tcgetattr(fd)[3] & termios.ICANON


@keeltest.test
def stdio_terminal_restored_on_signal(env):
    sock = os.path.join(env.tmpdir, 'qmp.sock')
    t = Tty(env, ['-S', '-nodefaults', '-serial', 'stdio', '-qmp',
                  'unix:%s,server=on,wait=off' % sock, '-kernel', env.guest('hello.elf')])
    try:
        # Monitors are created after the serial backend: the greeting means the
        # terminal is in raw mode by now.
        with QMPClient.unix_retry(sock, timeout=30, proc=t.proc):
            check(raw(t.slave), 'terminal not raw')
        t.proc.terminate()
        t.wait()
        check(t.restored(), 'terminal settings not restored after SIGTERM')
    finally:
        t.close()


@keeltest.test
def stdio_terminal_restored_on_crash(env):
    """A fatal signal (here SIGQUIT, Ctrl-\\) still restores the terminal."""
    sock = os.path.join(env.tmpdir, 'qmp.sock')
    t = Tty(env, ['-S', '-nodefaults', '-serial', 'stdio', '-qmp',
                  'unix:%s,server=on,wait=off' % sock, '-kernel', env.guest('hello.elf')])
    try:
        with QMPClient.unix_retry(sock, timeout=30, proc=t.proc):
            check(raw(t.slave), 'terminal not raw')
        t.proc.send_signal(signal.SIGQUIT)
        check_eq(t.wait(), -signal.SIGQUIT, 'exit status')
        check(t.restored(), 'terminal settings not restored after SIGQUIT')
    finally:
        t.close()


@keeltest.test
def stdio_raw_again_after_sigcont(env):
    """After Ctrl-Z and fg the shell's settings are back; Keel makes the terminal
    raw again when it is continued in the foreground."""
    sock = os.path.join(env.tmpdir, 'qmp.sock')
    t = Tty(env, ['-S', '-nodefaults', '-serial', 'stdio', '-qmp',
                  'unix:%s,server=on,wait=off' % sock, '-kernel', env.guest('hello.elf')],
            ctty=True)
    try:
        with QMPClient.unix_retry(sock, timeout=30, proc=t.proc) as q:
            q.negotiate()
            check(raw(t.slave), 'terminal not raw')
            termios.tcsetattr(t.slave, termios.TCSANOW, t.before)
            t.proc.send_signal(signal.SIGCONT)
            # The handler runs before Keel can answer the next command.
            q.command('query-status')
            check(raw(t.slave), 'terminal not raw again after SIGCONT')
        t.proc.terminate()
        t.wait()
        check(t.restored(), 'terminal settings not restored')
    finally:
        t.close()


@keeltest.test
def stdin_eof_does_not_spin(env):
    """A closed stdin (EOF) must not make the main loop spin: over a second of
    wall time Keel, paused, uses a small fraction of a second of CPU."""
    with env.start(['-S', '-nodefaults', '-serial', 'stdio',
                    '-kernel', env.guest('hello.elf')]) as vm:
        vm.proc.stdin.close()
        deadline = time.monotonic() + 1.0
        while vm._pump(deadline):
            pass
        with open('/proc/%d/stat' % vm.proc.pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        hz = os.sysconf('SC_CLK_TCK')
        check(ticks < hz // 2, 'keel used %d ticks of CPU in 1 s after stdin EOF' % ticks)


if __name__ == '__main__':
    keeltest.main()
