/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_BLK_H
#define KEEL_HW_VIRTIO_VIRTIO_BLK_H

/* virtio-blk wire format (virtio 1.x, 5.2). */
#include <stdint.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_SECTOR 512
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1

struct virtio_blk_outhdr {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
} __attribute__((packed));

struct virtio_blk_discard_write_zeroes {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
} __attribute__((packed));

/* Config space up to write_zeroes_may_unmap (offsets as in the spec). */
struct virtio_blk_config {
	uint64_t capacity;			/* 0 */
	uint32_t size_max;			/* 8 */
	uint32_t seg_max;			/* 12 */
	uint16_t cylinders;			/* 16 */
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;			/* 20 */
	uint8_t physical_block_exp;		/* 24 */
	uint8_t alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback;			/* 32 */
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;		/* 36 */
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;	/* 48 */
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;		/* 56 */
	uint8_t unused1[3];
} __attribute__((packed));

#endif
