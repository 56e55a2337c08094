// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-mmio placement on the arm64 virt machine: QEMU's layout, 0x200-byte
 * windows from 0x0a000000 with SPIs from 16, each described in the device
 * tree (hw/arm/virt-fdt.c).
 */
#include <errno.h>

#include "hw/arm/virt.h"
#include "hw/intc/arm_gicv3.h"
#include "hw/virtio/virtio-mmio.h"

int virtio_mmio_arch_place(unsigned index, uint64_t *base, unsigned *gsi)
{
	if (index >= VIRT_MMIO_SLOTS)
		return -ENOSPC;
	*base = VIRT_MMIO_BASE + (uint64_t)index * VIRT_MMIO_STRIDE;
	*gsi = gicv3_spi_line(VIRT_MMIO_SPI + index);
	virt_note_virtio_mmio(index);
	return 0;
}
