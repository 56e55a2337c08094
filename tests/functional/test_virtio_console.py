#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-serial-device with a virtconsole and a virtserialport on /dev/kvm,
driven by a tiny guest (tests/guests/virtio-console.c): the multiport
control handshake, output and input on both ports over socket chardevs the
test holds (fd=), input larger than the guest's buffers, the single-port
mode, and the command-line errors."""

import socket
import subprocess
import threading

import keeltest
from keeltest import check, check_eq, check_in, exit_status

GUEST = 'virtio-console.elf'


def pattern(n):
    return bytes((i * 7 + 3) & 0xff for i in range(n))


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def read_exactly(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


class Vm:
    """keel with fds passed through; serial output read as it comes."""

    def __init__(self, env, args, fds):
        self.args = env.guest_args(GUEST, **args)
        self.proc = subprocess.Popen([env.keel] + self.args, pass_fds=fds,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.out = b''
        self.err = []
        threading.Thread(target=lambda: self.err.append(self.proc.stderr.read()),
                         daemon=True).start()

    def read_until(self, needle, timeout=30):
        timer = threading.Timer(timeout, self.proc.kill)
        timer.start()
        try:
            while needle not in self.out:
                b = self.proc.stdout.read1(4096)
                if not b:
                    raise keeltest.Failure('%r not in the output: %r' % (needle, self.out))
                self.out += b
        finally:
            timer.cancel()

    def result(self, timeout=30):
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
        self.out += rest or b''
        return keeltest.Result(self.args, self.proc.returncode, self.out.decode(),
                               b''.join(self.err).decode(), False)


@keeltest.test
def multiport(env):
    big = 3000
    c0, k0 = socket.socketpair()
    c1, k1 = socket.socketpair()
    for s in (c0, c1):
        s.settimeout(30)
    extra = ['-device', 'virtio-serial-device,id=vser0,max_ports=2',
             '-chardev', 'socket,id=c0,fd=%d' % k0.fileno(),
             '-device', 'virtconsole,chardev=c0,bus=vser0.0',
             '-chardev', 'socket,id=c1,fd=%d' % k1.fileno(),
             '-device', 'virtserialport,chardev=c1,name=org.keel.test.0']
    vm = Vm(env, dict(append='test=multi big=%d' % big, extra=extra),
            [k0.fileno(), k1.fileno()])
    k0.close()
    k1.close()
    try:
        vm.read_until(b'virtio-console: ready')
        check_eq(read_exactly(c0, 14), b'hello-console\n', 'console output')
        check_eq(read_exactly(c1, 11), b'hello-port\n', 'port output')
        c0.sendall(b'ping0')
        c1.sendall(b'ping1')
        vm.read_until(b'rx1=')
        c1.sendall(pattern(big))
        r = vm.result()
    finally:
        c0.close()
        c1.close()
    r.expect_status(exit_status(0))
    r.expect_out('virtio-console: multi ok')
    check_eq(r.value('max_nr_ports'), '2', 'max_nr_ports')
    ctrl = [line[5:] for line in r.lines() if line.startswith('ctrl=')]
    check_eq(ctrl, ['1,0,1', '1,1,1', '4,0,1', '6,0,1', '7,1,1,org.keel.test.0', '6,1,1'],
             'control messages (event,id,value[,name])')
    check_eq(r.value('rx0'), 'ping0', 'console input')
    check_eq(r.value('rx1'), 'ping1', 'port input')
    check_eq(int(r.value('big_len')), big, 'bytes through 64-byte buffers')
    check_eq(int(r.value('big_fnv'), 16), fnv(pattern(big)), 'checksum of the big input')


@keeltest.test
def single_port(env):
    c0, k0 = socket.socketpair()
    c0.settimeout(30)
    extra = ['-device', 'virtio-serial-device',
             '-chardev', 'socket,id=c0,fd=%d' % k0.fileno(),
             '-device', 'virtconsole,chardev=c0']
    vm = Vm(env, dict(append='test=single', extra=extra), [k0.fileno()])
    k0.close()
    try:
        vm.read_until(b'virtio-console: ready')
        check_eq(read_exactly(c0, 13), b'hello-single\n', 'console output')
        c0.sendall(b'ping0')
        r = vm.result()
    finally:
        c0.close()
    r.expect_status(exit_status(0))
    r.expect_out('virtio-console: single ok')
    check_eq(r.value('rx0'), 'ping0', 'console input')


@keeltest.test
def errors(env):
    cases = [
        (['-device', 'virtconsole'], "No 'virtio-serial-bus' bus found"),
        (['-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=nope'],
         "chardev 'nope' not found"),
        (['-device', 'virtio-serial-device', '-device', 'virtserialport,nr=0'],
         'reserved for a virtconsole'),
        (['-device', 'virtio-serial-device,max_ports=1', '-device', 'virtserialport'],
         'no free port'),
        (['-device', 'virtio-serial-device,max_ports=99'], 'max_ports must be 1 to'),
        (['-device', 'virtio-serial-device', '-device', 'virtconsole,bus=x.0'],
         "Bus 'x.0' not found"),
    ]
    for args, err in cases:
        r = env.run_guest('hello.elf', extra=args, timeout=20)
        check(r.returncode not in (0, None), '%s: exit status %s' % (args, r.returncode))
        check_in(err, r.stderr, 'error for %s' % args)


if __name__ == '__main__':
    keeltest.main()
