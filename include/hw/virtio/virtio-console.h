/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_CONSOLE_H
#define KEEL_HW_VIRTIO_VIRTIO_CONSOLE_H

/* virtio-console wire format (virtio 1.x, 5.3). */
#include <stdint.h>

#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* Control messages (5.3.6.2). */
#define VIRTIO_CONSOLE_DEVICE_READY 0
#define VIRTIO_CONSOLE_DEVICE_ADD 1
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2
#define VIRTIO_CONSOLE_PORT_READY 3
#define VIRTIO_CONSOLE_CONSOLE_PORT 4
#define VIRTIO_CONSOLE_RESIZE 5
#define VIRTIO_CONSOLE_PORT_OPEN 6
#define VIRTIO_CONSOLE_PORT_NAME 7

/* Queues: port 0 rx/tx, control rx/tx, then ports 1.. rx/tx. */
#define VIRTIO_CONSOLE_CTRL_RXQ 2	/* device -> driver */
#define VIRTIO_CONSOLE_CTRL_TXQ 3	/* driver -> device */

struct virtio_console_control {
	uint32_t id;
	uint16_t event;
	uint16_t value;
} __attribute__((packed));

struct virtio_console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
} __attribute__((packed));

/* Receive queue of port nr (transmit is the next one). */
static inline unsigned virtio_console_rxq(unsigned nr)
{
	return nr ? 2 * nr + 2 : 0;
}

#endif
