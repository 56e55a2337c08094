#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QMP against the real keel binary on /dev/kvm: transports, the protocol as
QEMU speaks it, every command, events and their order relative to replies.

The guest is echo.elf: it idles (HLT) until serial input, so the VM is
really running while the monitor is exercised.
"""
import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keeltest  # noqa: E402
from keeltest import Failure, Skip, check, check_eq, check_in  # noqa: E402
from qmp_client import QMPClient, QMPError  # noqa: E402

GUEST = 'echo.elf'


def unix_spec(path):
    return 'unix:%s,server=on,wait=off' % path


@contextlib.contextmanager
def qmp_vm(env, extra=(), sock='qmp.sock', negotiate=True, args=None):
    """Start keel with a QMP unix socket; yield (vm, client)."""
    path = os.path.join(env.tmpdir, sock)
    if args is None:
        args = env.guest_args(GUEST, extra=['-qmp', unix_spec(path)] + list(extra))
    vm = env.start(args)
    try:
        q = QMPClient.unix_retry(path, proc=vm.proc)
        with q:
            if negotiate:
                q.negotiate()
            yield vm, q
    finally:
        vm.close()


def expect_error(q, cls, desc_part, send):
    if isinstance(send, (str, bytes)):
        q.send_raw(send)
        reply = q.read_reply()
    else:
        reply = send()
    check('error' in reply, 'expected an error, got %r' % reply)
    check_eq(reply['error']['class'], cls, 'error class for %r' % (send,))
    if desc_part:
        check_in(desc_part, reply['error']['desc'], 'error desc')
    return reply


def cmdline_supports(env, *opts):
    """Skip when the command line parser does not know an option yet."""
    r = env.run(list(opts) + ['-version'], timeout=20)
    for o in opts:
        if o.startswith('-') and ('%s: invalid option' % o) in r.stderr:
            raise Skip('%s is not supported by the command line yet' % o)


@keeltest.test
def greeting_and_negotiation(env):
    with qmp_vm(env, negotiate=False) as (vm, q):
        g = q.greeting['QMP']
        check_eq(g['version']['qemu'], {'major': 7, 'minor': 2, 'micro': 0}, 'version')
        check(g['version']['package'].startswith('keel-'), 'package %r' % g)
        check(isinstance(g['capabilities'], list), 'capabilities list')
        r = expect_error(q, 'CommandNotFound', "Expecting capabilities negotiation",
                         lambda: q.execute('query-status', id='pre'))
        check_eq(r.get('id'), 'pre', 'id echoed before negotiation')
        check_eq(q.execute('qmp_capabilities', id='libvirt-1'),
                 {'return': {}, 'id': 'libvirt-1'}, 'qmp_capabilities reply')
        expect_error(q, 'CommandNotFound', 'already complete',
                     lambda: q.execute('qmp_capabilities'))
        check_eq(q.command('query-status')['status'], 'running', 'status')


@keeltest.test
def queries(env):
    with qmp_vm(env, extra=['-smp', '2']) as (vm, q):
        check_eq(q.command('query-version')['qemu']['major'], 7, 'query-version')
        names = {c['name'] for c in q.command('query-commands')}
        for n in ('qmp_capabilities', 'query-version', 'query-commands', 'query-status',
                  'query-name', 'query-uuid', 'query-kvm', 'query-target', 'query-machines',
                  'query-cpus-fast', 'query-hotpluggable-cpus', 'query-chardev',
                  'query-events', 'stop', 'cont', 'system_reset', 'system_powerdown', 'quit',
                  'human-monitor-command'):
            check_in(n, names, 'query-commands')
            if n.startswith('query-'):
                q.command(n)  # every query answers
        check_eq(q.command('query-status'),
                 {'status': 'running', 'singlestep': False, 'running': True}, 'query-status')
        check(isinstance(q.command('query-name'), dict), 'query-name')
        check_eq(len(q.command('query-uuid')['UUID']), 36, 'UUID length')
        check_eq(q.command('query-kvm'), {'enabled': True, 'present': True}, 'query-kvm')
        check_eq(q.command('query-target')['arch'], 'x86_64', 'query-target')
        machines = q.command('query-machines')
        check(any(m.get('is-default') for m in machines), 'a default machine')
        for m in machines:
            for k in ('name', 'cpu-max', 'hotpluggable-cpus', 'numa-mem-supported',
                      'deprecated'):
                check_in(k, m, 'machine %r' % m)
            if m['hotpluggable-cpus']:
                check_in('default-ram-id', m, 'machine %r' % m)
                check_in('default-cpu-type', m, 'machine %r' % m)
        cpus = q.command('query-cpus-fast')
        check_eq([c['cpu-index'] for c in cpus], [0, 1], 'cpu indexes')
        tasks = os.listdir('/proc/%d/task' % vm.proc.pid)
        for c in cpus:
            check_eq(c['target'], 'x86_64', 'cpu target')
            # The vCPU's own thread, which libvirt pins.
            check(str(c['thread-id']) in tasks and c['thread-id'] != vm.proc.pid,
                  'thread-id %r is a vCPU thread of %r' % (c['thread-id'], tasks))
        check_eq(len({c['thread-id'] for c in cpus}), 2, 'distinct vCPU threads')
        hp = q.command('query-hotpluggable-cpus')
        check_eq(sorted(h['qom-path'] for h in hp),
                 sorted(c['qom-path'] for c in cpus), 'hotpluggable vs cpus-fast paths')
        chardevs = q.command('query-chardev')
        check(any(c['filename'].startswith('unix:') and c['filename'].endswith('server=on')
                  for c in chardevs), 'monitor chardev listed: %r' % chardevs)
        events = {e['name'] for e in q.command('query-events')}
        for e in ('RESET', 'STOP', 'RESUME', 'SHUTDOWN', 'POWERDOWN'):
            check_in(e, events, 'query-events')


@keeltest.test
def name_and_uuid(env):
    uuid = '12345678-1234-1234-1234-123456789abc'
    with qmp_vm(env, extra=['-name', 'guest=vm-a,debug-threads=on', '-uuid', uuid]) as (vm, q):
        check_eq(q.command('query-name'), {'name': 'vm-a'}, 'query-name')
        check_eq(q.command('query-uuid'), {'UUID': uuid}, 'query-uuid')


@keeltest.test
def cont_after_shutdown_resets(env):
    """-no-reboot turns system_reset into a shutdown; -no-shutdown keeps the process; cont resets."""
    with qmp_vm(env, extra=['-no-reboot', '-no-shutdown']) as (vm, q):
        q.request('system_reset', id='r')
        ev = q.read_message()
        check_eq(ev.get('event'), 'SHUTDOWN', 'SHUTDOWN for reset with -no-reboot')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-qmp-system-reset'}, 'data')
        check_eq(q.read_message().get('event'), 'STOP', 'STOP after SHUTDOWN')
        check_eq(q.read_message(), {'return': {}, 'id': 'r'}, 'reply last')
        check_eq(q.command('query-status'),
                 {'status': 'shutdown', 'singlestep': False, 'running': False}, 'status')
        check_eq(q.hmp('info status'), 'VM status: paused (shutdown)\r\n', 'hmp status')
        # cont on a shut-down guest resets it first, then runs it.
        q.request('cont', id='c')
        ev = q.read_message()
        check_eq(ev.get('event'), 'RESET', 'RESET before running again')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-qmp-system-reset'}, 'data')
        check_eq(q.read_message().get('event'), 'RESUME', 'RESUME after RESET')
        check_eq(q.read_message(), {'return': {}, 'id': 'c'}, 'cont reply last')
        check_eq(q.command('query-status'),
                 {'status': 'running', 'singlestep': False, 'running': True}, 'status')
        q.command('quit')
        vm.wait(timeout=30).expect_status(0)


@keeltest.test
def protocol_errors(env):
    with qmp_vm(env) as (vm, q):
        expect_error(q, 'CommandNotFound', 'The command nope has not been found',
                     '{"execute": "nope"}')
        expect_error(q, 'GenericError', 'QMP input must be a JSON object', '[1]')
        expect_error(q, 'GenericError', "lacks member 'execute'", '{"id": 1}')
        expect_error(q, 'GenericError', "'execute' must be a string", '{"execute": 3}')
        expect_error(q, 'GenericError', "'arguments' must be an object",
                     '{"execute": "stop", "arguments": 1}')
        expect_error(q, 'GenericError', "Parameter 'x' is unexpected",
                     '{"execute": "query-status", "arguments": {"x": 1}}')
        expect_error(q, 'GenericError', "Parameter 'command-line' is missing",
                     '{"execute": "human-monitor-command"}')
        expect_error(q, 'GenericError', "Invalid parameter type for 'command-line'",
                     '{"execute": "human-monitor-command", "arguments": {"command-line": []}}')
        expect_error(q, 'GenericError', 'JSON parse error', '{"execute": }')
        # The fuzzer's old catch: a bad \u escape, then bytes that are not UTF-8.
        expect_error(q, 'GenericError', 'JSON parse error',
                     b'{"execute": "a\\uZZ\xc3\x28\xff", "id": "\xfe"}')
        expect_error(q, 'GenericError', 'JSON parse error', b'{"execute": "x\x00y"}')
        expect_error(q, 'GenericError', 'JSON parse error', b'{"a": "\\ud800"}')
        # Any JSON value is echoed as id.
        for rid in (7, 'x', None, [1, {'a': True}], {'k': 'v'}, 2.5, '\u00e9\U0001F600'):
            r = q.execute('query-name', id=rid)
            check_eq(r.get('id'), rid, 'echoed id')
        # Still in sync.
        check_eq(q.command('query-status')['running'], True, 'usable after errors')


@keeltest.test
def framing(env):
    with qmp_vm(env) as (vm, q):
        # Several commands in one write, whitespace between them.
        q.send_raw('{"execute":"query-name","id":1}{"execute":"query-kvm","id":2}\r\n\t '
                   '{"execute":"query-target","id":3}\n')
        check_eq([q.read_reply()['id'] for _ in range(3)], [1, 2, 3], 'merged ids')
        # One command split over many writes.
        msg = b'{"execute": "query-status", "id": "split"}'
        for i in range(len(msg)):
            q.send_raw(msg[i:i + 1])
        check_eq(q.read_reply()['id'], 'split', 'split id')
        # More than 1 MiB without a complete value: one error, then in sync.
        q.send_raw(b'{"execute": "query-status", "arguments": {"x": "' + b'a' * (1536 * 1024)
                   + b'"}}')
        r = q.read_reply()
        check_eq(r['error']['class'], 'GenericError', 'oversized input')
        check_in('too long', r['error']['desc'], 'oversized desc')
        check_eq(q.command('query-status')['running'], True, 'usable after oversized input')
        # Deep nesting.
        q.send_raw(b'[' * 2000 + b']' * 2000)
        check_in('nesting', q.read_reply()['error']['desc'], 'deep nesting')
        check_eq(q.command('query-name'), {}, 'usable after deep nesting')


@keeltest.test
def events_in_order(env):
    with qmp_vm(env, extra=['-S']) as (vm, q):
        check_eq(q.command('query-status')['status'], 'prelaunch', '-S status')
        # cont: RESUME, then the reply.
        q.request('cont', id='c')
        check_eq(q.read_message().get('event'), 'RESUME', 'RESUME before cont reply')
        check_eq(q.read_message(), {'return': {}, 'id': 'c'}, 'cont reply')
        check_eq(q.command('query-status')['status'], 'running', 'after cont')
        q.request('stop', id='s')
        check_eq(q.read_message().get('event'), 'STOP', 'STOP before stop reply')
        check_eq(q.read_message(), {'return': {}, 'id': 's'}, 'stop reply')
        check_eq(q.command('query-status')['status'], 'paused', 'after stop')
        # stop again: nothing to do, no event.
        q.command('stop')
        q.command('cont')
        check_eq([e['event'] for e in q.take_events()], ['RESUME'], 'one RESUME')
        # system_reset: RESET (host-qmp-system-reset) precedes the reply, as in QEMU.
        q.request('system_reset', id='r')
        ev = q.read_message()
        check_eq(ev.get('event'), 'RESET', 'RESET before reset reply')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-qmp-system-reset'}, 'RESET data')
        check_eq(q.read_message(), {'return': {}, 'id': 'r'}, 'reset reply')
        q.request('system_powerdown', id='p')
        check_eq(q.read_message().get('event'), 'POWERDOWN', 'POWERDOWN before reply')
        check_eq(q.read_message(), {'return': {}, 'id': 'p'}, 'powerdown reply')
        # Timestamps are wall-clock and never go backwards.
        stamps = [(m['timestamp']['seconds'], m['timestamp']['microseconds'])
                  for m in q.log if 'event' in m]
        check_eq(stamps, sorted(stamps), 'event timestamps ordered')


@keeltest.test
def quit_and_socket_lifetime(env):
    path = os.path.join(env.tmpdir, 'qmp.sock')
    with qmp_vm(env) as (vm, q):
        st = os.stat(path)
        check(stat.S_ISSOCK(st.st_mode), 'socket created')
        check_eq(stat.S_IMODE(st.st_mode), 0o600, 'socket mode')
        q.request('quit', id='q')
        check_eq(q.read_message(), {'return': {}, 'id': 'q'}, 'quit reply first')
        ev = q.read_message()
        check_eq(ev.get('event'), 'SHUTDOWN', 'SHUTDOWN after quit')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-qmp-quit'}, 'SHUTDOWN data')
        r = vm.wait(timeout=30)
        r.expect_status(0)
    check(not os.path.exists(path), 'socket removed at exit')
    # SIGTERM: SHUTDOWN host-signal, exit, socket removed.
    with qmp_vm(env) as (vm, q):
        vm.proc.send_signal(signal.SIGTERM)
        ev = q.wait_event('SHUTDOWN')
        check_eq(ev['data'], {'guest': False, 'reason': 'host-signal'}, 'SIGTERM SHUTDOWN')
        vm.wait(timeout=30).expect_status(0)
    check(not os.path.exists(path), 'socket removed after SIGTERM')


@keeltest.test
def reaccept(env):
    path = os.path.join(env.tmpdir, 'qmp.sock')
    with qmp_vm(env) as (vm, q):
        q.command('stop')
        q.close()
        for i in range(3):
            with QMPClient.unix(path) as q2:
                check('QMP' in q2.greeting, 'greeting on reconnect %d' % i)
                expect_error(q2, 'CommandNotFound', 'Expecting capabilities',
                             lambda: q2.execute('query-status'))
                q2.negotiate()
                check_eq(q2.command('query-status')['status'], 'paused', 'state kept')
        # A client that leaves mid-command does not wedge the monitor.
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.sendall(b'{"execute": "qmp_capabilities"}{"execute": "query-st')
        s.close()
        with QMPClient.unix(path) as q3:
            q3.negotiate()
            q3.command('cont')
            check_eq([e['event'] for e in q3.take_events()], ['RESUME'], 'events after reconnect')
        # ... nor one that leaves while its reply waits for the main loop
        # (fewer than the listen backlog: they queue while one is served).
        for _ in range(5):
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.sendall(b'{"execute": "qmp_capabilities"}{"execute": "system_reset"}'
                      b'{"execute": "system_powerdown"}{"execute": "query-status"}')
            s.close()
        with QMPClient.unix_retry(path) as q4:
            q4.negotiate()
            check_eq(q4.command('query-status')['status'], 'running', 'after abrupt clients')


@keeltest.test
def server_wait_on(env):
    """server=on without wait=off: start-up waits for the first client."""
    path = os.path.join(env.tmpdir, 'wait.sock')
    vm = env.start(env.guest_args(GUEST, extra=['-qmp', 'unix:%s,server=on' % path]))
    try:
        with QMPClient.unix_retry(path, proc=vm.proc) as q:
            q.negotiate()
            check_eq(q.command('query-status')['running'], True, 'runs after the client came')
            q.command('quit')
        r = vm.wait(timeout=30)
        r.expect_status(0)
        r.expect_err('waiting for connection on: disconnected:unix:%s,server=on' % path)
    finally:
        vm.close()


@keeltest.test
def two_monitors(env):
    second = os.path.join(env.tmpdir, 'qmp2.sock')
    with qmp_vm(env, extra=['-qmp', unix_spec(second)]) as (vm, q):
        with QMPClient.unix(second) as q2:
            # Not negotiated yet: gets no events.
            q.command('stop')
            q2.negotiate()
            check_eq(q2.take_events(), [], 'no events before negotiation')
            q.command('cont')
            check_eq(q2.wait_event('RESUME')['event'], 'RESUME', 'event on second monitor')
            q2.command('system_reset')
            check_eq(q.wait_event('RESET')['data']['reason'], 'host-qmp-system-reset',
                     'RESET on first monitor')
            labels = [c['label'] for c in q.command('query-chardev')]
            check_eq(len([lb for lb in labels if lb.startswith('compat_monitor')]), 2,
                     'two monitor chardevs %r' % labels)


def free_tcp_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@keeltest.test
def tcp_transport(env):
    for _ in range(3):  # the port may be taken between probe and bind
        port = free_tcp_port()
        spec = 'tcp:127.0.0.1:%d,server=on,wait=off' % port
        vm = env.start(env.guest_args(GUEST, extra=['-qmp', spec]))
        try:
            q = None
            for _ in range(500):
                try:
                    q = QMPClient.tcp('127.0.0.1', port)
                    break
                except ConnectionRefusedError:
                    if vm.proc.poll() is not None:
                        break
                    vm._pump(time.monotonic() + 0.02)
            if q is None:
                if 'Address already in use' in vm.wait(timeout=10).stderr:
                    continue
                raise Failure('could not connect over tcp')
            with q:
                q.negotiate()
                check_eq(q.command('query-status')['running'], True, 'tcp query-status')
                fn = [c['filename'] for c in q.command('query-chardev')]
                check(any(f.startswith('tcp:127.0.0.1:%d,server=on' % port) for f in fn),
                      'tcp filename %r' % fn)
            # and again after a disconnect
            with QMPClient.tcp('127.0.0.1', port) as q:
                q.negotiate()
                q.command('quit')
            vm.wait(timeout=30).expect_status(0)
            return
        finally:
            vm.close()
    raise Failure('no free tcp port')


@keeltest.test
def inherited_fd(env):
    """libvirt's way: a listening socket passed as fd=N with -chardev/-mon."""
    cmdline_supports(env, '-chardev', 'null,id=x', '-mon', 'chardev=x,mode=control')
    path = os.path.join(env.tmpdir, 'libvirt-monitor.sock')
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    fd = ls.fileno()
    args = env.guest_args(GUEST, extra=[
        '-chardev', 'socket,id=charmonitor,fd=%d,server=on,wait=off' % fd,
        '-mon', 'chardev=charmonitor,id=monitor,mode=control'])
    proc = subprocess.Popen([env.keel] + args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            pass_fds=[fd], start_new_session=True)
    ls.close()
    try:
        for i in range(2):
            with QMPClient.unix(path) as q:
                q.negotiate()
                check_eq(q.command('query-status')['running'], True, 'fd monitor %d' % i)
                labels = [c['label'] for c in q.command('query-chardev')]
                check_in('charmonitor', labels, 'query-chardev')
        with QMPClient.unix(path) as q:
            q.negotiate()
            q.command('quit')
        proc.wait(timeout=30)
        check_eq(proc.returncode, 0, 'exit status')
        # Keel did not create the path, so it leaves it alone.
        check(os.path.exists(path), 'inherited socket path untouched')
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stderr.close()


