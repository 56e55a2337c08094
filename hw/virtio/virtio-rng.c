// SPDX-License-Identifier: GPL-2.0-or-later
/* virtio-rng: fills the guest's buffers from the host's getrandom(). */
#include <errno.h>
#include <sys/random.h>

#include "hw/core/device.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

#define RNG_QUEUE_SIZE 64
#define RNG_MAX_REQUEST 4096	/* bytes per buffer; the driver asks again */

struct virtio_rng {
	struct virtio_device vdev;
};

static uint64_t rng_features(struct virtio_device *vdev)
{
	return 1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
}

static size_t fill(const struct vq_elem *e)
{
	uint8_t buf[RNG_MAX_REQUEST];
	size_t want = MIN(e->in_len, sizeof(buf));
	ssize_t got;

	do {
		got = getrandom(buf, want, GRND_NONBLOCK);
	} while (got < 0 && errno == EINTR);
	if (got <= 0)
		return 0; /* entropy pool not ready (early boot host): hand back nothing */
	return iov_from_buf(e->iov + e->out_num, e->in_num, 0, buf, got);
}

static void rng_queue_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct vq_elem *e;
	bool pushed = false;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		if (e->out_num || !e->in_len) {
			virtio_device_break(vdev, "request without device-writable buffers");
			g_free(e);
			break;
		}
		virtqueue_push(vq, e, fill(e));
		pushed = true;
		g_free(e);
	}
	if (pushed)
		virtqueue_notify(vq);
}

static const struct virtio_device_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.get_features = rng_features,
	.queue_notify = rng_queue_notify,
};

static int virtio_rng_create(struct kopts *props, GError **err)
{
	const char *id = kopts_get(props, "id");
	g_autofree char *name = NULL;
	struct virtio_rng *r;
	bool ioeventfd, irqfd;

	kopts_get(props, "rng"); /* an rng-random object: the host source is fixed */
	if (kopts_get_bool(props, "ioeventfd", true, &ioeventfd, err) < 0 ||
	    kopts_get_bool(props, "irqfd", true, &irqfd, err) < 0 ||
	    kopts_check_unused(props, "virtio-rng-device", err) < 0)
		return -EINVAL;
	r = g_new0(struct virtio_rng, 1);
	name = g_strdup_printf("virtio-rng '%s'", id ?: "rng");
	virtio_device_init(&r->vdev, &rng_ops, name, 1, RNG_QUEUE_SIZE);
	r->vdev.ioeventfd = ioeventfd;
	r->vdev.irqfd = irqfd;
	if (!virtio_transport_plug(&r->vdev, err)) {
		virtio_device_cleanup(&r->vdev);
		g_free(r);
		return -EINVAL;
	}
	return 0;
}

static const struct device_type virtio_rng_type = {
	.name = "virtio-rng-device",
	.desc = "virtio entropy source on virtio-mmio (host getrandom; ioeventfd=on|off, "
		"irqfd=on|off)",
	.bus = "virtio",
	.user_creatable = true,
	.create = virtio_rng_create,
};
DEVICE_TYPE_REGISTER(virtio_rng_type)
