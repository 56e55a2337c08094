// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-mmio placement on x86: 0x200-byte windows from 0xfeb00000 (below
 * the IOAPIC), one IOAPIC-only GSI each (16..23, level, active high). Debian's
 * x86 kernel only finds them through ACPI (_HID LNRO0005), so each slot is
 * added to the DSDT.
 */
#include <errno.h>

#include "hw/i386/acpi.h"
#include "hw/virtio/virtio-mmio.h"

#define X86_VIRTIO_MMIO_BASE 0xfeb00000ULL
#define X86_VIRTIO_MMIO_GSI 16
#define X86_VIRTIO_MMIO_SLOTS 8

int virtio_mmio_arch_place(unsigned index, uint64_t *base, unsigned *gsi)
{
	if (index >= X86_VIRTIO_MMIO_SLOTS)
		return -ENOSPC;
	*base = X86_VIRTIO_MMIO_BASE + (uint64_t)index * VIRTIO_MMIO_SIZE;
	*gsi = X86_VIRTIO_MMIO_GSI + index;
	return acpi_add_virtio_mmio(*base, VIRTIO_MMIO_SIZE, *gsi);
}
