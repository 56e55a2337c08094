// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev user: user-mode networking with libslirp (QEMU's defaults:
 * 10.0.2.0/24, gateway and host 10.0.2.2, DNS 10.0.2.3, DHCP from
 * 10.0.2.15). The gateway address reaches the host's loopback unless
 * restrict=on. IPv4 only.
 *
 * libslirp owns sockets and timers; a GSource asks it which fds to poll
 * before every main-loop iteration and lets it handle them after, so all
 * of it runs in the main loop with the bql held. The source is ready after
 * every poll, so it has the idle priority: glib dispatches only the best
 * priority ready, and at the default one it would starve idle callbacks
 * (the deferred system_reset reply, QMP requests behind it) for as long as
 * the netdev exists. Frames for the guest that the NIC cannot take yet
 * wait in a bounded queue (TCP recovers from drops beyond it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "net/net-be.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

#define SLIRP_RX_QUEUE 512	/* frames held while the NIC has no buffers */

struct slirp_src {
	GSource src;
	struct user_net *u;
};

struct user_net {
	struct netdev *nd;
	Slirp *slirp;
	GSource *src;
	GArray *pfds;		/* GPollFD, registered with src */
	GQueue rxq;		/* GBytes */
	int warned;
};

struct user_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	guint id;
};

static int parse_net(const char *s, struct in_addr *net, struct in_addr *mask)
{
	g_autofree char *a = g_strdup(s);
	char *slash = strchr(a, '/');
	unsigned bits = 24;

	if (slash) {
		uint64_t v;

		*slash++ = 0;
		if (parse_u64(slash, &v, false) < 0 || v < 1 || v > 30)
			return -1;
		bits = v;
	}
	if (!inet_aton(a, net))
		return -1;
	mask->s_addr = htonl(~0u << (32 - bits));
	net->s_addr &= mask->s_addr;
	return 0;
}

/* "tcp:[haddr]:hport-[gaddr]:gport" (udp: too). */
static int parse_hostfwd(const char *s, int *udp, struct in_addr *ha, int *hp,
			 struct in_addr *ga, int *gp)
{
	g_auto(GStrv) sides = NULL;
	g_auto(GStrv) h = NULL;
	g_auto(GStrv) g = NULL;
	uint64_t v;

	sides = g_strsplit(s, "-", 2);
	if (g_strv_length(sides) != 2)
		return -1;
	h = g_strsplit(sides[0], ":", 3);
	g = g_strsplit(sides[1], ":", 2);
	if (g_strv_length(h) != 3 || g_strv_length(g) != 2)
		return -1;
	if (!strcmp(h[0], "udp"))
		*udp = 1;
	else if (!strcmp(h[0], "tcp") || !*h[0])
		*udp = 0;
	else
		return -1;
	ha->s_addr = INADDR_ANY;
	ga->s_addr = INADDR_ANY;
	if ((*h[1] && !inet_aton(h[1], ha)) || (*g[0] && !inet_aton(g[0], ga)))
		return -1;
	if (parse_u64(h[2], &v, false) < 0 || v > 65535)
		return -1;
	*hp = v;
	if (parse_u64(g[1], &v, false) < 0 || v < 1 || v > 65535)
		return -1;
	*gp = v;
	return 0;
}

static int user_config(struct kopts *o, SlirpConfig *cfg, GError **err)
{
	const char *v;
	bool restrict_, b;

	memset(cfg, 0, sizeof(*cfg));
	cfg->version = 1;
	cfg->in_enabled = true;
	inet_aton("10.0.2.0", &cfg->vnetwork);
	inet_aton("255.255.255.0", &cfg->vnetmask);
	kopts_get(o, "id");
	if ((v = kopts_get(o, "net")) && parse_net(v, &cfg->vnetwork, &cfg->vnetmask) < 0) {
		error_setg(err, "Parameter 'net' expects an IPv4 network (a.b.c.d[/bits]), "
			   "not '%s'", v);
		return -1;
	}
	/* Defaults relative to the network: .2 host, .3 DNS, .15 first lease. */
	cfg->vhost.s_addr = cfg->vnetwork.s_addr | htonl(2);
	cfg->vnameserver.s_addr = cfg->vnetwork.s_addr | htonl(3);
	cfg->vdhcp_start.s_addr = cfg->vnetwork.s_addr | htonl(15);
	if ((v = kopts_get(o, "host")) && !inet_aton(v, &cfg->vhost)) {
		error_setg(err, "Parameter 'host' expects an IPv4 address, not '%s'", v);
		return -1;
	}
	if ((v = kopts_get(o, "dns")) && !inet_aton(v, &cfg->vnameserver)) {
		error_setg(err, "Parameter 'dns' expects an IPv4 address, not '%s'", v);
		return -1;
	}
	if ((v = kopts_get(o, "dhcpstart")) && !inet_aton(v, &cfg->vdhcp_start)) {
		error_setg(err, "Parameter 'dhcpstart' expects an IPv4 address, not '%s'", v);
		return -1;
	}
	if ((cfg->vhost.s_addr & cfg->vnetmask.s_addr) != cfg->vnetwork.s_addr ||
	    (cfg->vdhcp_start.s_addr & cfg->vnetmask.s_addr) != cfg->vnetwork.s_addr) {
		error_setg(err, "host and dhcpstart must be inside net");
		return -1;
	}
	cfg->vhostname = kopts_get(o, "hostname");
	cfg->vdomainname = kopts_get(o, "domainname");
	cfg->tftp_path = kopts_get(o, "tftp");
	cfg->bootfile = kopts_get(o, "bootfile");
	if (kopts_get_bool(o, "restrict", false, &restrict_, err) < 0)
		return -1;
	cfg->restricted = restrict_;
	if (kopts_get_bool(o, "ipv4", true, &b, err) < 0)
		return -1;
	if (!b) {
		error_setg(err, "ipv4=off is not supported (Keel's user network is IPv4)");
		return -1;
	}
	if (kopts_get_bool(o, "ipv6", false, &b, err) < 0)
		return -1;
	if (b) {
		error_setg(err, "ipv6=on is not supported (Keel's user network is IPv4)");
		return -1;
	}
	return 0;
}