@keeltest.test
def chardev_mon_unix(env):
    cmdline_supports(env, '-chardev', 'null,id=x', '-mon', 'chardev=x,mode=control')
    path = os.path.join(env.tmpdir, 'mon.sock')
    args = env.guest_args(GUEST, extra=[
        '-chardev', 'socket,id=mon0,path=%s,server=on,wait=off' % path,
        '-mon', 'chardev=mon0,mode=control'])
    with qmp_vm(env, args=args, sock='mon.sock') as (vm, q):
        check_eq(q.command('query-status')['running'], True, '-mon monitor')
        check_eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, 'socket mode')
    r = env.run(env.guest_args(GUEST, extra=['-chardev', 'socket,id=m,path=%s,server=on,'
                                             'wait=off' % path, '-mon', 'chardev=m']))
    check(r.returncode != 0 and 'mode' in r.stderr, '-mon without mode=control refused: %s'
          % r.stderr)


@keeltest.test
def stdio_transport(env):
    args = [a if a != 'stdio' else 'null' for a in env.guest_args(GUEST)]
    vm = env.start(args + ['-qmp', 'stdio'])
    try:
        g = vm.read_until('\r\n', timeout=30)
        check_in('"QMP"', g, 'greeting on stdout')
        vm.write('{"execute": "qmp_capabilities"}\n{"execute": "query-status", "id": 1}\n'
                 '{"execute": "quit", "id": 2}\n')
        r = vm.wait(timeout=30)
        r.expect_status(0)
        check_in('{"return": {"status": "running", "singlestep": false, "running": true}, '
                 '"id": 1}', r.stdout, 'query-status over stdio')
        check_in('{"return": {}, "id": 2}', r.stdout, 'quit over stdio')
    finally:
        vm.close()


