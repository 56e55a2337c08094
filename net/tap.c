// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev tap: a Linux TAP interface, opened by name (ifname=, created if
 * needed) or handed over by the caller (fd=, as libvirt does). Keel runs
 * no ifup scripts: the interface is configured by whoever owns it.
 *
 * With IFF_VNET_HDR (vnet_hdr=on, or an fd opened that way) every frame
 * carries a struct virtio_net_hdr; Keel offers the guest no offloads, so
 * the header is all zeroes on the way out and ignored on the way in
 * (TUNSETOFFLOAD 0 keeps the kernel from sending GSO frames).
 * Any fd that reads and writes whole frames works, e.g. a datagram socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "net/net-be.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

#define TAP_HDR_LEN 10		/* struct virtio_net_hdr without num_buffers */
#define TAP_BURST 64		/* frames per wake-up, so one busy tap cannot starve the loop */

struct tap {
	struct netdev *nd;
	int fd;
	bool own_fd;
	unsigned hdr_len;
	guint watch;
	uint8_t *buf;		/* header + frame */
	ssize_t pending;	/* bytes of a frame the NIC had no room for, or -1 */
	int warned;
};

static int parse_fd(const char *s, int *fd, GError **err)
{
	uint64_t v;

	if (parse_u64(s, &v, false) < 0 || v > INT32_MAX) {
		error_setg(err, "Parameter 'fd' expects a file descriptor number, not '%s'", s);
		return -1;
	}
	*fd = v;
	return 0;
}

static int tap_check(struct kopts *o, GError **err)
{
	const char *script = kopts_get(o, "script");
	const char *downscript = kopts_get(o, "downscript");
	const char *ifname = kopts_get(o, "ifname");
	const char *fd = kopts_get(o, "fd");
	uint64_t queues;
	bool b;
	int n;

	kopts_get(o, "id");
	kopts_get(o, "sndbuf");
	kopts_get(o, "vhostfd");	/* vhost-net is not used: the data path is ours */
	if (kopts_get_bool(o, "vnet_hdr", false, &b, err) < 0 ||
	    kopts_get_bool(o, "vhost", false, &b, err) < 0 ||
	    kopts_get_u64(o, "queues", 1, &queues, err) < 0)
		return -1;
	if (queues != 1) {
		error_setg(err, "queues=%" G_GUINT64_FORMAT " is not supported (one queue pair)",
			   queues);
		return -1;
	}
	if ((script && *script && strcmp(script, "no")) ||
	    (downscript && *downscript && strcmp(downscript, "no"))) {
		error_setg(err, "network scripts are not supported: configure the interface "
			   "beforehand and use script=no,downscript=no");
		return -1;
	}
	if (fd && parse_fd(fd, &n, err) < 0)
		return -1;
	if (fd && ifname) {
		error_setg(err, "ifname= and fd= are mutually exclusive");
		return -1;
	}
	if (ifname && strlen(ifname) >= IFNAMSIZ) {
		error_setg(err, "ifname '%s' is longer than %d characters", ifname, IFNAMSIZ - 1);
		return -1;
	}
	return 0;
}

