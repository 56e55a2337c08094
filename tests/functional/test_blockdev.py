#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""-blockdev (key=value and JSON, as libvirt 9.0 emits it) attached to
virtio-blk-pci, and -drive if=virtio on -M pc (virtio-blk-pci, as in QEMU):
the virtio-pci guest (tests/guests/virtio-pci.c, test=rw) reads sector 0,
writes a sector, flushes and reads it back; the host checks the image. Also
the QMP view (query-block, query-named-block-nodes) and the errors of bad
-blockdev lines (one "keel:" line, exit 1)."""

import os

import keeltest
from keeltest import check, check_eq, check_in, exit_status
from qmp_client import QMPClient

IMAGE_SIZE = 1 << 20


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def make_image(env, name='disk.img'):
    return env.tmpfile(name, bytes((i * 13 + 5) & 0xff for i in range(IMAGE_SIZE)))


def libvirt_blockdevs(img, ro=False, extra_storage='', extra_format=''):
    """The two -blockdev arguments libvirt 9.0 passes for a raw file disk."""
    return ['-blockdev', '{"driver":"file","filename":"%s","node-name":"libvirt-1-storage",'
            '"auto-read-only":true,"discard":"unmap"%s}' % (img, extra_storage),
            '-blockdev', '{"node-name":"libvirt-1-format","read-only":%s%s,"driver":"raw",'
            '"file":"libvirt-1-storage"}' % ('true' if ro else 'false', extra_format)]


def run_rw(env, img, args, slot, seed=7, wsec=3):
    """Boot the guest: write sector wsec with a seeded pattern; check it on the host."""
    r = env.run_guest('virtio-pci.elf', append='test=rw slot=%d seed=%d wsec=%d' %
                      (slot, seed, wsec), extra=['-M', 'pc'] + args, timeout=60)
    r.expect_status(exit_status(0))
    r.expect_out('virtio-pci: rw ok')
    check_in('pci=%d:0x10421af4' % slot, r.lines(), 'virtio-blk-pci at slot %d' % slot)
    with open(img, 'rb') as f:
        data = f.read()
    pattern = bytes((i * 7 + seed) & 0xff for i in range(512))
    check_eq(int(r.value('sector_fnv'), 16), fnv(data[:512]), 'sector 0 read by the guest')
    check_eq(int(r.value('write_fnv'), 16), fnv(pattern), 'pattern written')
    check_eq(r.value('read_fnv'), r.value('write_fnv'), 'sector read back')
    check(data[wsec * 512:(wsec + 1) * 512] == pattern, 'written sector in the image')
    check(data[(wsec + 1) * 512:] == bytes((i * 13 + 5) & 0xff for i in
                                           range((wsec + 1) * 512, IMAGE_SIZE)),
          'the rest of the image unchanged')
    check_eq(r.value('capacity'), str(IMAGE_SIZE // 512), 'capacity')
    return r


@keeltest.test
def libvirt_blockdev_json(env):
    # The exact disk arguments of `virsh domxml-to-native` for <disk type='file'>
    # <driver name='qemu' type='raw'/> <target dev='vda' bus='virtio'/>.
    img = make_image(env)
    args = libvirt_blockdevs(img) + [
        '-device', 'virtio-blk-pci,bus=pci.0,addr=0x4,drive=libvirt-1-format,'
        'id=virtio-disk0,bootindex=1']
    r = run_rw(env, img, args, 4)
    check_eq(r.value('writeback'), '1', 'write cache on (write-cache=auto)')
    check_eq(r.value('serial'), '', 'no serial')


@keeltest.test
def libvirt_blockdev_cache_and_json_device(env):
    # cache='none' io='threads' with a <serial>: nested "cache" objects,
    # "aio", write-cache=on and the JSON -device form libvirt uses at start.
    img = make_image(env)
    cache = ',"cache":{"direct":true,"no-flush":false}'
    args = libvirt_blockdevs(img, extra_storage=',"aio":"threads","locking":"auto"' + cache,
                             extra_format=',"discard":"unmap"' + cache) + [
        '-device', '{"driver":"virtio-blk-pci","bus":"pci.0","addr":"0x5",'
        '"drive":"libvirt-1-format","id":"virtio-disk0","bootindex":1,'
        '"write-cache":"on","serial":"SER-1"}']
    r = run_rw(env, img, args, 5, seed=11, wsec=9)
    check_eq(r.value('writeback'), '1', 'write cache on')
    check_eq(r.value('serial'), 'SER-1', 'serial')


@keeltest.test
def blockdev_flat_form(env):
    img = make_image(env)
    args = ['-blockdev', 'driver=raw,node-name=d0,file.driver=file,file.filename=%s' % img,
            '-device', 'virtio-blk-pci,drive=d0,addr=6,write-cache=off,serial=FLAT']
    r = run_rw(env, img, args, 6, seed=3, wsec=1)
    check_eq(r.value('writeback'), '0', 'write-cache=off: writethrough')
    check_eq(r.value('serial'), 'FLAT', 'serial')
    # A protocol node straight on the device, as QEMU allows.
    img2 = make_image(env, 'disk2.img')
    args = ['-blockdev', 'driver=file,node-name=p0,filename=%s,locking=off' % img2,
            '-device', 'virtio-blk-pci,drive=p0,addr=7']
    run_rw(env, img2, args, 7, seed=5, wsec=2)


@keeltest.test
def drive_if_virtio_on_pc(env):
    # As in QEMU, if=virtio is virtio-blk-pci on a machine with PCI (the first
    # free slot after the host bridge); on microvm it stays virtio-mmio (test_virtio).
    img = make_image(env)
    r = run_rw(env, img, ['-drive', 'file=%s,format=raw,if=virtio,serial=DRV' % img], 1,
               seed=9, wsec=4)
    check_eq(r.value('serial'), 'DRV', 'serial from -drive')
    check_eq(r.value('functions'), '2', 'host bridge and the disk')


def qmp_view(env, args):
    path = os.path.join(env.tmpdir, 'qmp.sock')
    vm = env.start(env.guest_args('virtio-pci.elf', extra=[
        '-M', 'pc', '-S', '-qmp', 'unix:%s,server=on,wait=off' % path] + args))
    try:
        q = QMPClient.unix_retry(path, proc=vm.proc)
        with q:
            q.negotiate()
            return q.command('query-block'), q.command('query-named-block-nodes',
                                                       flat=True)
    finally:
        vm.close()


@keeltest.test
def qmp_block_view(env):
    img = make_image(env)
    blocks, nodes = qmp_view(env, libvirt_blockdevs(img, ro=True) + [
        '-blockdev', 'driver=raw,node-name=spare,file.driver=file,file.filename=%s,'
        'read-only=on' % img,
        '-device', '{"driver":"virtio-blk-pci","bus":"pci.0","addr":"0x4",'
        '"drive":"libvirt-1-format","id":"virtio-disk0"}'])
    # Only the attached node is a backend; libvirt finds it by qdev.
    check_eq(len(blocks), 1, 'query-block entries: %r' % blocks)
    b = blocks[0]
    check_eq(b['device'], '', 'device (a -blockdev has no drive name)')
    check_eq(b['qdev'], '/machine/peripheral/virtio-disk0/virtio-backend', 'qdev')
    check_eq(b['inserted']['node-name'], 'libvirt-1-format', 'node-name')
    check_eq(b['inserted']['file'], img, 'file')
    check_eq(b['inserted']['drv'], 'raw', 'drv')
    check_eq(b['inserted']['ro'], True, 'read-only')
    check_eq(b['inserted']['image']['virtual-size'], IMAGE_SIZE, 'size')
    got = [(n['node-name'], n['drv'], n['file'], n['ro']) for n in nodes]
    check_eq(got[:2], [('libvirt-1-storage', 'file', img, False),
                       ('libvirt-1-format', 'raw', img, True)], 'libvirt nodes')
    check_eq(len(got), 4, 'nodes: %r' % got)
    check(got[2][0].startswith('#block') and got[2][1] == 'file', 'implicit child %r' % (got[2],))
    check_eq(got[3][:2], ('spare', 'raw'), 'spare raw node')


@keeltest.test
def qmp_blockstats(env):
    # What the guest's requests did, as libvirt's domblkstat reads it.
    img = make_image(env)
    path = os.path.join(env.tmpdir, 'qmp.sock')
    wsec = 6
    vm = env.start(env.guest_args('virtio-pci.elf', append='test=rw slot=4 wsec=%d hold=1' % wsec,
                                  extra=['-M', 'pc', '-qmp', 'unix:%s,server=on,wait=off' % path] +
                                  libvirt_blockdevs(img) +
                                  ['-device', 'virtio-blk-pci,addr=4,drive=libvirt-1-format,'
                                   'id=virtio-disk0']))
    try:
        vm.read_until('virtio-pci: rw ok', timeout=60)
        q = QMPClient.unix_retry(path, proc=vm.proc)
        with q:
            q.negotiate()
            stats = q.command('query-blockstats')
            nodes = q.command('query-blockstats', **{'query-nodes': True})
    finally:
        vm.close()
    check_eq(len(stats), 1, 'entries: %r' % stats)
    e = stats[0]
    check_eq((e['device'], e['node-name'], e['qdev']),
             ('', 'libvirt-1-format', '/machine/peripheral/virtio-disk0/virtio-backend'), 'names')
    st = e['stats']
    # sector 0 and the read-back; GET_ID is not I/O
    check_eq((st['rd_operations'], st['rd_bytes']), (2, 1024), 'reads')
    check_eq((st['wr_operations'], st['wr_bytes']), (1, 512), 'writes')
    check_eq(st['flush_operations'], 1, 'flushes')
    check_eq(st['wr_highest_offset'], (wsec + 1) * 512, 'wr_highest_offset')
    check(st['rd_total_time_ns'] > 0 and st['wr_total_time_ns'] > 0, 'times %r' % st)
    check_eq(st['failed_rd_operations'] + st['invalid_wr_operations'], 0, 'no errors')
    check_eq(e['parent']['node-name'], 'libvirt-1-storage', 'parent')
    check_eq(e['parent']['stats']['wr_highest_offset'], (wsec + 1) * 512, 'parent offset')
    check_eq([n['node-name'] for n in nodes], ['libvirt-1-storage', 'libvirt-1-format'],
             'query-nodes')
    check_eq(nodes[1]['stats']['wr_operations'], 1, 'node stats')


@keeltest.test
def blockdev_errors(env):
    img = make_image(env)
    base = env.guest_args('virtio-pci.elf', extra=['-M', 'pc'])
    storage = '{"driver":"file","filename":"%s","node-name":"s0"}' % img

    def bad(args, msg):
        r = env.run(base + args)
        r.expect_status(1)
        r.expect_err(msg)
        lines = r.stderr.splitlines()
        check_eq(len(lines), 1, 'error lines: %r' % lines)
        check(lines[0].startswith('keel: '), 'error prefix: %r' % lines[0])

    bad(['-blockdev', 'driver=qcow2,node-name=q,file=s0'],
        "Block driver 'qcow2' is not supported")
    bad(['-blockdev', '{"driver":"nbd","node-name":"n"}'], "Block driver 'nbd' is not supported")
    bad(['-blockdev', 'node-name=x,filename=%s' % img], "Parameter 'driver' is missing")
    bad(['-blockdev', 'driver=file,filename=%s' % img],
        "'node-name' must be specified for the root node")
    bad(['-blockdev', 'driver=file,node-name=1x,filename=%s' % img], "Invalid node-name: '1x'")
    bad(['-blockdev', 'driver=file,node-name=x'], "Parameter 'filename' is missing")
    bad(['-blockdev', 'driver=raw,node-name=f'], "Parameter 'file' is missing")
    bad(['-blockdev', 'driver=raw,node-name=f,file=nope'], "Cannot find node-name 'nope'")
    bad(['-blockdev', storage, '-blockdev', storage], "Duplicate nodes with node-name='s0'")
    bad(['-blockdev', 'driver=file,node-name=x,filename=%s,bogus=1' % img],
        "Parameter 'bogus' is unexpected")
    bad(['-blockdev', 'driver=raw,node-name=f,file.driver=file,file.filename=%s,'
         'file.bogus=1' % img], "Parameter 'file.bogus' is unexpected")
    bad(['-blockdev', '{"driver":"file","filename":"%s","node-name":"x","aio":"native"}' % img],
        'aio=native is not supported')
    bad(['-blockdev', '{"driver":"file","filename":"%s","node-name":"x",'
         '"cache":{"direct":"maybe"}}' % img], "cache.direct")
    bad(['-blockdev', '{"driver":"file","filename":"%s","node-name":"x","discard":"some"}'
         % img], "invalid discard option 'some'")
    bad(['-blockdev', '{"driver":"file","filename":"%s","node-name":"x",'
         '"locking":"maybe"}' % img], "invalid locking option 'maybe'")
    bad(['-blockdev', '{"driver":"file","filename":["a"],"node-name":"x"}'],
        "JSON member 'filename'")
    bad(['-blockdev', '{"driver":"file",'], 'invalid JSON')
    bad(['-blockdev', storage, '-blockdev', 'driver=raw,node-name=a,file=s0',
         '-blockdev', 'driver=raw,node-name=b,file=s0'],
        "node 's0' is already the file of node 'a'")
    bad(['-blockdev', storage, '-drive', 'file=%s,if=none,id=s0' % img],
        "Device name 's0' conflicts with an existing node name")
    # Opening happens when a device attaches the node: QEMU's texts.
    bad(['-blockdev', 'driver=file,node-name=m,filename=%s/missing.img' % env.tmpdir,
         '-device', 'virtio-blk-pci,drive=m'],
        "Could not open '%s/missing.img': No such file or directory" % env.tmpdir)
    bad(['-blockdev', storage, '-blockdev', storage.replace('s0', 's1'),
         '-device', 'virtio-blk-pci,drive=s0', '-device', 'virtio-blk-pci,drive=s1'],
        'Failed to get "write" lock')
    bad(['-blockdev', storage, '-device', 'virtio-blk-pci,drive=s0',
         '-device', 'virtio-blk-pci,drive=s0'], "drive 's0' is already in use")
    bad(['-blockdev', storage, '-blockdev', 'driver=raw,node-name=f,file=s0',
         '-device', 'virtio-blk-pci,drive=s0'], "node 's0' is already the file of node 'f'")
    bad(['-device', 'virtio-blk-pci,drive=nope'], "drive 'nope' not found")
    bad(['-blockdev', storage, '-device', 'virtio-blk-pci,drive=s0,write-cache=maybe'],
        "Property 'write-cache' takes on, off or auto")


if __name__ == '__main__':
    keeltest.main()