/* hostfwd may repeat: every key named hostfwd. Checks, and adds when slirp. */
static int user_hostfwds(struct kopts *o, Slirp *slirp, const SlirpConfig *cfg, GError **err)
{
	for (unsigned i = 0; i < kopts_count(o); i++) {
		struct in_addr ha, ga;
		int udp, hp, gp;

		if (strcmp(kopts_key(o, i), "hostfwd"))
			continue;
		if (parse_hostfwd(kopts_value(o, i), &udp, &ha, &hp, &ga, &gp) < 0) {
			error_setg(err, "invalid hostfwd '%s' (tcp|udp:[hostaddr]:hostport-"
				   "[guestaddr]:guestport)", kopts_value(o, i));
			return -1;
		}
		if (ga.s_addr == INADDR_ANY)
			ga = cfg->vdhcp_start;
		if (slirp && slirp_add_hostfwd(slirp, udp, ha, hp, ga, gp) < 0) {
			error_setg(err, "could not set up host forwarding rule '%s'",
				   kopts_value(o, i));
			return -1;
		}
	}
	kopts_get(o, "hostfwd");
	return 0;
}

static int user_check(struct kopts *o, GError **err)
{
	SlirpConfig cfg;

	if (user_config(o, &cfg, err) < 0)
		return -1;
	return user_hostfwds(o, NULL, &cfg, err);
}

/* ---- libslirp callbacks ---- */

static ssize_t user_send_packet(const void *buf, size_t len, void *opaque)
{
	struct user_net *u = opaque;

	if (len > NET_MAX_FRAME)
		return len;
	if (g_queue_is_empty(&u->rxq) && netdev_deliver(u->nd, buf, len))
		return len;
	if (g_queue_get_length(&u->rxq) >= SLIRP_RX_QUEUE)
		return len; /* dropped, as a full link would */
	g_queue_push_tail(&u->rxq, g_bytes_new(buf, len));
	return len;
}

static void user_guest_error(const char *msg, void *opaque)
{
	struct user_net *u = opaque;

	warn_report_once_flag(&u->warned, "netdev '%s': guest error: %s", u->nd->id, msg);
}

static int64_t user_clock_ns(void *opaque)
{
	return g_get_monotonic_time() * 1000;
}

static void *user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct user_timer *t = g_new0(struct user_timer, 1);

	t->cb = cb;
	t->cb_opaque = cb_opaque;
	return t;
}

static void user_timer_free(void *timer, void *opaque)
{
	struct user_timer *t = timer;

	if (t->id)
		g_source_remove(t->id);
	g_free(t);
}

static gboolean user_timer_fire(gpointer opaque)
{
	struct user_timer *t = opaque;

	t->id = 0;
	t->cb(t->cb_opaque);
	return G_SOURCE_REMOVE;
}

static void user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct user_timer *t = timer;
	int64_t now = g_get_monotonic_time() / 1000;

	if (t->id)
		g_source_remove(t->id);
	t->id = g_timeout_add(expire_ms > now ? expire_ms - now : 0, user_timer_fire, t);
}

static void user_register_fd(int fd, void *opaque)
{
}

static void user_notify(void *opaque)
{
	/* New data to send: the next prepare() sees it; wake the loop. */
	g_main_context_wakeup(NULL);
}

static const SlirpCb user_cb = {
	.send_packet = user_send_packet,
	.guest_error = user_guest_error,
	.clock_get_ns = user_clock_ns,
	.timer_new = user_timer_new,
	.timer_free = user_timer_free,
	.timer_mod = user_timer_mod,
	.register_poll_fd = user_register_fd,
	.unregister_poll_fd = user_register_fd,
	.notify = user_notify,
};

/* ---- main-loop integration ---- */

static int user_add_poll(int fd, int events, void *opaque)
{
	struct user_net *u = opaque;
	GPollFD p = { .fd = fd };

	if (events & SLIRP_POLL_IN)
		p.events |= G_IO_IN;
	if (events & SLIRP_POLL_OUT)
		p.events |= G_IO_OUT;
	if (events & SLIRP_POLL_PRI)
		p.events |= G_IO_PRI;
	if (events & SLIRP_POLL_ERR)
		p.events |= G_IO_ERR;
	if (events & SLIRP_POLL_HUP)
		p.events |= G_IO_HUP;
	g_array_append_val(u->pfds, p);
	return u->pfds->len - 1;
}

