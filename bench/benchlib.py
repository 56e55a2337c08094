# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the bench/ drivers (python3 standard library only)."""

import os
import select
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(BENCH_DIR)
GUEST_DIR = os.path.join(BENCH_DIR, 'guests')


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def find_keel(path):
    """The keel binary: PATH if given, else build/keel of this tree."""
    path = os.path.abspath(path or os.path.join(TOP, 'build', 'keel'))
    if not os.access(path, os.X_OK):
        sys.exit('%s: no keel binary; build it (make) or pass --keel' % path)
    return path


def find_qemu(path):
    if path == 'none':
        return None
    return path or shutil.which('qemu-system-x86_64')


def gcc(args):
    subprocess.run(['gcc'] + args, check=True)


def build_pvh_guest(src, out, defines=()):
    """Assemble a PVH ELF guest from bench/guests/SRC."""
    gcc(['-m32', '-nostdlib', '-static', '-no-pie', '-Wl,--build-id=none',
         '-Wl,--no-warn-rwx-segments', '-Wl,-T,' + os.path.join(GUEST_DIR, 'pvh.ld')] +
        ['-D' + d for d in defines] + ['-o', out, os.path.join(GUEST_DIR, src)])
    return out


def build_rom(src, out):
    """Assemble a flat 64 KiB real-mode image for -bios."""
    gcc(['-m32', '-nostdlib', '-static', '-no-pie', '-Wl,--build-id=none',
         '-Wl,-m,elf_i386', '-Wl,-Ttext=0', '-Wl,--oformat=binary', '-Wl,-e,0',
         '-o', out, os.path.join(GUEST_DIR, src)])
    return out


def build_floor(out):
    gcc(['-O2', '-std=gnu11', '-Wall', '-Wextra', '-o', out,
         os.path.join(BENCH_DIR, 'kvm-exit-floor.c')])
    return out


def keel_argv(keel, extra):
    return [keel, '-M', 'microvm', '-nodefaults', '-display', 'none', '-m', '64',
            '-serial', 'stdio'] + extra


def qemu_argv(qemu, extra):
    # -cpu stays at its default: host/max abort on this nested KVM host.
    return [qemu, '-M', 'microvm', '-enable-kvm', '-nodefaults', '-no-user-config',
            '-display', 'none', '-m', '64', '-serial', 'stdio'] + extra


def summary(values):
    """(median, min, max) of a list, or None."""
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def host_header():
    """Date, kernel and load, for the record."""
    with open('/proc/loadavg') as f:
        load = ' '.join(f.read().split()[:3])
    return '%s, %s, %d CPUs, load %s' % (
        time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()), os.uname().release,
        os.cpu_count(), load)


def read_and_wait4(p, timeout):
    """Read P's stdout to EOF, then reap it with wait4: (output, status, rusage).

    P is killed if it has not exited after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    fd = p.stdout.fileno()
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            break
        r, _, _ = select.select([fd], [], [], left)
        if r:
            data = os.read(fd, 65536)
            if not data:
                break
            chunks.append(data)
    p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return b''.join(chunks), status, ru
