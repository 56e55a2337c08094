/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_MMIO_H
#define KEEL_HW_VIRTIO_VIRTIO_MMIO_H

#include <glib.h>
#include <stdint.h>

#include "hw/virtio/virtio.h"

/* virtio-mmio version 2 (virtio 1.x, 4.2.2). */
#define VIRTIO_MMIO_SIZE 0x200
#define VIRTIO_MMIO_MAGIC 0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4c45454b	/* "KEEL" */

#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

struct virtio_mmio;

/*
 * Put vdev on the next free virtio-mmio slot of the machine (placed and
 * described to the guest by the arch: ACPI on x86). Registers a system reset
 * handler that resets the device. Returns NULL with err set when no slot is
 * left or the range is taken.
 */
struct virtio_mmio *virtio_mmio_create(struct virtio_device *vdev, GError **err);
/* Guest-visible placement (tests, QMP). */
uint64_t virtio_mmio_base(const struct virtio_mmio *t);
unsigned virtio_mmio_gsi(const struct virtio_mmio *t);
/* "irqfd" (resample irqfd) or "line" (KVM_IRQ_LINE). */
const char *virtio_mmio_irq_path(const struct virtio_mmio *t);
/* At exit: release every transport's irqfd. */
void virtio_mmio_cleanup_all(void);

/* Register access, as the guest does it (exported for unit tests). */
uint64_t virtio_mmio_read(void *opaque, uint64_t offset, unsigned size);
void virtio_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

/*
 * Per-arch placement (hw/virtio/virtio-mmio-<arch>.c): where slot index
 * lives and which interrupt it raises; also tells the firmware tables.
 * Returns -ENOSPC when the arch has no such slot.
 */
int virtio_mmio_arch_place(unsigned index, uint64_t *base, unsigned *gsi);

#endif
