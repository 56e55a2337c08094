#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-net on /dev/kvm with a tiny guest that drives the queues itself
(tests/guests/virtio-net.c): -netdev user reaching a UDP server on this
host's loopback through the gateway address, mergeable receive buffers (and
without them), -netdev tap with fd= (a datagram socket the test holds, so
no tap device or privileges are needed), the MAC from the command line,
QMP set_link, and the command-line errors."""

import os
import re
import shutil
import socket
import subprocess
import threading

import keeltest
from keeltest import check, check_eq, check_in, exit_status
from qmp_client import QMPClient, QMPError

GUEST = 'virtio-net.elf'


def pattern(n):
    return bytes((i * 7 + 3) & 0xff for i in range(n))


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


class UdpServer:
    """Answers "keel-udp N" with N pattern bytes, once; on 127.0.0.1."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(60)
        self.port = self.sock.getsockname()[1]
        self.request = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            data, addr = self.sock.recvfrom(2048)
        except OSError:
            return
        self.request = data
        self.sock.sendto(pattern(int(data.split()[1])), addr)

    def close(self):
        self.sock.close()
        self.thread.join(timeout=5)


def require_user_net(env):
    """-netdev user needs libslirp at build time (scripts/install-deps build)."""
    r = env.run(['-netdev', 'help'], timeout=20)
    if not re.search(r'\buser\b', r.stdout):
        raise keeltest.Skip('keel was built without libslirp (no -netdev user)')


def run_udp(env, big, nic, append=''):
    require_user_net(env)
    srv = UdpServer()
    try:
        r = env.run_guest(GUEST, append='test=udp port=%d big=%d %s' % (srv.port, big, append),
                          extra=nic, timeout=60)
    finally:
        srv.close()
    r.expect_status(exit_status(0))
    r.expect_out('virtio-net: udp ok')
    check_eq(srv.request, b'keel-udp %04d' % big, 'datagram the host received')
    check_eq(r.value('gw_mac'), '52:55:0a:00:02:02', 'gateway MAC (ARP reply)')
    check_eq(int(r.value('udp_len')), big, 'reply length')
    check_eq(int(r.value('udp_fnv'), 16), fnv(pattern(big)), 'reply checksum')
    return r


@keeltest.test
def user_udp_mergeable(env):
    """A 1242-byte frame spread over 256-byte mergeable buffers."""
    r = run_udp(env, 1200, ['-netdev', 'user,id=n0',
                            '-device', 'virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc'])
    check_eq(r.value('mac'), '52:54:00:aa:bb:cc', 'MAC in config space')
    check_eq(r.value('link'), '1', 'link status')
    check_eq(int(r.value('num_buffers')), 5, 'buffers of the largest frame')


@keeltest.test
def user_udp_no_mergeable(env):
    """mrg_rxbuf=off: the frame arrives in one 2 KiB buffer; -nic form, JSON netdev,
    notifications by MMIO exit (ioeventfd off)."""
    r = run_udp(env, 1000, ['-nic', 'user,model=virtio-net-device,mac=52:54:00:00:00:07'],
                append='mrg=0 rxbuf=2048')
    check_eq(r.value('mac'), '52:54:00:00:00:07', 'MAC in config space')
    check_eq(int(r.value('num_buffers')), 1, 'buffers per frame')
    r = run_udp(env, 100, ['-netdev', '{"type": "user", "id": "hostnet0"}',
                           '-device', '{"driver": "virtio-net-device", "netdev": "hostnet0", '
                           '"mrg_rxbuf": false, "ioeventfd": false}'],
                append='mrg=0 rxbuf=2048')
    check_eq(r.value('mac'), '52:54:00:12:34:56', 'default MAC')


