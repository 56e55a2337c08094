# SPDX-License-Identifier: GPL-2.0-or-later
"""A small QMP client (python3 standard library only) for Keel's tests.

    with qmp_client.QMPClient.unix(path) as q:
        q.negotiate()
        status = q.command('query-status')['status']
        q.command('system_reset')
        ev = q.wait_event('RESET')

Every line the server sends must be one JSON object: anything else raises
ProtocolError, so every test doubles as a check of the server's output.
All reads have a timeout; nothing sleeps.
"""

import json
import select
import socket
import time

DEFAULT_TIMEOUT = 30.0


class ProtocolError(Exception):
    """The server broke the QMP wire format (or went away)."""


class QMPError(Exception):
    """An error reply: .cls is the error class, .desc the description."""

    def __init__(self, cls, desc, reply):
        super().__init__('%s: %s' % (cls, desc))
        self.cls = cls
        self.desc = desc
        self.reply = reply


class QMPClient:
    def __init__(self, sock, timeout=DEFAULT_TIMEOUT, read_greeting=True):
        self.sock = sock
        self.timeout = timeout
        self.buf = b''
        self.events = []      # events received and not yet consumed
        self.log = []         # every message received, in order
        self.greeting = self.read_message() if read_greeting else None
        if self.greeting is not None and 'QMP' not in self.greeting:
            raise ProtocolError('no greeting: %r' % self.greeting)
        self._next_id = 0

    # -- connecting --

    @classmethod
    def unix(cls, path, timeout=DEFAULT_TIMEOUT, **kw):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
        return cls(s, timeout, **kw)

    @classmethod
    def tcp(cls, host, port, timeout=DEFAULT_TIMEOUT, **kw):
        s = socket.create_connection((host, port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(s, timeout, **kw)

    @classmethod
    def unix_retry(cls, path, timeout=DEFAULT_TIMEOUT, proc=None, **kw):
        """Connect once the server has created its socket (polls with select, no sleep)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return cls.unix(path, timeout, **kw)
            except (FileNotFoundError, ConnectionRefusedError, BlockingIOError):
                if time.monotonic() > deadline:
                    raise
                if proc is not None and proc.poll() is not None:
                    raise ProtocolError('keel exited (status %s) before its monitor '
                                        'was ready' % proc.returncode)
                select.select([], [], [], 0.02)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # -- raw I/O --

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _read_line(self, timeout):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no complete QMP message within the timeout '
                                   '(have %r)' % self.buf[:200])
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('connection closed by keel (pending %r)' % self.buf[:200])
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return line

    def read_message(self, timeout=None):
        """Next message (reply, event or greeting) as a dict."""
        line = self._read_line(timeout)
        if not line.endswith(b'\r'):
            raise ProtocolError('line not terminated by \\r\\n: %r' % line[:200])
        try:
            text = line[:-1].decode('utf-8')
            msg = json.loads(text)
        except (UnicodeDecodeError, ValueError) as e:
            raise ProtocolError('not JSON (%s): %r' % (e, line[:300]))
        if not isinstance(msg, dict):
            raise ProtocolError('not a JSON object: %r' % line[:300])
        self.log.append(msg)
        return msg

    def pending(self):
        """True if a message is already buffered or readable now."""
        if b'\n' in self.buf:
            return True
        r, _, _ = select.select([self.sock], [], [], 0)
        return bool(r)

    # -- commands --

    def request(self, name, arguments=None, id=None, oob=False):
        """Send one command; return the message object sent."""
        msg = {'exec-oob' if oob else 'execute': name}
        if arguments is not None:
            msg['arguments'] = arguments
        if id is not None:
            msg['id'] = id
        self.send_raw(json.dumps(msg) + '\r\n')
        return msg

    def read_reply(self, timeout=None):
        """Next reply, keeping events that arrive before it in self.events."""
        while True:
            msg = self.read_message(timeout)
            if 'event' in msg:
                self._check_event(msg)
                self.events.append(msg)
                continue
            if 'return' not in msg and 'error' not in msg:
                raise ProtocolError('neither reply nor event: %r' % msg)
            return msg

    def execute(self, name, arguments=None, id=None, timeout=None):
        """Send a command; return the whole reply (return or error)."""
        self.request(name, arguments, id)
        return self.read_reply(timeout)

    def command(self, name, arguments=None, timeout=None, **kw):
        """Send a command with a fresh id; return its 'return' or raise QMPError."""
        args = dict(arguments or {}, **kw) if (arguments or kw) else None
        self._next_id += 1
        rid = 'keeltest-%d' % self._next_id
        reply = self.execute(name, args, id=rid, timeout=timeout)
        if reply.get('id') != rid:
            raise ProtocolError('reply id %r, expected %r' % (reply.get('id'), rid))
        if 'error' in reply:
            e = reply['error']
            raise QMPError(e.get('class'), e.get('desc'), reply)
        return reply['return']

    def negotiate(self):
        self.command('qmp_capabilities')

    def hmp(self, line):
        return self.command('human-monitor-command', {'command-line': line})

    # -- events --

    @staticmethod
    def _check_event(msg):
        ts = msg.get('timestamp')
        if (not isinstance(ts, dict) or not isinstance(ts.get('seconds'), int) or
                not isinstance(ts.get('microseconds'), int)):
            raise ProtocolError('event without a proper timestamp: %r' % msg)

    def wait_event(self, name, timeout=None):
        """Return (and consume) the first event called name, reading if needed."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev['event'] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no %s event (have %r)' % (name, self.events))
            msg = self.read_message(left)
            if 'event' not in msg:
                raise ProtocolError('unexpected reply while waiting for %s: %r' %
                                    (name, msg))
            self._check_event(msg)
            self.events.append(msg)

    def take_events(self):
        evs, self.events = self.events, []
        return evs
