// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Split virtqueue parser. The guest owns the rings and may change them at
 * any time, so every field is read once into a local copy and validated
 * there; a chain is only handed to the device once all of it checked out.
 */
#include <endian.h>
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "hw/virtio/virtio.h"
#include "system/memory.h"

/* Ring layouts (2.7.6, 2.7.8): flags, idx, ring[num], then the event word. */
#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_FLAGS 0
#define USED_IDX 2
#define USED_RING 4

static size_t desc_size(uint16_t num)
{
	return (size_t)num * sizeof(struct vring_desc);
}

static size_t avail_size(uint16_t num)
{
	return AVAIL_RING + 2 * (size_t)num + 2;
}

static size_t used_size(uint16_t num)
{
	return USED_RING + 8 * (size_t)num + 2;
}

static uint16_t load16(const void *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static void store16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELAXED);
}

void virtqueue_init(struct virtqueue *vq, struct virtio_device *vdev, unsigned index,
		    uint16_t num_max)
{
	memset(vq, 0, sizeof(*vq));
	vq->vdev = vdev;
	vq->index = index;
	vq->num_max = num_max;
	vq->num = num_max;
	vq->scratch = g_new(struct iovec, VIRTQUEUE_MAX_SEGS);
}

void virtqueue_cleanup(struct virtqueue *vq)
{
	g_free(vq->scratch);
	vq->scratch = NULL;
}

void virtqueue_reset(struct virtqueue *vq)
{
	vq->num = vq->num_max;
	vq->ready = false;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_valid = false;
	vq->inflight = 0;
}

bool virtqueue_enable(struct virtqueue *vq)
{
	struct virtio_device *vdev = vq->vdev;
	uint16_t n = vq->num;

	if (!n || n > vq->num_max || (n & (n - 1))) {
		virtio_device_break(vdev, "queue %u: invalid size %u", vq->index, n);
		return false;
	}
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3)) {
		virtio_device_break(vdev, "queue %u: misaligned ring", vq->index);
		return false;
	}
	if (!gpa_to_hva(vq->desc_gpa, desc_size(n)) ||
	    !gpa_to_hva(vq->avail_gpa, avail_size(n)) ||
	    !gpa_to_hva(vq->used_gpa, used_size(n))) {
		virtio_device_break(vdev, "queue %u: ring outside guest RAM", vq->index);
		return false;
	}
	vq->ready = true;
	return true;
}

struct rings {
	struct vring_desc *desc;
	uint8_t *avail;
	uint8_t *used;
};

/* The rings were checked at enable, but RAM may have moved since. */
static bool map_rings(struct virtqueue *vq, struct rings *r)
{
	r->desc = gpa_to_hva(vq->desc_gpa, desc_size(vq->num));
	r->avail = gpa_to_hva(vq->avail_gpa, avail_size(vq->num));
	r->used = gpa_to_hva(vq->used_gpa, used_size(vq->num));
	if (r->desc && r->avail && r->used)
		return true;
	virtio_device_break(vq->vdev, "queue %u: ring no longer in guest RAM", vq->index);
	return false;
}

static bool event_idx(struct virtqueue *vq)
{
	return virtio_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX);
}

static void read_desc(const struct vring_desc *table, unsigned i, struct vring_desc *d)
{
	memcpy(d, &table[i], sizeof(*d));
	__atomic_signal_fence(__ATOMIC_ACQUIRE);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

/*
 * Walk the chain starting at head into vq->scratch. Returns false after
 * breaking the device on any rule violation.
 */
static bool walk_chain(struct virtqueue *vq, const struct vring_desc *table, uint16_t head,
		       struct vq_elem *e)
{
	struct virtio_device *vdev = vq->vdev;
	unsigned size = vq->num, count = 0, i = head, segs = 0;
	bool indirect = false;
	size_t total = 0;
	struct vring_desc d;

	e->out_num = e->in_num = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		void *hva;

		if (i >= size) {
			virtio_device_break(vdev, "queue %u: descriptor index %u out of range",
					    vq->index, i);
			return false;
		}
		if (++count > size) {
			virtio_device_break(vdev, "queue %u: descriptor chain loops or is longer "
					    "than its table (%u)", vq->index, size);
			return false;
		}
		read_desc(table, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC) || indirect ||
			    count != 1 || (d.flags & VRING_DESC_F_NEXT)) {
				virtio_device_break(vdev, "queue %u: indirect descriptor not "
						    "allowed here", vq->index);
				return false;
			}
			if (!d.len || d.len % sizeof(struct vring_desc) ||
			    d.len / sizeof(struct vring_desc) > VIRTQUEUE_MAX_INDIRECT) {
				virtio_device_break(vdev, "queue %u: indirect table of %u bytes",
						    vq->index, d.len);
				return false;
			}
			table = gpa_to_hva(d.addr, d.len);
			if (!table) {
				virtio_device_break(vdev, "queue %u: indirect table at 0x%" PRIx64
						    " outside guest RAM", vq->index, d.addr);
				return false;
			}
			indirect = true;
			size = d.len / sizeof(struct vring_desc);
			count = 0;
			i = 0;
			continue;
		}
		if (d.len > VIRTQUEUE_MAX_BYTES - total) {
			virtio_device_break(vdev, "queue %u: request larger than %u bytes",
					    vq->index, VIRTQUEUE_MAX_BYTES);
			return false;
		}
		total += d.len;
		hva = gpa_to_hva(d.addr, d.len);
		if (!hva) {
			virtio_device_break(vdev, "queue %u: buffer 0x%" PRIx64 "+%u outside "
					    "guest RAM", vq->index, d.addr, d.len);
			return false;
		}
		if (d.flags & VRING_DESC_F_WRITE) {
			e->in_len += d.len;
			e->in_num += d.len != 0;
		} else {
			if (e->in_num || e->in_len) {
				virtio_device_break(vdev, "queue %u: device-readable buffer after "
						    "a device-writable one", vq->index);
				return false;
			}
			e->out_len += d.len;
			e->out_num += d.len != 0;
		}
		/* count <= size <= VIRTQUEUE_MAX_SEGS bounds segs. */
		if (d.len)
			vq->scratch[segs++] = (struct iovec){ hva, d.len };
		if (!(d.flags & VRING_DESC_F_NEXT))
			return true;
		i = d.next;
	}
}

