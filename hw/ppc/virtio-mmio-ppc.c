// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pseries has no virtio-mmio slots: a pseries kernel finds its devices on
 * PCI and VIO, not in "virtio,mmio" nodes, so -device virtio-*-device is
 * refused with a clear error instead of appearing nowhere.
 */
#include <errno.h>

#include "hw/virtio/virtio-mmio.h"

int virtio_mmio_arch_place(unsigned index, uint64_t *base, unsigned *gsi)
{
	return -ENOSPC;
}
