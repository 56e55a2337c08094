// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The socket chardev: unix:PATH / tcp:HOST:PORT / fd=N, as a server (one
 * client at a time, a new one accepted after the previous left) or as a
 * client. Connected sockets are handed to the core as an fd pair, which
 * does the non-blocking I/O; this file only listens, accepts, connects and
 * notices disconnection.
 *
 * Unix sockets we create are mode 0600 (set on the socket before bind(),
 * so there is no moment with a wider mode) and are removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "chardev/char-be.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

/* Replies stay whole even if a client reads slowly. */
#define SOCKET_OUT_LIMIT (4u * 1024 * 1024)

struct sock {
	struct chardev *chr;
	bool server;
	bool is_unix;
	bool nodelay;
	int listen_fd;
	int client_fd;
	guint listen_watch;
	char *path;	   /* unix path we created (server) or connect to */
	bool owns_path;	   /* unlink at exit: we created it */
	volatile bool unlinked;
	char *desc;	   /* "unix:/p,server=on", "tcp:h:p,server=on" */
};

static void set_disconnected_name(struct sock *s)
{
	g_autofree char *name = g_strdup_printf("disconnected:%s", s->desc);

	chardev_set_filename(s->chr, s->server ? name : s->desc);
}

static void set_connected_name(struct sock *s)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char host[NI_MAXHOST], port[NI_MAXSERV];
	g_autofree char *name = NULL;

	if (s->is_unix ||
	    getpeername(s->client_fd, (struct sockaddr *)&peer, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&peer, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		chardev_set_filename(s->chr, s->desc);
		return;
	}
	name = g_strdup_printf("%s <-> %s:%s", s->desc, host, port);
	chardev_set_filename(s->chr, name);
}

static void start_listening(struct sock *s);

