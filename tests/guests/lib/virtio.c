// SPDX-License-Identifier: GPL-2.0-or-later
/* virtio-mmio driver helpers for the tiny guests (see virtio.h). */
#include "virtio.h"

int vio_begin(uint32_t base, uint32_t dev_id, uint32_t features)
{
	if (vio_rd(base, VIO_MAGIC) != 0x74726976 || vio_rd(base, VIO_VERSION) != 2 ||
	    vio_rd(base, VIO_DEVICE_ID) != dev_id)
		return -1;
	vio_wr(base, VIO_STATUS, 0);
	if (vio_rd(base, VIO_STATUS) != 0)
		return -1;
	vio_wr(base, VIO_STATUS, 1);
	vio_wr(base, VIO_STATUS, 3);
	vio_wr(base, VIO_DEV_FEATURES_SEL, 0);
	features &= vio_rd(base, VIO_DEV_FEATURES);
	vio_wr(base, VIO_DRV_FEATURES_SEL, 0);
	vio_wr(base, VIO_DRV_FEATURES, features);
	vio_wr(base, VIO_DRV_FEATURES_SEL, 1);
	vio_wr(base, VIO_DRV_FEATURES, 1);	/* VERSION_1 */
	vio_wr(base, VIO_STATUS, 0xb);
	return vio_rd(base, VIO_STATUS) & 8 ? 0 : -1;
}

int vio_queue_init(struct vio_queue *q, uint32_t base, uint16_t index)
{
	memset(q, 0, sizeof(*q));
	q->base = base;
	q->index = index;
	vio_wr(base, VIO_QUEUE_SEL, index);
	if (vio_rd(base, VIO_QUEUE_READY) != 0 || vio_rd(base, VIO_QUEUE_NUM_MAX) < VQ_SIZE)
		return -1;
	vio_wr(base, VIO_QUEUE_NUM, VQ_SIZE);
	vio_wr(base, VIO_DESC_LO, (uint32_t)q->desc);
	vio_wr(base, VIO_DESC_HI, 0);
	vio_wr(base, VIO_DRIVER_LO, (uint32_t)&q->avail);
	vio_wr(base, VIO_DRIVER_HI, 0);
	vio_wr(base, VIO_DEVICE_LO, (uint32_t)&q->used);
	vio_wr(base, VIO_DEVICE_HI, 0);
	vio_wr(base, VIO_QUEUE_READY, 1);
	return vio_rd(base, VIO_QUEUE_READY) == 1 ? 0 : -1;
}

void vio_driver_ok(uint32_t base)
{
	vio_wr(base, VIO_STATUS, 0xf);
}

void vio_publish(struct vio_queue *q, uint16_t head)
{
	q->avail.ring[q->avail.idx % VQ_SIZE] = head;
	vio_barrier();
	q->avail.idx++;
	vio_barrier();
	vio_wr(q->base, VIO_QUEUE_NOTIFY, q->index);
}

int vio_wait_used(struct vio_queue *q, uint32_t spins, uint32_t *len)
{
	for (uint32_t i = 0; i < spins; i++) {
		if (*(volatile uint16_t *)&q->used.idx != q->last_used) {
			uint16_t slot = q->last_used++ % VQ_SIZE;

			vio_barrier();
			if (len)
				*len = q->used.ring[slot].len;
			return q->used.ring[slot].id;
		}
		cpu_relax();
	}
	return -1;
}

uint8_t vio_config8(uint32_t base, uint32_t off)
{
	return *(volatile uint8_t *)(uintptr_t)(base + VIO_CONFIG + off);
}
