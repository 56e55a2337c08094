// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net on virtio-mmio: one receive and one transmit queue, the MAC
 * from the command line, link status (QMP set_link) and mergeable receive
 * buffers. No offloads: the header is all zeroes except num_buffers.
 *
 * Frames come from the netdev in the main loop (bql held); a frame that
 * does not fit the buffers the guest has posted stays with the backend
 * until the guest adds buffers (rx queue notify -> netdev_rx_ready). Frames
 * go to the backend when the tx queue is notified (main loop with an
 * ioeventfd, else the vCPU thread), bql held either way.
 * Nothing is ever kept in flight, so a reset has nothing to wait for.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

#define NET_QUEUE_SIZE 256
#define NET_HDR_LEN sizeof(struct virtio_net_hdr)

struct virtio_net {
	struct virtio_device vdev;
	struct netdev *nd;
	uint8_t mac[6];
	bool mrg_rxbuf;
	bool link_up;
	uint64_t rx_dropped;
};

static unsigned nic_count;

static uint64_t net_features(struct virtio_device *vdev)
{
	struct virtio_net *n = container_of(vdev, struct virtio_net, vdev);

	return 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
	       (n->mrg_rxbuf ? 1ULL << VIRTIO_NET_F_MRG_RXBUF : 0) |
	       1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
}

static void net_get_config(struct virtio_device *vdev, uint8_t *buf)
{
	struct virtio_net *n = container_of(vdev, struct virtio_net, vdev);
	struct virtio_net_config c = {
		.status = htole16(n->link_up ? VIRTIO_NET_S_LINK_UP : 0),
		.max_virtqueue_pairs = htole16(1),
	};

	memcpy(c.mac, n->mac, sizeof(c.mac));
	memcpy(buf, &c, sizeof(c));
}

static bool rx_enabled(struct virtio_net *n)
{
	return virtio_device_running(&n->vdev) && n->vdev.vqs[VIRTIO_NET_RXQ].ready &&
	       n->link_up;
}

static bool net_can_receive(void *opaque)
{
	return rx_enabled(opaque);
}

/*
 * Copy one frame into as many buffers as it needs (one without mergeable
 * buffers). Returns false, taking nothing, when the guest has posted too few.
 */
static bool net_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct virtio_net *n = opaque;
	struct virtqueue *vq = &n->vdev.vqs[VIRTIO_NET_RXQ];
	bool mrg = virtio_has_feature(&n->vdev, VIRTIO_NET_F_MRG_RXBUF);
	struct virtio_net_hdr hdr = { 0 };
	size_t total = NET_HDR_LEN + len, done = 0;
	struct vq_elem *elems[NET_QUEUE_SIZE];
	uint32_t lens[NET_QUEUE_SIZE];
	unsigned count = 0;

	if (!rx_enabled(n))
		return false;
	while (done < total) {
		struct vq_elem *e;
		size_t chunk;

		if (count == vq->num || count == NET_QUEUE_SIZE ||
		    !(e = virtqueue_pop(vq, sizeof(*e)))) {
			virtqueue_unpop(vq, count);
			for (unsigned i = 0; i < count; i++)
				g_free(elems[i]);
			if (n->vdev.broken || count < vq->num)
				return n->vdev.broken;
			n->rx_dropped++; /* a frame larger than every buffer together */
			return true;
		}
		if (e->out_num || e->in_len < (count ? 1 : NET_HDR_LEN)) {
			virtio_device_break(&n->vdev, "receive buffer %s",
					    e->out_num ? "is device-readable" :
					    "is shorter than the header");
			g_free(e);
			for (unsigned i = 0; i < count; i++)
				g_free(elems[i]);
			return true;
		}
		elems[count] = e;
		if (!count) {
			chunk = MIN(e->in_len, total);
			iov_from_buf(e->iov, e->in_num, NET_HDR_LEN, buf, chunk - NET_HDR_LEN);
		} else {
			chunk = MIN(e->in_len, total - done);
			iov_from_buf(e->iov, e->in_num, 0, buf + done - NET_HDR_LEN, chunk);
		}
		lens[count++] = chunk;
		done += chunk;
		if (!mrg)
			break;
	}
	/* Without mergeable buffers a frame that does not fit is cut short, as QEMU does. */
	hdr.num_buffers = htole16(count);
	iov_from_buf(elems[0]->iov, elems[0]->in_num, 0, &hdr, NET_HDR_LEN);
	for (unsigned i = 0; i < count; i++) {
		virtqueue_fill(vq, elems[i], lens[i], i);
		g_free(elems[i]);
	}
	virtqueue_flush(vq, count);
	virtqueue_notify(vq);
	return true;
}