static void use_client(struct sock *s, int fd)
{
	int one = 1;

	if (!s->is_unix && s->nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->client_fd = fd;
	chardev_set_fds(s->chr, fd, fd);
	set_connected_name(s);
	chardev_set_connected(s->chr, true);
}

static void drop_client(struct sock *s)
{
	if (s->client_fd < 0)
		return;
	chardev_set_fds(s->chr, -1, -1);
	close(s->client_fd);
	s->client_fd = -1;
	set_disconnected_name(s);
	chardev_set_connected(s->chr, false);
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct sock *s = opaque;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			warn_report("chardev '%s': accept: %s", chardev_id(s->chr),
				    g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	/* One client at a time: the next waits in the backlog until this one leaves. */
	s->listen_watch = 0;
	use_client(s, cfd);
	return G_SOURCE_REMOVE;
}

static void start_listening(struct sock *s)
{
	if (s->listen_fd >= 0 && !s->listen_watch)
		s->listen_watch = g_unix_fd_add(s->listen_fd, G_IO_IN, listen_ready, s);
}

static void sock_hup(struct chardev *c)
{
	struct sock *s = chardev_be_opaque(c);

	drop_client(s);
	if (s->server)
		start_listening(s);
}

static void sock_cleanup(struct chardev *c)
{
	struct sock *s = chardev_be_opaque(c);

	/* Async-signal-safe: unlink() only. */
	if (s && s->owns_path && !s->unlinked) {
		s->unlinked = true;
		unlink(s->path);
	}
}

static void sock_close(struct chardev *c)
{
	struct sock *s = chardev_be_opaque(c);

	if (!s)
		return;
	if (s->listen_watch)
		g_source_remove(s->listen_watch);
	if (s->client_fd >= 0) {
		chardev_set_fds(c, -1, -1);
		close(s->client_fd);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	sock_cleanup(c);
	chardev_set_ops(c, NULL, NULL);
	g_free(s->path);
	g_free(s->desc);
	g_free(s);
}

static const struct chardev_ops sock_ops = {
	.hup = sock_hup,
	.cleanup = sock_cleanup,
	.close = sock_close,
};

/* ---- address set-up ---- */

static int unix_addr(const char *path, struct sockaddr_un *sun, GError **err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (!*path || strlen(path) >= sizeof(sun->sun_path)) {
		error_setg(err, "UNIX socket path '%s' is too long (at most %zu bytes)", path,
			   sizeof(sun->sun_path) - 1);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

static int unix_listen(struct sock *s, GError **err)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (unix_addr(s->path, &sun, err) < 0)
		return -1;
	/* A stale socket from an earlier run is replaced, anything else is not. */
	if (lstat(s->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			error_setg(err, "Failed to bind socket to %s: path exists and is not a socket",
				   s->path);
			return -1;
		}
		unlink(s->path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		error_setg(err, "Failed to create socket: %s", g_strerror(errno));
		return -1;
	}
	/* Linux gives the new inode the socket's mode (less the umask). */
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		error_setg(err, "Failed to bind socket to %s: %s", s->path, g_strerror(errno));
		close(fd);
		return -1;
	}
	s->owns_path = true;
	if (chmod(s->path, 0600) < 0 || listen(fd, 8) < 0) {
		error_setg(err, "Failed to listen on socket %s: %s", s->path, g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int unix_connect(struct sock *s, GError **err)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(s->path, &sun, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		error_setg(err, "Failed to connect to '%s': %s", s->path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int tcp_open(const char *host, const char *port, bool server, int family, GError **err)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = server ? AI_PASSIVE : 0,
	};
	struct addrinfo *res, *ai;
	int fd = -1, ret, saved = 0;

	ret = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
	if (ret) {
		error_setg(err, "address resolution failed for %s:%s: %s", host ? host : "", port,
			   gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (server) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 8) == 0)
				break;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			break;
		}
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		error_setg(err, "Failed to %s %s:%s: %s", server ? "listen on" : "connect to",
			   host ? host : "", port, g_strerror(saved));
	return fd;
}

/* An inherited fd: a listening socket (server=on) or a connected one. */
static int check_fd(const char *str, bool server, bool *is_unix, GError **err)
{
	uint64_t v;
	int fd, type, listening;
	socklen_t len = sizeof(int);
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	if (parse_u64(str, &v, false) < 0 || v > INT32_MAX) {
		error_setg(err, "chardev: fd '%s' is not a file descriptor number", str);
		return -1;
	}
	fd = (int)v;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
		error_setg(err, "chardev: fd %d is not a socket: %s", fd, g_strerror(errno));
		return -1;
	}
	len = sizeof(int);
	if (type != SOCK_STREAM ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) {
		error_setg(err, "chardev: fd %d is not a stream socket", fd);
		return -1;
	}
	if (server && !listening) {
		error_setg(err, "chardev: fd %d is not a listening socket (server=on)", fd);
		return -1;
	}
	if (!server && listening) {
		error_setg(err, "chardev: fd %d is a listening socket; add server=on", fd);
		return -1;
	}
	*is_unix = getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 && ss.ss_family == AF_UNIX;
	/* The child of libvirt must not pass it on to anything it starts. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static int sock_open(struct chardev *c, struct kopts *opts, GError **err)
{
	const char *path = kopts_get(opts, "path");
	const char *host = kopts_get(opts, "host");
	const char *port = kopts_get(opts, "port");
	const char *fdstr = kopts_get(opts, "fd");
	bool server, wait, nowait, nodelay, telnet, websocket, ipv4, ipv6;
	uint64_t reconnect;
	struct sock *s;
	int fd, family = AF_UNSPEC;

	if (kopts_get_bool(opts, "server", false, &server, err) < 0 ||
	    kopts_get_bool(opts, "wait", true, &wait, err) < 0 ||
	    kopts_get_bool(opts, "nowait", false, &nowait, err) < 0 ||
	    kopts_get_bool(opts, "nodelay", false, &nodelay, err) < 0 ||
	    kopts_get_bool(opts, "telnet", false, &telnet, err) < 0 ||
	    kopts_get_bool(opts, "websocket", false, &websocket, err) < 0 ||
	    kopts_get_bool(opts, "ipv4", false, &ipv4, err) < 0 ||
	    kopts_get_bool(opts, "ipv6", false, &ipv6, err) < 0 ||
	    kopts_get_u64(opts, "reconnect", 0, &reconnect, err) < 0)
		return -1;
	if (nowait)
		wait = false;
	if (telnet || websocket || reconnect || kopts_has(opts, "tls-creds")) {
		error_setg(err, "chardev '%s': telnet, websocket, reconnect and tls-creds are not "
				"supported by Keel's socket backend", chardev_id(c));
		return -1;
	}
	if (ipv4 && !ipv6)
		family = AF_INET;
	else if (ipv6 && !ipv4)
		family = AF_INET6;
	if (!!path + !!port + !!fdstr != 1) {
		error_setg(err, "chardev '%s': give exactly one of path=, host=/port= or fd=",
			   chardev_id(c));
		return -1;
	}
	if (host && !port) {
		error_setg(err, "chardev '%s': host= needs port=", chardev_id(c));
		return -1;
	}
	/* Reject unknown keys before creating anything that needs undoing. */
	if (kopts_check_unused(opts, "-chardev socket", err) < 0)
		return -1;

	s = g_new0(struct sock, 1);
	s->chr = c;
	s->server = server;
	s->nodelay = nodelay;
	s->listen_fd = -1;
	s->client_fd = -1;
	chardev_set_ops(c, &sock_ops, s);
	chardev_set_out_limit(c, SOCKET_OUT_LIMIT, false);

	if (path) {
		s->is_unix = true;
		s->path = g_strdup(path);
		s->desc = g_strdup_printf("unix:%s%s", path, server ? ",server=on" : "");
		fd = server ? unix_listen(s, err) : unix_connect(s, err);
	} else if (port) {
		s->desc = g_strdup_printf("tcp:%s:%s%s", host ? host : "", port,
					  server ? ",server=on" : "");
		fd = tcp_open(host, port, server, family, err);
	} else {
		fd = check_fd(fdstr, server, &s->is_unix, err);
		s->desc = g_strdup_printf("fd:%s%s", fdstr, server ? ",server=on" : "");
	}
	if (fd < 0)
		return -1; /* the core calls close() */

	if (!server) {
		use_client(s, fd);
		return 0;
	}
	s->listen_fd = fd;
	set_disconnected_name(s);
	/* An inherited listening fd may be blocking; accept must never block the loop. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (wait) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int cfd = -1;

		fprintf(stderr, "keel: waiting for connection on: disconnected:%s\n", s->desc);
		while (cfd < 0) {
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				break;
			cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (cfd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				break;
		}
		if (cfd < 0) {
			error_setg(err, "chardev '%s': accept: %s", chardev_id(c), g_strerror(errno));
			return -1;
		}
		use_client(s, cfd);
		return 0;
	}
	start_listening(s);
	return 0;
}

static const struct chardev_backend socket_backend = {
	.name = "socket",
	.open = sock_open,
};
CHARDEV_BACKEND_REGISTER(socket_backend)
