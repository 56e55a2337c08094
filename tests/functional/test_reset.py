#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run-loop invariants on the real /dev/kvm, driven by keel-testdev.

Every case runs the real-mode firmware guest tests/guests/rom/resetguest.bin
and reads the device's verdict line. Each protection has a negative control:
a test-only switch that disables it, and the same case must then fail.
"""
import argparse
import os
import re
import subprocess
import sys

VERDICT = re.compile(r"keel-testdev: (\S+) (.*) verdict=(\w+)")


def run(keel, rom, mode, count, smp=1, env=None, timeout=240, extra=()):
    cmd = [keel, "-nodefaults", "-display", "none", "-smp", str(smp), "-m", "64",
           "-bios", rom, "-device",
           f"keel-testdev,mode={mode},count={count},seed=7"] + list(extra)
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout, env=e)
    except subprocess.TimeoutExpired as ex:
        return None, {}, (ex.stderr or b"").decode(errors="replace") \
            if isinstance(ex.stderr, bytes) else (ex.stderr or "")
    fields = {}
    verdict = None
    for line in p.stderr.splitlines():
        m = VERDICT.search(line)
        if m:
            verdict = m.group(3)
            for kv in m.group(2).split():
                k, _, v = kv.partition("=")
                fields[k] = int(v) if v.isdigit() else v
    fields["exit"] = p.returncode
    return verdict, fields, p.stderr


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        print(f"{'PASS' if ok else 'FAIL'} {name} {detail}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--count", type=int, default=1000)
    a = ap.parse_args()
    rom = os.path.join(a.guests, "rom", "resetguest.bin")
    n = a.count
    s = Suite()
    want = set(a.only.split(",")) if a.only else None

    def case(name):
        return want is None or name in want

    for kind in ("mmio", "pio"):
        if case(f"reset-{kind}"):
            v, f, err = run(a.keel, rom, f"reset-{kind}", n)
            s.check(f"reset-during-{kind}-read", v == "clean" and f.get("exit") == 0 and
                    f.get("resets") == n and f.get("boots") == n + 1, str(f) or err[-500:])
        if case(f"negative-{kind}"):
            # Without the completion re-entry the stale read lands on the reset state.
            v, f, err = run(a.keel, rom, f"reset-{kind}", n,
                            env={"KEEL_TEST_SKIP_COMPLETION": "1"}, timeout=120)
            caught = v == "BROKEN" and f.get("exit") == 2
            s.check(f"negative-control-{kind}-caught", caught,
                    str(f) or err[-500:])

    if case("storm"):
        v, f, err = run(a.keel, rom, "storm", n, smp=4)
        s.check("reset-storm-4cpu", v == "clean" and f.get("exit") == 0 and
                f.get("resets") == n and f.get("audits") == n + 1 and
                f.get("audit_mismatches") == 0 and f.get("seq_errors") == 0,
                str(f) or err[-500:])

    if case("pause"):
        v, f, err = run(a.keel, rom, "pause", n, smp=4)
        s.check("pause-resume-4cpu", v == "clean" and f.get("cycles") == n and
                f.get("pause_violations") == 0 and f.get("seq_errors") == 0 and
                f.get("writes", 0) > 0, str(f) or err[-500:])
    if case("negative-pause"):
        v, f, err = run(a.keel, rom, "pause", min(n, 200), smp=4,
                        env={"KEEL_TEST_FAKE_PAUSE": "1"})
        s.check("negative-control-pause-caught", v == "BROKEN", str(f) or err[-500:])

    if case("remap"):
        v, f, err = run(a.keel, rom, "remap", n)
        s.check("ram-moved-under-guest", v == "clean" and f.get("swaps") == n and
                f.get("window_mmio_hits") == 0 and f.get("bad_entry") == 0,
                str(f) or err[-500:])
    if case("negative-remap"):
        v, f, err = run(a.keel, rom, "remap", n,
                        env={"KEEL_TEST_UNSAFE_MEMSLOT": "1"})
        s.check("negative-control-remap-caught", v == "BROKEN", str(f) or err[-500:])

    print(f"{s.passed} passed, {s.failed} failed")
    return 0 if s.failed == 0 and s.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
