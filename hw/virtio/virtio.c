// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio device core: status and feature negotiation, config space, the
 * interrupt status, reset and the "broken device" state shared by every
 * transport and device model.
 */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio.h"
#include "system/log.h"

#define VIRTIO_CONFIG_MAX 256

void virtio_device_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
			const char *name, unsigned num_queues, uint16_t queue_max)
{
	g_assert(num_queues <= VIRTIO_MAX_QUEUES);
	g_assert(queue_max && queue_max <= VIRTQUEUE_MAX_SIZE && !(queue_max & (queue_max - 1)));
	g_assert(ops->config_size <= VIRTIO_CONFIG_MAX);
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = ops;
	vdev->name = g_strdup(name);
	vdev->num_queues = num_queues;
	vdev->ioeventfd = true;
	vdev->irqfd = true;
	for (unsigned i = 0; i < num_queues; i++)
		virtqueue_init(&vdev->vqs[i], vdev, i, queue_max);
	vdev->host_features = (ops->get_features ? ops->get_features(vdev) : 0) |
			      (1ULL << VIRTIO_F_VERSION_1);
}

void virtio_device_cleanup(struct virtio_device *vdev)
{
	for (unsigned i = 0; i < vdev->num_queues; i++)
		virtqueue_cleanup(&vdev->vqs[i]);
	g_free(vdev->name);
	vdev->name = NULL;
}

static void update_irq(struct virtio_device *vdev)
{
	if (vdev->transport && vdev->transport->update_irq)
		vdev->transport->update_irq(vdev);
}

void virtio_device_reset(struct virtio_device *vdev)
{
	/* The device finishes or cancels what it took from the queues first. */
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
	for (unsigned i = 0; i < vdev->num_queues; i++)
		virtqueue_reset(&vdev->vqs[i]);
	vdev->status = 0;
	vdev->guest_features = 0;
	vdev->broken = false;
	vdev->isr = 0;
	update_irq(vdev);
}

/* FEATURES_OK is accepted only for a subset of ours that includes VERSION_1. */
static bool features_ok(struct virtio_device *vdev)
{
	uint64_t f = vdev->guest_features;

	return !(f & ~vdev->host_features) && (f & (1ULL << VIRTIO_F_VERSION_1));
}

void virtio_set_status(struct virtio_device *vdev, uint8_t status)
{
	uint8_t old = vdev->status;

	if (!status) {
		virtio_device_reset(vdev);
		return;
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_ok(vdev))
		status &= ~VIRTIO_STATUS_FEATURES_OK;
	/* NEEDS_RESET is the device's bit; only a reset clears it. */
	status = (status & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
	vdev->status = status;
	if (vdev->ops->status_changed && status != old)
		vdev->ops->status_changed(vdev, old);
}

void virtio_set_driver_features(struct virtio_device *vdev, unsigned sel, uint32_t val)
{
	if (vdev->status & VIRTIO_STATUS_FEATURES_OK || sel > 1)
		return;
	if (sel)
		vdev->guest_features = (vdev->guest_features & 0xffffffffULL) | (uint64_t)val << 32;
	else
		vdev->guest_features = (vdev->guest_features & ~0xffffffffULL) | val;
}

uint32_t virtio_get_device_features(struct virtio_device *vdev, unsigned sel)
{
	if (sel > 1)
		return 0;
	return vdev->host_features >> (32 * sel);
}

uint64_t virtio_config_read(struct virtio_device *vdev, uint64_t offset, unsigned size)
{
	uint8_t buf[VIRTIO_CONFIG_MAX];
	uint64_t v = 0;

	if (!vdev->ops->get_config || size > 8 || offset >= vdev->ops->config_size ||
	    size > vdev->ops->config_size - offset)
		return 0;
	vdev->ops->get_config(vdev, buf);
	memcpy(&v, buf + offset, size); /* little-endian host: config is LE */
	return v;
}

void virtio_config_write(struct virtio_device *vdev, uint64_t offset, uint64_t val,
			 unsigned size)
{
	uint8_t buf[VIRTIO_CONFIG_MAX];

	if (!vdev->ops->get_config || !vdev->ops->set_config || size > 8 ||
	    offset >= vdev->ops->config_size || size > vdev->ops->config_size - offset)
		return;
	vdev->ops->get_config(vdev, buf);
	memcpy(buf + offset, &val, size);
	vdev->ops->set_config(vdev, buf);
}

void virtio_config_changed(struct virtio_device *vdev)
{
	vdev->config_generation++;
	if (vdev->status & VIRTIO_STATUS_DRIVER_OK) {
		vdev->isr |= VIRTIO_ISR_CONFIG;
		update_irq(vdev);
	}
}

void virtio_queue_notify(struct virtio_device *vdev, unsigned index)
{
	if (index >= vdev->num_queues || !virtio_device_running(vdev) ||
	    !vdev->vqs[index].ready || !vdev->ops->queue_notify)
		return;
	vdev->ops->queue_notify(vdev, &vdev->vqs[index]);
}

void virtio_flush_notify_fds(struct virtio_device *vdev, const int *fds)
{
	for (unsigned q = 0; q < vdev->num_queues; q++) {
		uint64_t cnt;

		if (fds[q] >= 0 && read(fds[q], &cnt, sizeof(cnt)) == sizeof(cnt))
			virtio_queue_notify(vdev, q);
	}
}

void virtio_raise_queue_irq(struct virtio_device *vdev)
{
	vdev->isr |= VIRTIO_ISR_QUEUE;
	update_irq(vdev);
}

void virtio_raise_vq_irq(struct virtqueue *vq)
{
	struct virtio_device *vdev = vq->vdev;

	if (vdev->transport && vdev->transport->queue_irq)
		vdev->transport->queue_irq(vdev, vq);
	else
		virtio_raise_queue_irq(vdev);
}

static virtio_plug_fn next_plug;
static void *next_plug_opaque;

/* Overridden by hw/virtio/virtio-pci.c where virtio-pci is built. */
bool __attribute__((weak)) virtio_pci_available(void)
{
	return false;
}

void virtio_transport_select(virtio_plug_fn plug, void *opaque)
{
	next_plug = plug;
	next_plug_opaque = opaque;
}

bool virtio_transport_plug(struct virtio_device *vdev, GError **err)
{
	virtio_plug_fn plug = next_plug;

	/* One creation only: a failing wrapper never leaks into the next device. */
	next_plug = NULL;
	if (plug)
		return plug(vdev, next_plug_opaque, err);
	return virtio_mmio_create(vdev, err) != NULL;
}

void virtio_ack_irq(struct virtio_device *vdev, uint8_t bits)
{
	vdev->isr &= ~bits;
	update_irq(vdev);
}

void virtio_device_break(struct virtio_device *vdev, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	if (vdev->broken)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	vdev->broken = true;
	vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
	error_report("%s: %s; the device needs a reset", vdev->name, msg);
	virtio_config_changed(vdev);
}
