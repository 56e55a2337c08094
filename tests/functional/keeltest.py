# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for Keel functional tests (python3 standard library only).

A test script looks like this:

    import keeltest
    from keeltest import check, check_eq, check_in

    @keeltest.test
    def hello(env):
        r = env.run_guest('hello.elf', append='exit=5')
        check_in('Hello', r.stdout)
        check_eq(r.returncode, keeltest.exit_status(5), 'exit status')

    if __name__ == '__main__':
        keeltest.main()

Every subprocess runs with a bounded timeout; nothing sleeps. main() runs
the registered tests, prints one line per test and a summary, and exits 0
(all passed), 77 (all skipped: meson's skip code) or 1.
"""

import argparse
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback

DEFAULT_TIMEOUT = 60.0
SKIP_EXIT = 77

# The command line every tiny-guest test starts from (see issue 2).
BASE_ARGS = ['-nodefaults', '-display', 'none', '-serial', 'stdio',
             '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4']


class Skip(Exception):
    """Raise to skip the current test (with a reason)."""


class Failure(AssertionError):
    """A failed check."""


def exit_status(value):
    """Process exit status for a guest writing value to isa-debug-exit."""
    return ((value << 1) | 1) & 0xff


def check(cond, msg='check failed'):
    if not cond:
        raise Failure(msg)


def check_eq(actual, expected, what='value'):
    if actual != expected:
        raise Failure('%s: expected %r, got %r' % (what, expected, actual))


def check_in(needle, haystack, what='output'):
    if needle not in haystack:
        raise Failure('%s does not contain %r' % (what, needle))


def check_not_in(needle, haystack, what='output'):
    if needle in haystack:
        raise Failure('%s unexpectedly contains %r' % (what, needle))


def _tail(text, lines=25):
    parts = text.splitlines()
    if len(parts) > lines:
        parts = ['...'] + parts[-lines:]
    return '\n'.join('    | ' + p for p in parts)


class Result:
    """Outcome of one finished (or killed) keel run."""

    def __init__(self, args, returncode, stdout, stderr, timed_out):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    def lines(self):
        return self.stdout.splitlines()

    def value(self, key):
        """Value of the first 'key=...' line of the serial output (<...> stripped)."""
        prefix = key + '='
        for line in self.lines():
            if line.startswith(prefix):
                v = line[len(prefix):].strip('\r')
                if v.startswith('<') and v.endswith('>'):
                    v = v[1:-1]
                return v
        raise Failure('no %r line in the output\n%s' % (key, self.describe()))

    def describe(self):
        return ('  command: %s\n  status: %s%s\n  stdout:\n%s\n  stderr:\n%s' %
                (' '.join(self.args), self.returncode,
                 ' (timed out)' if self.timed_out else '',
                 _tail(self.stdout), _tail(self.stderr)))

    def expect_status(self, status):
        if self.timed_out:
            raise Failure('keel timed out\n' + self.describe())
        if self.returncode != status:
            raise Failure('exit status %s, expected %s\n%s' %
                          (self.returncode, status, self.describe()))

    def expect_out(self, needle):
        if needle not in self.stdout:
            raise Failure('serial output lacks %r\n%s' % (needle, self.describe()))

    def expect_err(self, needle):
        if needle not in self.stderr:
            raise Failure('stderr lacks %r\n%s' % (needle, self.describe()))


def _decode(b):
    return b.decode('utf-8', errors='replace') if b else ''


def run(keel, args, timeout=DEFAULT_TIMEOUT, input=None, env=None):
    """Run keel with args to completion; kill it after timeout seconds."""
    argv = [keel] + list(args)
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None
                            else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill(proc)
        out, err = proc.communicate(timeout=10)
    return Result(argv, proc.returncode, _decode(out), _decode(err), timed_out)


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Keel:
    """An interactive keel process: read its serial output, write its input.

    with keeltest.Keel(keel, args) as vm:
        vm.read_until('ready', timeout=20)
        vm.write(b'abc')
        r = vm.wait(timeout=20)
    """

    def __init__(self, keel, args, env=None):
        self.argv = [keel] + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env,
                                     start_new_session=True)
        self.out = b''
        self.err = b''
        self._open = {self.proc.stdout.fileno(): 'out',
                      self.proc.stderr.fileno(): 'err'}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _pump(self, deadline):
        """Read whatever arrives before deadline; False when nothing more can."""
        if not self._open:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select(list(self._open), [], [], left)
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                del self._open[fd]
            elif self._open[fd] == 'out':
                self.out += data
            else:
                self.err += data
        return True

    def read_until(self, needle, timeout=DEFAULT_TIMEOUT):
        """Wait until stdout contains needle (str or bytes); return the output so far."""
        if isinstance(needle, str):
            needle = needle.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            if not self._pump(deadline):
                raise Failure('%r did not appear within %ss\n%s' %
                              (needle, timeout, self.result(False).describe()))
        return _decode(self.out)

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait(self, timeout=DEFAULT_TIMEOUT):
        """Wait for exit (killing it after timeout); return a Result."""
        deadline = time.monotonic() + timeout
        timed_out = False
        while self._open and self._pump(deadline):
            pass
        try:
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(self.proc)
            self.proc.wait(timeout=10)
        while self._open and self._pump(time.monotonic() + 1):
            pass
        return self.result(timed_out)

    def result(self, timed_out):
        return Result(self.argv, self.proc.returncode, _decode(self.out),
                      _decode(self.err), timed_out)

    def close(self):
        if self.proc.poll() is None:
            _kill(self.proc)
            self.proc.wait(timeout=10)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, BrokenPipeError):
                pass


class Env:
    """What a test gets: paths and helpers bound to them."""

    def __init__(self, keel, guests, tmpdir):
        self.keel = keel
        self.guests = guests
        self.tmpdir = tmpdir

    def guest(self, name):
        path = os.path.join(self.guests, name)
        if not os.path.exists(path):
            raise Failure('guest %s is not built (%s)' % (name, path))
        return path

    def tmpfile(self, name, data):
        """Write data (bytes or str) to a file in the test's temporary directory."""
        path = os.path.join(self.tmpdir, name)
        with open(path, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def run(self, args, timeout=DEFAULT_TIMEOUT, input=None):
        return run(self.keel, args, timeout=timeout, input=input)

    def guest_args(self, guest, append=None, extra=(), initrd=None):
        args = BASE_ARGS + ['-kernel', self.guest(guest)]
        if append is not None:
            args += ['-append', append]
        if initrd is not None:
            args += ['-initrd', initrd]
        return args + list(extra)

    def run_guest(self, guest, append=None, extra=(), initrd=None,
                  timeout=DEFAULT_TIMEOUT, input=None):
        """Run a tiny guest with the standard command line."""
        return self.run(self.guest_args(guest, append, extra, initrd),
                        timeout=timeout, input=input)

    def start(self, args):
        return Keel(self.keel, args)


def kvm_usable():
    return os.access('/dev/kvm', os.R_OK | os.W_OK)


def require_kvm():
    if not kvm_usable():
        raise Skip('/dev/kvm is not usable')


_tests = []


def test(fn=None, needs_kvm=True):
    """Decorator registering a test function taking an Env."""
    def reg(f):
        _tests.append((f, needs_kvm))
        return f
    if fn is not None:
        return reg(fn)
    return reg


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('--keel', default=os.environ.get('KEEL', 'build/keel'))
    p.add_argument('--guests', default=os.environ.get('KEEL_GUESTS',
                                                      'build/tests/guests'))
    p.add_argument('-k', dest='only', action='append', default=[],
                   help='run only tests whose name contains this')
    args, _ = p.parse_known_args(argv)
    return args


def main(argv=None):
    args = parse_args(argv)
    passed = failed = skipped = 0
    selected = [(f, k) for f, k in _tests
                if not args.only or any(o in f.__name__ for o in args.only)]
    for fn, needs_kvm in selected:
        name = fn.__name__
        start = time.monotonic()
        try:
            with tempfile.TemporaryDirectory(prefix='keeltest-') as tmp:
                if needs_kvm:
                    require_kvm()
                fn(Env(os.path.abspath(args.keel), os.path.abspath(args.guests), tmp))
        except Skip as e:
            skipped += 1
            print('SKIP %s: %s' % (name, e), flush=True)
            continue
        except Failure as e:
            failed += 1
            print('FAIL %s: %s' % (name, e), flush=True)
            continue
        except Exception:  # a broken test is a failure, with its traceback
            failed += 1
            print('FAIL %s: exception\n%s' % (name, traceback.format_exc()), flush=True)
            continue
        passed += 1
        print('ok   %s (%.2fs)' % (name, time.monotonic() - start), flush=True)
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped), flush=True)
    if failed:
        sys.exit(1)
    if skipped and not passed:
        sys.exit(SKIP_EXIT)
    sys.exit(0)