void *virtqueue_pop(struct virtqueue *vq, size_t elem_size)
{
	struct virtio_device *vdev = vq->vdev;
	struct rings r;
	struct vq_elem tmp, *e;
	uint16_t avail_idx, head;
	unsigned n;

	if (!vq->ready || vdev->broken || !map_rings(vq, &r))
		return NULL;
	avail_idx = load16(r.avail + AVAIL_IDX);
	if (avail_idx == vq->last_avail) {
		/* Empty: ask for a notification, then look again (2.7.10). */
		if (event_idx(vq))
			store16(r.used + USED_RING + 8 * vq->num, vq->last_avail);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = load16(r.avail + AVAIL_IDX);
		if (avail_idx == vq->last_avail)
			return NULL;
	}
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		virtio_device_break(vdev, "queue %u: available index %u is more than %u "
				    "ahead of %u", vq->index, avail_idx, vq->num, vq->last_avail);
		return NULL;
	}
	if (vq->inflight >= vq->num) {
		virtio_device_break(vdev, "queue %u: more than %u requests in flight",
				    vq->index, vq->num);
		return NULL;
	}
	/* Read the ring entry only after seeing the index that published it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = load16(r.avail + AVAIL_RING + 2 * (vq->last_avail % vq->num));
	if (!walk_chain(vq, r.desc, head, &tmp))
		return NULL;
	vq->last_avail++;
	if (event_idx(vq))
		store16(r.used + USED_RING + 8 * vq->num, vq->last_avail);

	n = tmp.out_num + tmp.in_num;
	g_assert(elem_size >= sizeof(struct vq_elem));
	e = g_malloc0(elem_size + n * sizeof(struct iovec));
	*e = tmp;
	e->head = head;
	e->iov = (struct iovec *)((uint8_t *)e + elem_size);
	memcpy(e->iov, vq->scratch, n * sizeof(struct iovec));
	vq->inflight++;
	return e;
}

void virtqueue_fill(struct virtqueue *vq, const struct vq_elem *elem, uint32_t len,
		    unsigned idx)
{
	struct rings r;
	uint8_t *slot;

	if (vq->inflight)
		vq->inflight--;
	/* A broken device's rings are not trusted; the driver must reset it anyway. */
	if (!vq->ready || vq->vdev->broken || !map_rings(vq, &r))
		return;
	slot = r.used + USED_RING + 8 * ((uint16_t)(vq->used_idx + idx) % vq->num);
	__atomic_store_n((uint32_t *)slot, htole32(elem->head), __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(slot + 4), htole32(len), __ATOMIC_RELAXED);
}

void virtqueue_flush(struct virtqueue *vq, unsigned count)
{
	struct rings r;

	if (!vq->ready || vq->vdev->broken || !map_rings(vq, &r))
		return;
	vq->used_idx += count;
	/* The entries must be visible before the index that publishes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	store16(r.used + USED_IDX, vq->used_idx);
}

void virtqueue_push(struct virtqueue *vq, const struct vq_elem *elem, uint32_t len)
{
	virtqueue_fill(vq, elem, len, 0);
	virtqueue_flush(vq, 1);
}

void virtqueue_unpop(struct virtqueue *vq, unsigned n)
{
	vq->last_avail -= n;
	vq->inflight -= MIN(n, vq->inflight);
}

/* vring_need_event() of the spec: did new_idx pass event since old? */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void virtqueue_notify(struct virtqueue *vq)
{
	struct rings r;
	uint16_t old, used_event;
	bool valid;

	if (!vq->ready || vq->vdev->broken || !map_rings(vq, &r))
		return;
	/* Our used index must be visible before we read the driver's flags. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!event_idx(vq)) {
		if (load16(r.avail + AVAIL_FLAGS) & VRING_AVAIL_F_NO_INTERRUPT)
			return;
		virtio_raise_vq_irq(vq);
		return;
	}
	old = vq->signalled_used;
	valid = vq->signalled_valid;
	if (valid && old == vq->used_idx)
		return;
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	used_event = load16(r.avail + AVAIL_RING + 2 * vq->num);
	if (!valid || need_event(used_event, vq->used_idx, old))
		virtio_raise_vq_irq(vq);
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = MIN(iov[i].iov_len - offset, len - done);
		memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + offset, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
		    size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = MIN(iov[i].iov_len - offset, len - done);
		memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)buf + done, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

unsigned iov_slice(const struct iovec *iov, unsigned n, size_t offset, size_t len,
		   struct iovec *out, unsigned max)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && len && k < max; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = MIN(iov[i].iov_len - offset, len);
		out[k++] = (struct iovec){ (uint8_t *)iov[i].iov_base + offset, chunk };
		len -= chunk;
		offset = 0;
	}
	return k;
}
