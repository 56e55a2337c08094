/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mmio driver helpers for the tiny guests: registers, negotiation,
 * split queues of VQ_SIZE entries, polling for completions.
 */
#ifndef KEEL_GUEST_VIRTIO_H
#define KEEL_GUEST_VIRTIO_H

#include "guest.h"

#define VIO_BASE 0xfeb00000u
#define VIO_SLOT(n) (VIO_BASE + (n) * 0x200u)
#define VQ_SIZE 8

#define VIO_MAGIC 0x000
#define VIO_VERSION 0x004
#define VIO_DEVICE_ID 0x008
#define VIO_DEV_FEATURES 0x010
#define VIO_DEV_FEATURES_SEL 0x014
#define VIO_DRV_FEATURES 0x020
#define VIO_DRV_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INT_STATUS 0x060
#define VIO_INT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_DESC_LO 0x080
#define VIO_DESC_HI 0x084
#define VIO_DRIVER_LO 0x090
#define VIO_DRIVER_HI 0x094
#define VIO_DEVICE_LO 0x0a0
#define VIO_DEVICE_HI 0x0a4
#define VIO_CONFIG 0x100

#define VIO_F_NEXT 1
#define VIO_F_WRITE 2

struct vio_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vio_queue {
	uint32_t base;
	uint16_t index;
	uint16_t last_used;
	struct vio_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[VQ_SIZE], used_event;
	} avail __attribute__((aligned(4)));
	struct {
		uint16_t flags, idx;
		struct { uint32_t id, len; } ring[VQ_SIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
};

static inline void vio_barrier(void)
{
	asm volatile("" ::: "memory");
}

static inline uint32_t vio_rd(uint32_t base, uint32_t reg)
{
	return mmio_read32(base + reg);
}

static inline void vio_wr(uint32_t base, uint32_t reg, uint32_t v)
{
	mmio_write32(base + reg, v);
}

/*
 * Reset, acknowledge and negotiate (features: the low 32 bits; VERSION_1
 * is always taken). Returns 0 when FEATURES_OK stuck, -1 otherwise.
 */
int vio_begin(uint32_t base, uint32_t dev_id, uint32_t features);
/* Set up queue index with VQ_SIZE entries; 0 or -1. */
int vio_queue_init(struct vio_queue *q, uint32_t base, uint16_t index);
/* DRIVER_OK. */
void vio_driver_ok(uint32_t base);
/* Make chain head available and notify. */
void vio_publish(struct vio_queue *q, uint16_t head);
/* The next used entry, or -1 after a bounded wait (spins, loops). */
int vio_wait_used(struct vio_queue *q, uint32_t spins, uint32_t *len);
/* 8-bit config space read. */
uint8_t vio_config8(uint32_t base, uint32_t off);

#endif