static void net_transmit(struct virtio_net *n, struct virtqueue *vq)
{
	struct iovec frame[VIRTQUEUE_MAX_SEGS];
	struct vq_elem *e;
	bool pushed = false;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		unsigned nf;

		if (e->in_num || e->out_len < NET_HDR_LEN) {
			virtio_device_break(&n->vdev, "transmit chain %s", e->in_num ?
					    "has device-writable buffers" :
					    "is shorter than the header");
			g_free(e);
			break;
		}
		if (e->out_len - NET_HDR_LEN <= NET_MAX_FRAME) {
			nf = iov_slice(e->iov, e->out_num, NET_HDR_LEN, e->out_len - NET_HDR_LEN,
				       frame, G_N_ELEMENTS(frame));
			netdev_send(n->nd, frame, nf);
		}
		virtqueue_push(vq, e, 0);
		pushed = true;
		g_free(e);
	}
	if (pushed)
		virtqueue_notify(vq);
}

static void net_queue_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_net *n = container_of(vdev, struct virtio_net, vdev);

	if (vq->index == VIRTIO_NET_TXQ)
		net_transmit(n, vq);
	else
		netdev_rx_ready(n->nd); /* new receive buffers */
}

static void net_status_changed(struct virtio_device *vdev, uint8_t old)
{
	struct virtio_net *n = container_of(vdev, struct virtio_net, vdev);

	if (!(old & VIRTIO_STATUS_DRIVER_OK) && virtio_device_running(vdev))
		netdev_rx_ready(n->nd);
}

static void net_link_changed(void *opaque, bool up)
{
	struct virtio_net *n = opaque;

	n->link_up = up;
	virtio_config_changed(&n->vdev);
}

static const struct virtio_device_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.get_features = net_features,
	.config_size = sizeof(struct virtio_net_config),
	.get_config = net_get_config,
	.queue_notify = net_queue_notify,
	.status_changed = net_status_changed,
};

static const struct net_frontend net_fe = {
	.can_receive = net_can_receive,
	.receive = net_receive,
	.link_changed = net_link_changed,
};

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6 || strlen(s) != 17)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = v[i];
	return mac[0] & 1 ? -1 : 0; /* a multicast address cannot be a NIC's */
}

static int virtio_net_create(struct kopts *props, GError **err)
{
	const char *netdev = kopts_get(props, "netdev");
	const char *id = kopts_get(props, "id");
	const char *mac = kopts_get(props, "mac");
	g_autofree char *name = NULL;
	struct virtio_net *n;
	bool mrg, ioeventfd, irqfd;

	kopts_get(props, "bootindex"); /* libvirt passes it; firmware boot order is not ours */
	if (kopts_get_bool(props, "mrg_rxbuf", true, &mrg, err) < 0 ||
	    kopts_get_bool(props, "ioeventfd", true, &ioeventfd, err) < 0 ||
	    kopts_get_bool(props, "irqfd", true, &irqfd, err) < 0 ||
	    kopts_check_unused(props, "virtio-net-device", err) < 0)
		return -EINVAL;
	if (!netdev) {
		error_setg(err, "virtio-net-device: Property 'netdev' is missing");
		return -EINVAL;
	}
	n = g_new0(struct virtio_net, 1);
	if (mac && parse_mac(mac, n->mac) < 0) {
		error_setg(err, "virtio-net-device: Property 'mac' expects a unicast address "
			   "xx:xx:xx:xx:xx:xx, not '%s'", mac);
		g_free(n);
		return -EINVAL;
	}
	if (!mac) {
		/* QEMU's default: 52:54:00:12:34:56, then the next addresses. */
		static const uint8_t def[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

		memcpy(n->mac, def, sizeof(def));
		n->mac[5] += nic_count;
	}
	n->mrg_rxbuf = mrg;
	name = g_strdup_printf("virtio-net '%s'", id ?: netdev);
	virtio_device_init(&n->vdev, &net_ops, name, 2, NET_QUEUE_SIZE);
	n->vdev.ioeventfd = ioeventfd;
	n->vdev.irqfd = irqfd;
	n->nd = netdev_claim(netdev, id, &net_fe, n, err);
	if (!n->nd)
		goto bad;
	n->link_up = netdev_link_up(n->nd);
	if (!virtio_transport_plug(&n->vdev, err))
		goto bad; /* the netdev stays claimed: start-up fails anyway */
	nic_count++;
	return 0;
bad:
	if (err && *err)
		g_prefix_error(err, "virtio-net-device: ");
	virtio_device_cleanup(&n->vdev);
	g_free(n);
	return -EINVAL;
}

static const struct device_type virtio_net_type = {
	.name = "virtio-net-device",
	.desc = "virtio network card on virtio-mmio (netdev=, mac=, mrg_rxbuf=on|off, "
		"ioeventfd=on|off, irqfd=on|off)",
	.bus = "virtio",
	.user_creatable = true,
	.create = virtio_net_create,
};
DEVICE_TYPE_REGISTER(virtio_net_type)