@keeltest.test
def tap_fd_socket(env):
    """-netdev tap,fd=N with a datagram socket: frames both ways, byte for byte."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    reply = b'\x52\x54\x00\x00\x00\x09' + b'\x02\x00\x00\x00\x00\x01' + b'\x88\xb5' + \
        pattern(1386)
    got = []

    def peer():
        ours.settimeout(60)
        try:
            got.append(ours.recv(65536))
            ours.send(reply)
        except OSError:
            pass

    t = threading.Thread(target=peer, daemon=True)
    t.start()
    args = env.guest_args(GUEST, append='test=raw rxbuf=512',
                          extra=['-netdev', 'tap,id=t0,fd=%d' % theirs.fileno(),
                                 '-device', 'virtio-net-device,netdev=t0,'
                                 'mac=52:54:00:00:00:09'])
    try:
        p = subprocess.run([env.keel] + args, pass_fds=[theirs.fileno()],
                           capture_output=True, timeout=60)
    finally:
        theirs.close()
        t.join(timeout=5)
        ours.close()
    r = keeltest.Result(args, p.returncode, p.stdout.decode(), p.stderr.decode(), False)
    r.expect_status(exit_status(0))
    r.expect_out('virtio-net: raw ok')
    check_eq(got, [b'\xff' * 6 + b'\x52\x54\x00\x00\x00\x09\x88\xb5keel-raw-out'],
             'frame the guest sent')
    check_eq(int(r.value('raw_len')), len(reply), 'frame length in the guest')
    check_eq(int(r.value('raw_fnv'), 16), fnv(reply), 'frame checksum in the guest')
    check_eq(int(r.value('num_buffers')), 3, '512-byte buffers used')


def tap_device(name):
    """A persistent tap owned by the test, up; None when this host cannot make one."""
    if os.geteuid() != 0 or not os.access('/dev/net/tun', os.R_OK | os.W_OK) or \
            not shutil.which('ip'):
        return None
    subprocess.run(['ip', 'link', 'del', name], capture_output=True)
    if subprocess.run(['ip', 'tuntap', 'add', 'dev', name, 'mode', 'tap'],
                      capture_output=True).returncode:
        return None
    subprocess.run(['ip', 'link', 'set', name, 'up'], check=True)
    return name


@keeltest.test
def tap_ifname(env):
    """-netdev tap,ifname= on a real tap (root only), with and without vnet_hdr."""
    name = tap_device('keeltest%d' % (os.getpid() % 10000))
    if not name:
        raise keeltest.Skip('no tap device (needs root and /dev/net/tun)')
    try:
        for vnet in ('off', 'on'):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
            sock.bind((name, 0))
            sock.settimeout(30)
            reply = b'\x52\x54\x00\x00\x00\x0a' + b'\x02\x00\x00\x00\x00\x02' + \
                b'\x88\xb5' + pattern(1000)
            got = []

            def peer():
                try:
                    while True:
                        frame = sock.recv(65536)
                        if frame.endswith(b'keel-raw-out'):
                            got.append(frame)
                            sock.send(reply)
                            return
                except OSError:
                    pass

            t = threading.Thread(target=peer, daemon=True)
            t.start()
            try:
                r = env.run_guest(GUEST, append='test=raw rxbuf=2048 mrg=0', timeout=60,
                                  extra=['-netdev', 'tap,id=t0,ifname=%s,script=no,'
                                         'downscript=no,vnet_hdr=%s' % (name, vnet),
                                         '-device', 'virtio-net-device,netdev=t0,'
                                         'mac=52:54:00:00:00:0a'])
            finally:
                sock.close()
                t.join(timeout=5)
            r.expect_status(exit_status(0))
            check_eq(len(got), 1, 'frames from the guest (vnet_hdr=%s)' % vnet)
            check(got[0].startswith(b'\xff' * 6 + b'\x52\x54\x00\x00\x00\x0a'),
                  'frame addresses (vnet_hdr=%s)' % vnet)
            check_eq(int(r.value('raw_len')), len(reply), 'frame length (vnet_hdr=%s)' % vnet)
            check_eq(int(r.value('raw_fnv'), 16), fnv(reply),
                     'frame checksum (vnet_hdr=%s)' % vnet)
    finally:
        subprocess.run(['ip', 'link', 'del', name], capture_output=True)


@keeltest.test
def set_link(env):
    """QMP set_link: the guest sees the status bit and a config interrupt."""
    require_user_net(env)
    path = os.path.join(env.tmpdir, 'qmp.sock')
    args = env.guest_args(GUEST, append='test=link',
                          extra=['-netdev', 'user,id=n0',
                                 '-device', 'virtio-net-device,netdev=n0,id=nic0',
                                 '-qmp', 'unix:%s,server=on,wait=off' % path])
    with env.start(args) as vm:
        with QMPClient.unix_retry(path, proc=vm.proc) as q:
            q.negotiate()
            vm.read_until('virtio-net: ready', timeout=30)
            q.command('set_link', {'name': 'nic0', 'up': False})
            vm.read_until('virtio-net: down', timeout=30)
            try:
                q.command('set_link', {'name': 'nope', 'up': True})
                check(False, 'set_link on an unknown device succeeded')
            except QMPError as e:
                check_eq(e.cls, 'DeviceNotFound', 'error class')
            # The guest exits as soon as it sees the link up: nothing after this.
            q.request('set_link', {'name': 'n0', 'up': True})
            r = vm.wait(timeout=30)
    r.expect_status(exit_status(0))
    r.expect_out('virtio-net: link ok')
    check(int(r.value('link_down_isr')) & 2, 'config interrupt with the link change')


@keeltest.test
def user_net_main_loop_idle(env):
    """-netdev user leaves the main loop idle work: the system_reset reply,
    which waits for an idle slot, arrives (the slirp source used to be ready
    on every iteration, so the loop spun and the reply never came)."""
    require_user_net(env)
    path = os.path.join(env.tmpdir, 'qmp.sock')
    args = env.guest_args('hello.elf', extra=['-S', '-netdev', 'user,id=n0',
                                              '-device', 'virtio-net-device,netdev=n0',
                                              '-qmp', 'unix:%s,server=on,wait=off' % path])
    with env.start(args) as vm:
        with QMPClient.unix_retry(path, proc=vm.proc) as q:
            q.negotiate()
            for _ in range(3):
                q.command('system_reset', timeout=20)
            check_eq(q.command('query-status')['status'], 'prelaunch', 'still paused')
            q.command('quit')
            vm.wait(timeout=30)


@keeltest.test(needs_kvm=False)
def errors(env):
    require_user_net(env)
    base = ['-machine', 'none', '-nodefaults', '-display', 'none']
    cases = [
        (['-netdev', 'user'], "-netdev: Parameter 'id' is missing"),
        (['-netdev', 'socket,id=n0'], "network backend 'socket' is not supported"),
        (['-netdev', 'user,id=n0', '-netdev', 'user,id=n0'], "Duplicate ID 'n0' for netdev"),
        (['-netdev', 'user,id=n0,bogus=1'], "Parameter 'bogus' is unexpected"),
        (['-netdev', 'user,id=n0,net=300.1.1.0/24'], "Parameter 'net' expects"),
        (['-netdev', 'user,id=n0,hostfwd=tcp::x-:22'], "invalid hostfwd"),
        (['-netdev', 'tap,id=t0,script=/etc/qemu-ifup'], 'network scripts are not supported'),
        (['-netdev', 'tap,id=t0,fd=zz'], "Parameter 'fd' expects"),
        (['-netdev', 'tap,id=t0,queues=4'], 'queues=4 is not supported'),
        (['-nic', 'user,model=e1000'], "unsupported NIC model 'e1000'"),
        (['-device', 'virtio-net-device'], "Property 'netdev' is missing"),
    ]
    for args, err in cases:
        r = env.run(base + args, timeout=20)
        check(r.returncode not in (0, None), '%s: exit status %s' % (args, r.returncode))
        check_in(err, r.stderr, 'error for %s' % args)


@keeltest.test
def claim_errors(env):
    """Errors found when the NIC is created name the netdev or the device."""
    require_user_net(env)
    cases = [
        (['-device', 'virtio-net-device,netdev=nope'], "netdev 'nope' not found"),
        (['-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0,mac=01:00:00:00:00:01'],
         "Property 'mac' expects a unicast address"),
        (['-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0',
          '-device', 'virtio-net-device,netdev=n0'], "'n0' is already in use"),
        (['-netdev', 'tap,id=t0,fd=1000', '-device', 'virtio-net-device,netdev=t0'],
         "netdev 't0': fd=1000 is not an open file descriptor"),
    ]
    for args, err in cases:
        r = env.run_guest('hello.elf', extra=args, timeout=20)
        check(r.returncode not in (0, None), '%s: exit status %s' % (args, r.returncode))
        check_in(err, r.stderr, 'error for %s' % args)


if __name__ == '__main__':
    keeltest.main()
