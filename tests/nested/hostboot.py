# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot the emulated x86_64 host (scripts/run-nested-host) to its power-off,
watching its heartbeat.

QEMU's TCG running kvm-amd occasionally hangs as a whole (seen a few times,
mostly under heavy host load). The host's init writes "L1: alive" to a second
serial port every 10 s (HEARTBEAT_SH); a host whose heartbeat stops for
HEARTBEAT_S is killed and booted again, at most `tries` times in all. A guest
that hangs while the host still beats is not retried: that is Keel's to
explain, and the runner's checks report it.
"""

import os
import select
import subprocess
import sys
import time
from pathlib import Path

SRCDIR = Path(__file__).resolve().parents[2]
HEARTBEAT_S = 120

# For a runner's own L1 init (the default one, scripts/nested-host-init, beats already).
HEARTBEAT_SH = r'''(
	while echo "L1: alive $(cut -d' ' -f1 /proc/uptime)" 2>/dev/null; do
		sleep 10
	done
) 2>/dev/null >/dev/ttyS1 &'''


class HostHung(RuntimeError):
    """The emulated host stopped beating: the infrastructure failed, not keel."""


def boot_once(l1build, out_path, total_s):
    """One boot; returns the console text. Raises HostHung or TimeoutError."""
    hb = Path(l1build) / 'heartbeat'
    hb.write_bytes(b'')
    cmd = [str(SRCDIR / 'scripts' / 'run-nested-host'), '--builddir=%s' % l1build,
           '--heartbeat=%s' % hb]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    start = time.monotonic()
    deadline = start + total_s
    beat_size, beat_at = 0, None
    text = b''

    def stop(exc):
        os.killpg(proc.pid, 9)
        proc.wait()
        raise exc

    with open(out_path, 'wb') as logf:
        while True:
            now = time.monotonic()
            if now >= deadline:
                stop(TimeoutError('the emulated host did not finish in %d s' % total_s))
            size = hb.stat().st_size
            if size != beat_size:
                beat_size, beat_at = size, now
            if beat_at is not None and now - beat_at > HEARTBEAT_S:
                stop(HostHung('the emulated host stopped its heartbeat for %d s, %.0f s '
                              'after it started' % (HEARTBEAT_S, now - start)))
            r, _, _ = select.select([proc.stdout], [], [], min(deadline - now, 5))
            if not r:
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            text += data
            logf.write(data)
            logf.flush()
    proc.wait()
    return text.decode('utf-8', 'replace').replace('\r', '')


def boot(l1build, out_path, total_s, tries=3):
    """boot_once, again after a hung host; the last HostHung if all hang."""
    for attempt in range(1, tries + 1):
        try:
            return boot_once(l1build, out_path, total_s)
        except HostHung as e:
            print('%s: infrastructure failure (attempt %d of %d): %s' %
                  (Path(sys.argv[0]).name, attempt, tries, e), file=sys.stderr, flush=True)
            if attempt == tries:
                raise
    raise AssertionError('unreachable')
