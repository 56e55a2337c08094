/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_NET_NET_H
#define KEEL_NET_NET_H

/*
 * Host network backends (-netdev user|tap, -nic) and the NIC side of them.
 * A backend carries plain Ethernet frames: the NIC model adds or strips its
 * own headers (virtio_net_hdr), a tap opened with vnet_hdr handles its
 * header itself. One NIC per backend. Everything runs with the bql held.
 */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#define NET_MAX_FRAME 65536	/* largest frame a backend hands to a NIC */

struct netdev;
struct machine_config;

/* What a backend needs from the NIC it feeds. */
struct net_frontend {
	/* Whether the NIC can take a frame now; if not, the backend holds back. */
	bool (*can_receive)(void *opaque);
	/*
	 * One frame for the guest. The NIC copies it (or drops it) and returns
	 * true, or returns false when it has too few buffers: the backend keeps
	 * the frame until netdev_rx_ready().
	 */
	bool (*receive)(void *opaque, const uint8_t *buf, size_t len);
	/* The link went up or down (QMP set_link). */
	void (*link_changed)(void *opaque, bool up);
};

/*
 * -netdev TYPE,id=ID,... or the JSON form ({"type": "tap", "id": ...}):
 * check the options and remember them; the backend opens when a NIC
 * claims it.
 */
int netdev_add(const char *optstr, GError **err);
/* -nic TYPE[,model=virtio-net-device][,mac=M][,id=..]: a netdev plus its NIC. */
int nic_add(struct machine_config *cfg, const char *optstr, GError **err);

/*
 * Open netdev ID for a NIC named nic_id (for set_link). Once: a second
 * claim fails. Errors name the netdev.
 */
struct netdev *netdev_claim(const char *id, const char *nic_id,
			    const struct net_frontend *fe, void *opaque, GError **err);
/* Guest frame out to the host. Returns false when the backend dropped it. */
bool netdev_send(struct netdev *nd, const struct iovec *iov, unsigned n);
/* The NIC has room again (new receive buffers): the backend resumes. */
void netdev_rx_ready(struct netdev *nd);
bool netdev_link_up(const struct netdev *nd);
const char *netdev_id(const struct netdev *nd);

/* Forget every -netdev (tests). Backends already claimed are closed. */
void netdev_reset_all(void);

#endif
