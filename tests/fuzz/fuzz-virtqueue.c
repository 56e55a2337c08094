// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the split virtqueue parser over guest-controlled ring
 * contents. Input: byte 0 = log2 of the queue size (low 3 bits) and the
 * negotiated ring features (bit 4 indirect, bit 5 event index), byte 1 =
 * how many bytes each completion claims, then the first 64 KiB of guest RAM
 * (descriptor table at 0, avail ring at 0x400, used ring at 0x800). An input
 * starting with "#hex" is hexadecimal text (how the CI corpus is stored).
 *
 * Properties: the parser never touches memory outside guest RAM, never
 * returns more than the limits allow, takes nothing after breaking the
 * device, and pushes never exceed the queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "hw/virtio/virtio.h"
#include "system/memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE 0x10000u

static uint8_t *ram;

static uint64_t features(struct virtio_device *vdev)
{
	return (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX);
}

static const struct virtio_device_ops ops = { .device_id = 99, .get_features = features };

static void fail(const char *what)
{
	fprintf(stderr, "fuzz-virtqueue: %s\n", what);
	abort();
}

static void check_elem(const struct vq_elem *e)
{
	size_t out = 0, in = 0;

	if (e->out_num + e->in_num > VIRTQUEUE_MAX_SEGS)
		fail("too many segments");
	for (unsigned i = 0; i < e->out_num + e->in_num; i++) {
		const uint8_t *b = e->iov[i].iov_base;

		if (b < ram || e->iov[i].iov_len > RAM_SIZE ||
		    b + e->iov[i].iov_len > ram + RAM_SIZE)
			fail("buffer outside guest RAM");
		*(i < e->out_num ? &out : &in) += e->iov[i].iov_len;
	}
	if (out != e->out_len || in != e->in_len || out + in > VIRTQUEUE_MAX_BYTES)
		fail("inconsistent lengths");
}

static void run(const uint8_t *data, size_t size)
{
	struct virtio_device dev;
	struct virtqueue *vq;
	struct vq_elem *e;
	unsigned pops = 0;

	if (size < 2)
		return;
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + 2, MIN(size - 2, RAM_SIZE));
	virtio_device_init(&dev, &ops, "virtio-fuzz", 1, 16);
	virtio_set_driver_features(&dev, 0, ((data[0] >> 4) & 3) << VIRTIO_RING_F_INDIRECT_DESC);
	virtio_set_driver_features(&dev, 1, 1);
	virtio_set_status(&dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			  VIRTIO_STATUS_FEATURES_OK);
	vq = &dev.vqs[0];
	vq->num = 1u << (data[0] & 7); /* 1..128: sizes above 16 must be refused */
	vq->desc_gpa = 0;
	vq->avail_gpa = 0x400;
	vq->used_gpa = 0x800;
	if (virtqueue_enable(vq)) {
		virtio_set_status(&dev, dev.status | VIRTIO_STATUS_DRIVER_OK);
		while ((e = virtqueue_pop(vq, sizeof(*e)))) {
			check_elem(e);
			if (++pops > vq->num)
				fail("more elements than the queue holds");
			virtqueue_push(vq, e, MIN(e->in_len, data[1]));
			virtqueue_notify(vq);
			g_free(e);
		}
	} else if (vq->num <= 16 && !dev.broken) {
		fail("refused without breaking");
	}
	if (dev.broken && virtqueue_pop(vq, sizeof(*e)))
		fail("popped from a broken device");
	virtio_device_reset(&dev);
	if (dev.broken || dev.status || vq->ready || vq->inflight)
		fail("reset is not cold");
	virtio_device_cleanup(&dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ram) {
		struct ram_region *r = ram_region_new("fuzz-ram", RAM_SIZE);

		memory_begin();
		memory_map_ram(r, 0);
		if (memory_commit() < 0)
			fail("cannot map RAM");
		ram = ram_region_host(r);
	}
	if (size >= 4 && !memcmp(data, "#hex", 4)) {
		g_autofree uint8_t *bin = g_malloc(size / 2 + 1);
		size_t n = 0;
		int hi = -1;

		for (size_t i = 4; i < size; i++) {
			int v = g_ascii_xdigit_value(data[i]);

			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				bin[n++] = hi << 4 | v;
				hi = -1;
			}
		}
		run(bin, n);
		return 0;
	}
	run(data, size);
	return 0;
}
