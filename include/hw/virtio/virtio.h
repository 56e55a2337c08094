/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_H
#define KEEL_HW_VIRTIO_VIRTIO_H

/*
 * Transport-independent virtio device core (virtio 1.x). A device model
 * fills a struct virtio_device_ops and calls virtio_device_init(); a
 * transport (virtio-mmio today, virtio-pci later) exposes it to the guest and
 * forwards feature negotiation, status, queue setup, notifications and
 * config space accesses here. Everything runs with the bql held.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "hw/virtio/virtqueue.h"

/* Device status bits (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* Reserved feature bits (6). */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* Interrupt status bits (ISR / InterruptStatus). */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

/* Device IDs (5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

#define VIRTIO_MAX_QUEUES 16

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct virtio_device;

struct virtio_device_ops {
	uint32_t device_id;
	/* Offered features; VIRTIO_F_VERSION_1 is added by the core. */
	uint64_t (*get_features)(struct virtio_device *vdev);
	/* Device config space: size in bytes, snapshot into buf, guest write back. */
	size_t config_size;
	void (*get_config)(struct virtio_device *vdev, uint8_t *buf);
	void (*set_config)(struct virtio_device *vdev, const uint8_t *buf);
	/* The driver made buffers available in queue vq (QueueNotify, ioeventfd). */
	void (*queue_notify)(struct virtio_device *vdev, struct virtqueue *vq);
	/* Status changed (after the core checked it); e.g. start work on DRIVER_OK. */
	void (*status_changed)(struct virtio_device *vdev, uint8_t old_status);
	/*
	 * Reset: every request taken from a queue must be completed (pushed) or
	 * cancelled before this returns; the core then returns the queues,
	 * features and status to their cold state.
	 */
	void (*reset)(struct virtio_device *vdev);
};

/* What the core needs from a transport. */
struct virtio_transport_ops {
	/* vdev->isr changed: raise or lower the interrupt. */
	void (*update_irq)(struct virtio_device *vdev);
	/*
	 * Optional: queue vq wants to interrupt the driver (per-queue vectors,
	 * e.g. MSI-X). Without it the core sets VIRTIO_ISR_QUEUE and calls
	 * update_irq.
	 */
	void (*queue_irq)(struct virtio_device *vdev, struct virtqueue *vq);
};

struct virtio_device {
	const struct virtio_device_ops *ops;
	const struct virtio_transport_ops *transport;
	void *transport_opaque;
	char *name; /* "virtio-blk 'drive0'": prefix of log lines */
	uint64_t host_features;
	uint64_t guest_features;
	uint8_t status;
	uint8_t isr;
	uint32_t config_generation;
	bool broken;
	bool ioeventfd;	/* transport may use KVM ioeventfds for notifications (default) */
	bool irqfd;	/* transport may use KVM irqfds for interrupts (default) */
	unsigned num_queues;
	struct virtqueue vqs[VIRTIO_MAX_QUEUES];
};

/* queue_max: largest queue size offered (a power of two, at most VIRTQUEUE_MAX_SIZE). */
void virtio_device_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
			const char *name, unsigned num_queues, uint16_t queue_max);
void virtio_device_cleanup(struct virtio_device *vdev);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
	return vdev->guest_features & (1ULL << bit);
}

/* Guest write of the status register; 0 resets the device. */
void virtio_set_status(struct virtio_device *vdev, uint8_t status);
/* Device reset (guest status 0, system reset): back to the cold state. */
void virtio_device_reset(struct virtio_device *vdev);
/*
 * Features written by the driver (one 32-bit half). Returns false when the
 * write was refused because FEATURES_OK is already set.
 */
void virtio_set_driver_features(struct virtio_device *vdev, unsigned sel, uint32_t val);
uint32_t virtio_get_device_features(struct virtio_device *vdev, unsigned sel);

/* Config space accesses by the guest (any width up to 8; out of range reads 0). */
uint64_t virtio_config_read(struct virtio_device *vdev, uint64_t offset, unsigned size);
void virtio_config_write(struct virtio_device *vdev, uint64_t offset, uint64_t val,
			 unsigned size);
/* The device changed its config space: bump the generation, interrupt. */
void virtio_config_changed(struct virtio_device *vdev);

/* The driver notified queue index (ignored while broken or not DRIVER_OK). */
void virtio_queue_notify(struct virtio_device *vdev, unsigned index);
/*
 * Doorbells KVM signalled on the transport's ioeventfds (fds[q], -1: none)
 * that the main loop has not handled yet: each becomes a queue notify.
 */
void virtio_flush_notify_fds(struct virtio_device *vdev, const int *fds);
/* Raise the queue interrupt (used by virtqueue_notify()). */
void virtio_raise_queue_irq(struct virtio_device *vdev);
/* Queue vq wants an interrupt (virtqueue_notify()): the transport's queue_irq. */
void virtio_raise_vq_irq(struct virtqueue *vq);
/* InterruptACK. */
void virtio_ack_irq(struct virtio_device *vdev, uint8_t bits);

/*
 * The guest broke the device's rules. Marks it NEEDS_RESET, logs one line
 * (only the first time until the next reset) and raises a config interrupt.
 * The device processes nothing more until the driver resets it.
 */
void virtio_device_break(struct virtio_device *vdev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Put a new device on its transport: virtio-mmio, unless a -device wrapper
 * (virtio-blk-pci, ...) selected another transport for this one creation
 * with virtio_transport_select() before calling the device's create().
 */
typedef bool (*virtio_plug_fn)(struct virtio_device *vdev, void *opaque, GError **err);
void virtio_transport_select(virtio_plug_fn plug, void *opaque);
bool virtio_transport_plug(struct virtio_device *vdev, GError **err);
/* Whether the machine has a PCI bus for virtio-pci (false where it is not built). */
bool virtio_pci_available(void);

/* Whether the device may process queues now. */
static inline bool virtio_device_running(const struct virtio_device *vdev)
{
	return !vdev->broken && (vdev->status & VIRTIO_STATUS_DRIVER_OK);
}

#endif