static int user_get_revents(int idx, void *opaque)
{
	struct user_net *u = opaque;
	GPollFD *p = &g_array_index(u->pfds, GPollFD, idx);
	int r = 0;

	if (p->revents & G_IO_IN)
		r |= SLIRP_POLL_IN;
	if (p->revents & G_IO_OUT)
		r |= SLIRP_POLL_OUT;
	if (p->revents & G_IO_PRI)
		r |= SLIRP_POLL_PRI;
	if (p->revents & G_IO_ERR)
		r |= SLIRP_POLL_ERR;
	if (p->revents & G_IO_HUP)
		r |= SLIRP_POLL_HUP;
	return r;
}

static void user_unregister_polls(struct user_net *u)
{
	for (guint i = 0; i < u->pfds->len; i++)
		g_source_remove_poll(u->src, &g_array_index(u->pfds, GPollFD, i));
	g_array_set_size(u->pfds, 0);
}

static gboolean user_prepare(GSource *src, gint *timeout)
{
	struct user_net *u = ((struct slirp_src *)src)->u;
	uint32_t t = UINT32_MAX;

	user_unregister_polls(u);
	slirp_pollfds_fill(u->slirp, &t, user_add_poll, u);
	/* The array is final now: its elements may be registered. */
	for (guint i = 0; i < u->pfds->len; i++)
		g_source_add_poll(src, &g_array_index(u->pfds, GPollFD, i));
	*timeout = t == UINT32_MAX ? -1 : (gint)MIN(t, (uint32_t)G_MAXINT);
	return FALSE;
}

static gboolean user_check_src(GSource *src)
{
	return TRUE; /* slirp's own timeouts are checked in pollfds_poll */
}

static gboolean user_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	struct user_net *u = ((struct slirp_src *)src)->u;

	slirp_pollfds_poll(u->slirp, 0, user_get_revents, u);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs user_src_funcs = {
	.prepare = user_prepare,
	.check = user_check_src,
	.dispatch = user_dispatch,
};

static int user_open(struct netdev *nd, struct kopts *o, GError **err)
{
	struct user_net *u;
	SlirpConfig cfg;

	if (user_config(o, &cfg, err) < 0)
		return -1;
	u = g_new0(struct user_net, 1);
	u->nd = nd;
	g_queue_init(&u->rxq);
	u->pfds = g_array_new(FALSE, FALSE, sizeof(GPollFD));
	u->slirp = slirp_new(&cfg, &user_cb, u);
	if (!u->slirp) {
		error_setg(err, "could not start user-mode networking");
		g_array_free(u->pfds, TRUE);
		g_free(u);
		return -1;
	}
	nd->be_opaque = u;
	if (user_hostfwds(o, u->slirp, &cfg, err) < 0) {
		nd->be->close(nd);
		return -1;
	}
	u->src = g_source_new(&user_src_funcs, sizeof(struct slirp_src));
	((struct slirp_src *)u->src)->u = u;
	g_source_set_priority(u->src, G_PRIORITY_DEFAULT_IDLE);
	g_source_attach(u->src, NULL);
	return 0;
}

static bool user_send(struct netdev *nd, const struct iovec *iov, unsigned n)
{
	struct user_net *u = nd->be_opaque;
	size_t len = 0, off = 0;

	for (unsigned i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > NET_MAX_FRAME)
		return false;
	if (n == 1) {
		slirp_input(u->slirp, iov[0].iov_base, len);
	} else {
		g_autofree uint8_t *buf = g_malloc(len);

		for (unsigned i = 0; i < n; i++) {
			memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
			off += iov[i].iov_len;
		}
		slirp_input(u->slirp, buf, len);
	}
	return true;
}

static void user_rx_ready(struct netdev *nd)
{
	struct user_net *u = nd->be_opaque;
	GBytes *b;

	while ((b = g_queue_peek_head(&u->rxq))) {
		gsize len;
		const uint8_t *p = g_bytes_get_data(b, &len);

		if (!netdev_deliver(nd, p, len))
			return;
		g_bytes_unref(g_queue_pop_head(&u->rxq));
	}
}

static void user_close(struct netdev *nd)
{
	struct user_net *u = nd->be_opaque;

	if (u->src) {
		user_unregister_polls(u);
		g_source_destroy(u->src);
		g_source_unref(u->src);
	}
	slirp_cleanup(u->slirp);
	g_queue_clear_full(&u->rxq, (GDestroyNotify)g_bytes_unref);
	g_array_free(u->pfds, TRUE);
	g_free(u);
	nd->be_opaque = NULL;
}

static const struct netdev_backend user_backend = {
	.type = "user",
	.check = user_check,
	.open = user_open,
	.send = user_send,
	.rx_ready = user_rx_ready,
	.close = user_close,
};
NETDEV_BACKEND_REGISTER(user_backend)
