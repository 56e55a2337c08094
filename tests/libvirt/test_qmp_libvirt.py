# SPDX-License-Identifier: GPL-2.0-or-later
"""What libvirt asks of Keel, without libvirt: the probe's QMP surface, the
domain command line libvirt builds, the queries it makes at domain start, the
-no-shutdown power-off and SIGTERM handling, and -daemonize closing stdio.
(tests/libvirt/run does the same through a real libvirtd.)"""

import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'functional'))

import keeltest  # noqa: E402
from keeltest import Failure, check, check_eq, check_in, check_not_in  # noqa: E402
from qmp_client import QMPClient, QMPError  # noqa: E402


def unix_spec(path):
    return 'unix:%s,server=on,wait=off' % path


def lvguest(env):
    path = os.path.join(env.guests, '..', 'libvirt', 'lvguest.elf')
    if not os.path.exists(path):
        raise Failure('lvguest.elf is not built (%s)' % path)
    return os.path.abspath(path)


def expect_error(q, cls, desc_part, name, arguments=None):
    try:
        r = q.command(name, arguments)
    except QMPError as e:
        check_eq(e.cls, cls, 'error class of %s' % name)
        if desc_part:
            check_in(desc_part, e.desc, 'error of %s' % name)
        return
    raise Failure('%s %r: expected an error, got %r' % (name, arguments, r))


class Vm:
    def __init__(self, env, args):
        self.sock = os.path.join(env.tmpdir, 'qmp.sock')
        self.vm = env.start(list(args) + ['-qmp', unix_spec(self.sock)])
        self.q = QMPClient.unix_retry(self.sock, proc=self.vm.proc)
        self.q.negotiate()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.q.close()
        self.vm.close()


PROBE_ARGS = ['-S', '-no-user-config', '-nodefaults', '-nographic', '-machine',
              'none,accel=kvm:tcg']


@keeltest.test
def probe_types(env):
    with Vm(env, PROBE_ARGS) as v:
        q = v.q
        types = {t['name']: t for t in q.command('qom-list-types')}
        check_eq(types.get('isa-serial', {}).get('parent'), 'isa-device', 'isa-serial parent')
        for name in ('pc-i440fx-7.2-machine', 'none-machine', 'microvm-machine',
                     'memory-backend-ram', 'secret', 'host-x86_64-cpu', 'max-x86_64-cpu'):
            check_in(name, types, 'qom-list-types')
        check_not_in('device', types, 'abstract types are left out by default')
        check_not_in('virtio-scsi-pci', types, 'types Keel lacks')
        devs = {t['name'] for t in q.command('qom-list-types', {'implements': 'device'})}
        check_in('isa-serial', devs, 'implements=device')
        check_in('max-x86_64-cpu', devs, 'a CPU is a device')
        check_not_in('none-machine', devs, 'implements=device')
        abstract = {t['name']: t for t in q.command('qom-list-types', {'abstract': True})}
        check(abstract.get('device', {}).get('abstract'), 'abstract=true lists device')
        machines = {m['name']: m for m in q.command('query-machines')}
        pc = machines.get('pc-i440fx-7.2')
        check(pc is not None, 'pc-i440fx-7.2 in query-machines')
        check_eq(pc.get('alias'), 'pc', 'alias of pc-i440fx-7.2')
        check_eq(pc.get('default-ram-id'), 'pc.ram', 'default-ram-id')
        check_not_in('pc', machines, 'pc is an alias, not a machine of its own')
        check_eq(q.command('qom-list', {'path': '/machine/unattached'}),
                 [{'name': 'type', 'type': 'string'}], 'machine none has no CPUs')
        expect_error(q, 'DeviceNotFound', None, 'qom-get',
                     {'path': '/machine/unattached/device[0]', 'property': 'type'})


