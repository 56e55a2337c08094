// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pseries MSI delivery for hw/pci/msix.c. Every message Keel writes into an
 * MSI-X table (spapr-pci-msi.c) is SPAPR_MSI_WINDOW with the interrupt
 * source as data. KVM on ppc has no MSI routes: its irqfds use the default
 * routing, where GSI n raises source n of the in-kernel XICS or XIVE (an
 * edge pulse), so a route is the source itself. A message that names
 * another source needs another irqfd; msix.c makes one when the update
 * fails. Without an irqfd the source is raised from userspace (KVM_IRQ_LINE
 * through spapr_irq_raise), which also wakes vCPUs halted in Keel.
 */
#include <errno.h>

#include "hw/pci/msix.h"
#include "hw/ppc/spapr-pci.h"
#include "system/error.h"

/* The source a message names, or -1. */
static int msi_source(uint64_t addr, uint32_t data)
{
	if (addr != SPAPR_MSI_WINDOW || data < SPAPR_MSI_FIRST ||
	    data >= SPAPR_MSI_FIRST + SPAPR_MSI_COUNT)
		return -1;
	return data;
}

int pci_msi_route_add(uint64_t addr, uint32_t data, GError **err)
{
	int src = msi_source(addr, data);

	if (src < 0) {
		error_setg(err, "MSI message 0x%llx/0x%x names no MSI source of the PHB",
			   (unsigned long long)addr, data);
		return -EINVAL;
	}
	return src;
}

int pci_msi_route_update(unsigned gsi, uint64_t addr, uint32_t data, GError **err)
{
	if (msi_source(addr, data) == (int)gsi)
		return 0;
	error_setg(err, "a pseries MSI route cannot change its source");
	return -EXDEV;
}

void pci_msi_route_del(unsigned gsi)
{
}

int pci_msi_signal(uint64_t addr, uint32_t data)
{
	int src = msi_source(addr, data);

	if (src < 0)
		return -EINVAL;
	spapr_irq_raise(src);
	return 0;
}
