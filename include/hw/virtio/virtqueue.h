/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTQUEUE_H
#define KEEL_HW_VIRTIO_VIRTQUEUE_H

/*
 * Split virtqueues (virtio 1.x, 2.7) with indirect descriptors and event
 * index. The rings live in guest RAM and are guest-controlled: every index,
 * address, length and flag is validated, and any violation breaks the
 * device (virtio_device_break) instead of touching host memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define VIRTQUEUE_MAX_SIZE 1024		/* largest queue we offer */
#define VIRTQUEUE_MAX_INDIRECT 1024	/* descriptors in one indirect table */
#define VIRTQUEUE_MAX_SEGS VIRTQUEUE_MAX_INDIRECT
#define VIRTQUEUE_MAX_BYTES (64u << 20)	/* total buffer bytes of one chain */

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtio_device;

struct virtqueue {
	struct virtio_device *vdev;
	unsigned index;
	uint16_t num_max;	/* QueueNumMax */
	uint16_t num;		/* QueueNum chosen by the driver */
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* Device-side state; all cold (zero) after a reset. */
	uint16_t last_avail;	/* next avail ring slot to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled_used; /* used_idx at the last interrupt */
	bool signalled_valid;
	unsigned inflight;	/* popped, not yet pushed */
	struct iovec *scratch;	/* VIRTQUEUE_MAX_SEGS entries */
};

/*
 * A request taken from a queue. iov[0..out_num) are the driver's buffers
 * (device reads), iov[out_num..out_num+in_num) the device writes. Devices
 * embed it at the start of their own request struct.
 */
struct vq_elem {
	uint16_t head;
	unsigned out_num, in_num;
	size_t out_len, in_len;
	struct iovec *iov;
};

void virtqueue_init(struct virtqueue *vq, struct virtio_device *vdev, unsigned index,
		    uint16_t num_max);
void virtqueue_cleanup(struct virtqueue *vq);
/* Cold state (device reset). */
void virtqueue_reset(struct virtqueue *vq);

/*
 * QueueReady written with 1: checks size and ring placement. Returns false
 * (and breaks the device) if they are invalid.
 */
bool virtqueue_enable(struct virtqueue *vq);

/*
 * Take the next available chain. Returns a g_malloc'ed block of elem_size
 * bytes (>= sizeof(struct vq_elem), zeroed beyond the vq_elem) followed by
 * the iovecs, or NULL when the queue is empty, not ready, or the chain was
 * invalid (then the device is broken). Free it with g_free() after push.
 */
void *virtqueue_pop(struct virtqueue *vq, size_t elem_size);
/* Return a chain to the driver with len bytes written. */
void virtqueue_push(struct virtqueue *vq, const struct vq_elem *elem, uint32_t len);
/*
 * Several chains completed at once (virtio-net's mergeable buffers): fill
 * used entries idx = 0, 1, ... then publish them together with flush(count).
 */
void virtqueue_fill(struct virtqueue *vq, const struct vq_elem *elem, uint32_t len,
		    unsigned idx);
void virtqueue_flush(struct virtqueue *vq, unsigned count);
/*
 * Give back the last n chains popped and not pushed, as if never taken
 * (a device that found too few buffers for a frame).
 */
void virtqueue_unpop(struct virtqueue *vq, unsigned n);
/* Interrupt the driver if it asked for it (flags or used_event). */
void virtqueue_notify(struct virtqueue *vq);

/* Copy helpers over an iovec array; return the bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
		    size_t len);
/*
 * Describe bytes [offset, offset+len) of iov in out (at most max entries).
 * Returns the number of entries used.
 */
unsigned iov_slice(const struct iovec *iov, unsigned n, size_t offset, size_t len,
		   struct iovec *out, unsigned max);

#endif
