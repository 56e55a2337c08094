/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_NET_H
#define KEEL_HW_VIRTIO_VIRTIO_NET_H

/* virtio-net wire format (virtio 1.x, 5.1). */
#include <stdint.h>

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

#define VIRTIO_NET_S_LINK_UP 1

#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1

/* With VIRTIO_F_VERSION_1 every frame has the 12-byte header. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;	/* buffers of a mergeable frame, in the first one */
} __attribute__((packed));

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
} __attribute__((packed));

#endif