@keeltest.test
def probe_properties(env):
    with Vm(env, PROBE_ARGS) as v:
        q = v.q
        expect_error(q, 'DeviceNotFound', "Device 'virtio-scsi-pci' not found",
                     'device-list-properties', {'typename': 'virtio-scsi-pci'})
        check_eq(q.command('device-list-properties', {'typename': 'isa-serial'}), [],
                 'isa-serial properties')
        check_eq(q.command('qom-list-properties', {'typename': 'memory-backend-file'}), [],
                 'a type Keel lacks lists no properties')
        names = {p['name'] for p in q.command('qom-list-properties',
                                                {'typename': 'none-machine'})}
        check_in('memory-backend', names, 'none-machine properties')
        names = {p['name'] for p in q.command('qom-list-properties',
                                                {'typename': 'memory-backend-ram'})}
        check_in('size', names, 'memory-backend-ram properties')
        expect_error(q, 'GenericError', "'typename' is missing", 'qom-list-properties')
        cpus = {c['name'] for c in q.command('query-cpu-definitions')}
        check_eq(cpus, {'host', 'max'}, 'CPU models')
        check_eq(q.command('query-tpm-models'), [], 'TPM models')
        check_eq(q.command('query-tpm-types'), [], 'TPM types')
        opts = {o['option'] for o in q.command('query-command-line-options')}
        check_in('machine', opts, 'command-line options')
        check_not_in('sandbox', opts, 'no seccomp sandbox to offer')
        msg = q.command('query-command-line-options', {'option': 'msg'})
        check_eq([p['name'] for p in msg[0]['parameters']], ['timestamp'], '-msg parameters')
        expect_error(q, 'GenericError', 'invalid option name: bogus',
                     'query-command-line-options', {'option': 'bogus'})


@keeltest.test
def probe_schema(env):
    with Vm(env, PROBE_ARGS) as v:
        schema = v.q.command('query-qmp-schema')
        by_name = {e['name']: e for e in schema}
        commands = {c['name'] for c in v.q.command('query-commands')}
        check_eq({e['name'] for e in schema if e['meta-type'] == 'command'}, commands,
                 'schema commands vs query-commands')
        for e in schema:
            for key in ('arg-type', 'ret-type'):
                if key in e:
                    check_in(e[key], by_name, '%s of %s' % (key, e['name']))
        arg = by_name[by_name['qom-get']['arg-type']]
        check_eq(sorted(m['name'] for m in arg['members']), ['path', 'property'],
                 'qom-get arguments')
        check_eq(by_name['RESET']['meta-type'], 'event', 'events in the schema')


@keeltest.test
def migration_capabilities(env):
    with Vm(env, PROBE_ARGS) as v:
        q = v.q
        check_eq(q.command('query-migrate-capabilities'),
                 [{'state': False, 'capability': 'events'}], 'initial capabilities')
        q.command('migrate-set-capabilities',
                  {'capabilities': [{'capability': 'events', 'state': True}]})
        check_eq(q.command('query-migrate-capabilities'),
                 [{'state': True, 'capability': 'events'}], 'events on')
        expect_error(q, 'GenericError', "does not accept value 'xbzrle'",
                     'migrate-set-capabilities',
                     {'capabilities': [{'capability': 'events', 'state': False},
                                       {'capability': 'xbzrle', 'state': True}]})
        check_eq(q.command('query-migrate-capabilities'),
                 [{'state': True, 'capability': 'events'}], 'a refused set changes nothing')
        expect_error(q, 'GenericError', 'expects a list', 'migrate-set-capabilities',
                     {'capabilities': [{'capability': 'events'}]})
        expect_error(q, 'GenericError', 'expects a list', 'migrate-set-capabilities',
                     {'capabilities': [7]})
        check_eq(q.command('query-migrate'), {}, 'no migration ran')
        check_eq(q.command('query-jobs'), [], 'jobs')
        check_eq(q.command('query-iothreads'), [], 'I/O threads')


def domain_args(env, extra=()):
    """The command line libvirt 9.0 builds for a minimal domain (JSON forms)."""
    return ['-name', 'guest=lvtest,debug-threads=on', '-S',
            '-machine', 'pc-i440fx-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram',
            '-accel', 'kvm', '-m', '64',
            '-object', '{"qom-type":"memory-backend-ram","id":"pc.ram","size":67108864}',
            '-overcommit', 'mem-lock=off', '-smp', '1,sockets=1,cores=1,threads=1',
            '-uuid', '2b7a3c7e-8d55-4a4e-9d4a-6a0c1c0c7a11', '-no-user-config',
            '-nodefaults', '-rtc', 'base=utc', '-no-shutdown', '-boot', 'strict=on',
            '-kernel', lvguest(env), '-append', 'console=ttyS0',
            '-chardev', 'pty,id=charserial0',
            '-device', '{"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0}',
            '-audiodev', '{"id":"audio1","driver":"none"}', '-msg', 'timestamp=on'] + list(extra)


def read_pty(fd, needle, timeout=30):
    deadline = time.monotonic() + timeout
    buf = b''
    while needle not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure('%r not seen on the pty (got %r)' % (needle, buf[-200:]))
        if select.select([fd], [], [], left)[0]:
            buf += os.read(fd, 4096)
    return buf