@keeltest.test
def human_monitor(env):
    with qmp_vm(env) as (vm, q):
        check_eq(q.hmp('info status'), 'VM status: running\r\n', 'info status')
        check_eq(q.hmp('stop'), '', 'hmp stop')
        check_eq(q.wait_event('STOP')['event'], 'STOP', 'hmp stop event')
        check_eq(q.hmp('info status'), 'VM status: paused\r\n', 'paused')
        check_eq(q.hmp('cont'), '', 'hmp cont')
        q.wait_event('RESUME')
        check_eq(q.hmp('system_reset'), '', 'hmp system_reset')
        check_eq(q.wait_event('RESET')['data']['reason'], 'host-qmp-system-reset', 'reset')
        check_in('unknown command', q.hmp('frobnicate'), 'unknown hmp command')
        check_eq(q.hmp('quit'), '', 'hmp quit')
        vm.wait(timeout=30).expect_status(0)


@keeltest.test
def socat_client(env):
    socat = shutil.which('socat')
    if not socat:
        raise Skip('socat is not installed')
    path = os.path.join(env.tmpdir, 'qmp.sock')
    vm = env.start(env.guest_args(GUEST, extra=['-qmp', unix_spec(path)]))
    try:
        QMPClient.unix_retry(path, proc=vm.proc).close()
        inp = ('{"execute":"qmp_capabilities"}\n{"execute":"query-status","id":"s"}\n'
               '{"execute":"quit","id":"q"}\n')
        p = subprocess.run([socat, '-t', '10', '-', 'UNIX-CONNECT:' + path], input=inp,
                           capture_output=True, text=True, timeout=30)
        check_in('"QMP"', p.stdout, 'greeting via socat')
        check_in('"running": true}, "id": "s"}', p.stdout, 'query-status via socat')
        check_in('"reason": "host-qmp-quit"', p.stdout, 'SHUTDOWN via socat')
        vm.wait(timeout=30).expect_status(0)
    finally:
        vm.close()


@keeltest.test
def stop_cont_loop(env):
    with qmp_vm(env, extra=['-smp', '2']) as (vm, q):
        for i in range(200):
            q.command('stop')
            st = q.command('query-status')
            if st['status'] != 'paused' or st['running']:
                raise Failure('iteration %d: after stop %r' % (i, st))
            q.command('cont')
            st = q.command('query-status')
            if st['status'] != 'running' or not st['running']:
                raise Failure('iteration %d: after cont %r' % (i, st))
        evs = [e['event'] for e in q.take_events()]
        check_eq(evs, ['STOP', 'RESUME'] * 200, 'one STOP and one RESUME per round')


if __name__ == '__main__':
    keeltest.main()