static int tap_open_dev(const char *ifname, bool vnet_hdr, GError **err)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0) };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		error_setg(err, "could not open /dev/net/tun: %s", g_strerror(errno));
		return -1;
	}
	g_strlcpy(ifr.ifr_name, ifname ?: "tap%d", IFNAMSIZ);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error_setg(err, "could not configure tap '%s': %s", ifname ?: "tap%d",
			   g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void tap_pause(struct tap *t)
{
	if (t->watch)
		g_source_remove(t->watch);
	t->watch = 0;
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque);

static void tap_resume(struct tap *t)
{
	if (!t->watch && t->fd >= 0)
		t->watch = g_unix_fd_add(t->fd, G_IO_IN, tap_readable, t);
}

/* Deliver what is pending and what the fd has; false when the NIC is full. */
static bool tap_pump(struct tap *t)
{
	for (unsigned i = 0; i < TAP_BURST; i++) {
		if (t->pending < 0) {
			t->pending = read(t->fd, t->buf, NET_MAX_FRAME + t->hdr_len);
			if (t->pending < 0) {
				if (errno != EAGAIN && errno != EINTR)
					warn_report_once_flag(&t->warned, "netdev '%s': read: %s",
							      t->nd->id, g_strerror(errno));
				return true;
			}
			if (t->pending == 0) {
				/* EOF: a socket peer went away; a tap never does this. */
				t->pending = -1;
				tap_pause(t);
				return true;
			}
			if (t->pending <= t->hdr_len) {
				t->pending = -1; /* runt */
				continue;
			}
		}
		if (!netdev_deliver(t->nd, t->buf + t->hdr_len, t->pending - t->hdr_len))
			return false;
		t->pending = -1;
	}
	return true;
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct tap *t = opaque;

	if (!tap_pump(t)) {
		t->watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void tap_rx_ready(struct netdev *nd)
{
	struct tap *t = nd->be_opaque;

	if (t->watch)
		return;
	if (tap_pump(t))
		tap_resume(t);
}

static bool tap_send(struct netdev *nd, const struct iovec *iov, unsigned n)
{
	struct tap *t = nd->be_opaque;
	static const uint8_t zero_hdr[TAP_HDR_LEN];
	struct iovec v[n + 1];
	ssize_t r;

	v[0] = (struct iovec){ .iov_base = (void *)zero_hdr, .iov_len = t->hdr_len };
	memcpy(v + 1, iov, n * sizeof(*iov));
	do {
		r = writev(t->fd, v, n + 1);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && errno != EAGAIN && errno != ENOBUFS)
		warn_report_once_flag(&t->warned, "netdev '%s': write: %s", nd->id,
				      g_strerror(errno));
	return r >= 0;
}

static int tap_open(struct netdev *nd, struct kopts *o, GError **err)
{
	const char *fdstr = kopts_get(o, "fd");
	bool vnet_hdr = false;
	struct ifreq ifr = { 0 };
	struct tap *t;
	int fd = -1, hdr = TAP_HDR_LEN, off = 0;

	kopts_get_bool(o, "vnet_hdr", false, &vnet_hdr, NULL);
	if (fdstr) {
		parse_fd(fdstr, &fd, NULL);
		if (fcntl(fd, F_GETFD) < 0) {
			error_setg(err, "fd=%d is not an open file descriptor", fd);
			return -1;
		}
		/* The fd decides: a tap opened with IFF_VNET_HDR sends headers. */
		vnet_hdr = ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_VNET_HDR);
	} else {
		fd = tap_open_dev(kopts_get(o, "ifname"), vnet_hdr, err);
		if (fd < 0)
			return -1;
	}
	if (vnet_hdr && (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
			 ioctl(fd, TUNSETOFFLOAD, off) < 0)) {
		error_setg(err, "could not set up the tap's vnet header: %s", g_strerror(errno));
		if (!fdstr)
			close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		error_setg(err, "fd %d: %s", fd, g_strerror(errno));
		if (!fdstr)
			close(fd);
		return -1;
	}
	t = g_new0(struct tap, 1);
	t->nd = nd;
	t->fd = fd;
	t->own_fd = true;
	t->hdr_len = vnet_hdr ? TAP_HDR_LEN : 0;
	t->buf = g_malloc(NET_MAX_FRAME + TAP_HDR_LEN);
	t->pending = -1;
	nd->be_opaque = t;
	tap_resume(t);
	return 0;
}

static void tap_close(struct netdev *nd)
{
	struct tap *t = nd->be_opaque;

	tap_pause(t);
	if (t->own_fd)
		close(t->fd);
	g_free(t->buf);
	g_free(t);
	nd->be_opaque = NULL;
}

static const struct netdev_backend tap_backend = {
	.type = "tap",
	.check = tap_check,
	.open = tap_open,
	.send = tap_send,
	.rx_ready = tap_rx_ready,
	.close = tap_close,
};
NETDEV_BACKEND_REGISTER(tap_backend)