@keeltest.test
def domain_start_queries(env):
    img = env.tmpfile('disk.img', b'\0' * 65536)
    extra = ['-drive', 'file=%s,format=raw,if=none,id=drive0,readonly=on' % img]
    with Vm(env, domain_args(env, extra)) as v:
        q = v.q
        check_eq(q.command('qom-list', {'path': '/machine/peripheral'}),
                 [{'name': 'type', 'type': 'string'},
                  {'name': 'serial0', 'type': 'child<isa-serial>'}], 'peripherals')
        check_eq(q.command('qom-get', {'path': '/machine/peripheral/serial0',
                                       'property': 'type'}), 'isa-serial', 'serial0 type')
        cpu = q.command('query-cpus-fast')[0]['qom-path']
        check_in({'name': 'unavailable-features', 'type': 'strList'},
                 q.command('qom-list', {'path': cpu}), 'CPU properties')
        check_eq(q.command('qom-get', {'path': cpu, 'property': 'unavailable-features'}), [],
                 'unavailable-features')
        expect_error(q, 'DeviceNotFound', "'/machine/unattached/device[1]' not found",
                     'qom-get', {'path': '/machine/unattached/device[1]', 'property': 'type'})
        expect_error(q, 'DeviceNotFound', None, 'qom-list', {'path': '/machine/nope'})
        expect_error(q, 'GenericError', "Property 'bogus' not found", 'qom-get',
                     {'path': cpu, 'property': 'bogus'})
        blocks = q.command('query-block')
        check_eq([b['device'] for b in blocks], ['drive0'], 'query-block devices')
        check_eq(blocks[0]['inserted']['ro'], True, 'read-only drive')
        check_eq(blocks[0]['inserted']['image']['virtual-size'], 65536, 'drive size')
        nodes = q.command('query-named-block-nodes')
        check_eq([(n['node-name'], n['file']) for n in nodes], [('drive0', img)], 'nodes')
        check_eq(q.command('query-name'), {'name': 'lvtest'}, 'query-name')


@keeltest.test
def domain_powerdown_and_sigterm(env):
    with Vm(env, domain_args(env)) as v:
        q = v.q
        pty = [c['filename'] for c in q.command('query-chardev')
               if c['label'] == 'charserial0'][0]
        check(pty.startswith('pty:/dev/pts/'), 'pty chardev: %r' % pty)
        fd = os.open(pty[4:], os.O_RDWR | os.O_NOCTTY)
        try:
            subprocess.run(['stty', '-F', pty[4:], 'raw', '-echo'], check=True, timeout=10)
            q.command('cont')
            read_pty(fd, b'lvguest: ready boot=1')
            os.write(fd, b'keel')
            read_pty(fd, b'KEEL')
            q.command('system_powerdown')
            read_pty(fd, b'power button')
        finally:
            os.close(fd)
        ev = q.wait_event('SHUTDOWN')
        check_eq(ev['data'], {'guest': True, 'reason': 'guest-shutdown'}, 'guest power-off')
        q.wait_event('STOP')
        check_eq(q.command('query-status')['status'], 'shutdown', '-no-shutdown keeps it')
        v.vm.proc.send_signal(signal.SIGTERM)
        ev = q.wait_event('SHUTDOWN')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-signal'}, 'SIGTERM')
        r = v.vm.wait(timeout=20)
        check_eq(r.returncode, 0, 'exit status after SIGTERM')


@keeltest.test
def daemonize_closes_stdio(env):
    sock = os.path.join(env.tmpdir, 'qmp.sock')
    pidfile = os.path.join(env.tmpdir, 'qmp.pid')
    # As libvirt's probe: the parent exits once the child is ready, and the
    # child must close the inherited stdout/stderr, or communicate() hangs.
    p = subprocess.Popen([env.keel] + PROBE_ARGS + ['-qmp', unix_spec(sock), '-pidfile', pidfile,
                                                    '-daemonize'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Failure('stdout/stderr of -daemonize stayed open')
    check_eq(p.returncode, 0, 'parent exit status (stderr %r)' % err)
    with open(pidfile) as f:
        pid = int(f.read().strip())
    pidfd = os.pidfd_open(pid)  # the daemon is not our child: wait on a pidfd
    try:
        with QMPClient.unix(sock) as q:
            q.negotiate()
            check_eq(q.command('query-status')['status'], 'prelaunch', 'daemon status')
            q.command('quit')
        check(select.select([pidfd], [], [], 20)[0], 'daemon still running after quit')
    finally:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except OSError:
            pass
        os.close(pidfd)


if __name__ == '__main__':
    keeltest.main()
