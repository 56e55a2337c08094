/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_NET_NET_BE_H
#define KEEL_NET_NET_BE_H

/* The backend side of a netdev, for files under net/ only. */
#include "net/net.h"

struct kopts;

struct netdev_backend {
	const char *type;
	/*
	 * Read and check every option (kopts_get*), without opening anything;
	 * the core rejects the keys left unused. Runs at -netdev time.
	 */
	int (*check)(struct kopts *o, GError **err);
	/* Open the host side; set nd->be_opaque. */
	int (*open)(struct netdev *nd, struct kopts *o, GError **err);
	bool (*send)(struct netdev *nd, const struct iovec *iov, unsigned n);
	/* The NIC can take frames again. */
	void (*rx_ready)(struct netdev *nd);
	void (*close)(struct netdev *nd);
};

struct netdev {
	char *id;
	struct kopts *opts;
	const struct netdev_backend *be;
	void *be_opaque;
	const struct net_frontend *fe;
	void *fe_opaque;
	char *nic_id;
	bool link_down;
};

void netdev_backend_register(const struct netdev_backend *be);

/*
 * Hand a frame to the NIC. Returns false (frame not taken) when the NIC
 * has no room: the backend keeps it or stops reading until rx_ready().
 * Frames are dropped (true) while the link is down.
 */
bool netdev_deliver(struct netdev *nd, const uint8_t *buf, size_t len);

#define NETDEV_BACKEND_REGISTER(var)                                                               \
	static void __attribute__((constructor)) netdev_backend_reg_##var(void)                   \
	{                                                                                          \
		netdev_backend_register(&var);                                                     \
	}

#endif
